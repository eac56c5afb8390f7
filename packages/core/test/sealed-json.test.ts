import { test } from "uvu";
import * as assert from "uvu/assert";
import { InvalidArgumentError, JSON_SEAL_FIELD, sealJson, unsealJson, xxh32 } from "../src/index.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

test("a sealed record is its compact JSON with the xxh32 of the bytes before the seal as the last member", () => {
  const sealed = sealJson({ format: 1, name: "dev", n: [1, 2] });
  const s = text(sealed);
  assert.ok(s.startsWith(`{"format":1,"name":"dev","n":[1,2],"${JSON_SEAL_FIELD}":"`), s);
  const covered = bytes(`{"format":1,"name":"dev","n":[1,2],`);
  assert.is(s.slice(-10, -2), xxh32(covered).toString(16).padStart(8, "0"));
  assert.equal(JSON.parse(s).format, 1, "plain JSON readers still read it");
});

test("unsealJson returns the value without its seal, and says it was sealed", () => {
  const r = unsealJson(sealJson({ a: "ü", b: null }));
  assert.equal(r, { ok: true, value: { a: "ü", b: null }, sealed: true });
  assert.equal(unsealJson(sealJson({})), { ok: true, value: {}, sealed: true });
});

test("records written before seals existed read unchecked", () => {
  assert.equal(unsealJson(bytes(`{"a":1}`)), { ok: true, value: { a: 1 }, sealed: false });
});

test("every single-bit flip of a sealed record is refused or reads the same value", () => {
  const sealed = sealJson({ format: 1, seq: 7, manifest: "0123456789abcdef0123456789abcdef", time: 1732183200000 });
  const original = (unsealJson(sealed) as { value: unknown }).value;
  let refused = 0;
  for (let at = 0; at < sealed.length; at++) {
    for (let bit = 0; bit < 8; bit++) {
      const c = sealed.slice();
      c[at]! ^= 1 << bit;
      const r = unsealJson(c);
      if (!r.ok) refused++;
      else {
        // Only a flip inside the seal's own member name reads unchecked, and then the body is intact: the value
        // is the original plus that renamed member.
        const renamed = Object.entries(r.value as object).filter(([k]) => !Object.hasOwn(original as object, k));
        assert.ok(renamed.length <= 1 && renamed.every(([k]) => k.length === JSON_SEAL_FIELD.length), `flip of bit ${bit} of byte ${at}: ${JSON.stringify(r.value)}`);
        const rest = Object.fromEntries(Object.entries(r.value as object).filter(([k]) => Object.hasOwn(original as object, k)));
        assert.equal(rest, original, `flip of bit ${bit} of byte ${at} read a different value`);
      }
    }
  }
  assert.ok(refused > sealed.length * 7, `${refused} of ${sealed.length * 8} flips refused`);
});

test("a damaged seal digit, truncation and invalid UTF-8 are refused with the reason", () => {
  const sealed = sealJson({ a: 1 });
  const wrong = sealed.slice();
  wrong[wrong.length - 3] = wrong[wrong.length - 3] === 0x30 ? 0x31 : 0x30;
  const r = unsealJson(wrong);
  assert.is(r.ok, false);
  assert.match((r as { reason: string }).reason, /checksum mismatch/);
  assert.match((unsealJson(sealed.subarray(0, sealed.length - 1)) as { reason: string }).reason, /not valid JSON/);
  assert.match((unsealJson(Uint8Array.of(0x7b, 0xff, 0x7d)) as { reason: string }).reason, /UTF-8/);
});

test("sealing again replaces the old seal instead of nesting it", () => {
  const once = (unsealJson(sealJson({ a: 1 })) as { value: object }).value;
  const twice = sealJson({ ...once, [JSON_SEAL_FIELD]: "stale" });
  assert.is(text(twice).split(JSON_SEAL_FIELD).length, 2);
  assert.equal((unsealJson(twice) as { value: unknown }).value, { a: 1 });
});

test("sealJson refuses what is not a JSON object", () => {
  assert.throws(() => sealJson([1] as never), (e: unknown) => e instanceof InvalidArgumentError && /only JSON objects/.test((e as Error).message));
  assert.throws(() => sealJson(null as never), (e: unknown) => e instanceof InvalidArgumentError);
});

test.run();
