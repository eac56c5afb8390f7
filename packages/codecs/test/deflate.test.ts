// The cross-checks against node:zlib live in deflate-zlib.test.ts; these run in browsers too.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { deflate, gzip, zlib } from "../src/deflate.ts";
import { adler32, crc32 } from "../src/checksums.ts";
import { equalBytes, fixture, flip, imageLike, loadFixtures, randomBytes, runs, throwsCode } from "./helpers.ts";

await loadFixtures(["text.bin", "text.deflate", "text.zlib", "text.gz"]);

const codecs = [deflate, zlib, gzip];

const te = (text: string): Uint8Array => new TextEncoder().encode(text);

test("checksums match known values", () => {
  assert.is(crc32(te("123456789")), 0xcbf43926);
  assert.is(adler32(te("Wikipedia")), 0x11e60398);
  assert.is(crc32(new Uint8Array(0)), 0);
});

test("python zlib/gzip fixtures decode to the original bytes", () => {
  const expected = fixture("text.bin");
  assert.ok(equalBytes(deflate.decode(fixture("text.deflate")), expected));
  assert.ok(equalBytes(zlib.decode(fixture("text.zlib")), expected));
  assert.ok(equalBytes(gzip.decode(fixture("text.gz")), expected));
  assert.ok(equalBytes(gzip.decode(fixture("text.gz"), { outLength: expected.length }), expected));
});

test("round trip at every level on random, runs, image-like, empty and 1 byte", () => {
  const inputs = [new Uint8Array(0), new Uint8Array([1]), randomBytes(5000, 1), runs(70_000, 2), imageLike(100_000, 3)];
  for (const codec of codecs) {
    for (const level of [0, 1, 6, 9]) {
      for (const data of inputs) {
        const enc = codec.encode(data, { level });
        assert.ok(equalBytes(codec.decode(enc), data), `${codec.name} L${level} n=${data.length}`);
        assert.ok(equalBytes(codec.decode(enc, { outLength: data.length }), data), `${codec.name} outLength`);
      }
    }
  }
});

test("truncated or corrupt streams → CorruptDataError naming the codec", () => {
  const data = runs(50_000, 7);
  for (const codec of codecs) {
    const enc = codec.encode(data);
    assert.ok(throwsCode(() => codec.decode(enc.subarray(0, enc.length >> 1)), "CorruptDataError", new RegExp(`\\[shoal\\] ${codec.name}:`)), codec.name);
    assert.ok(throwsCode(() => codec.decode(new Uint8Array(0)), "CorruptDataError"), `${codec.name} empty`);
    assert.ok(throwsCode(() => codec.decode(enc, { outLength: data.length - 1 }), "CorruptDataError", /more than/), `${codec.name} outLength small`);
    assert.ok(throwsCode(() => codec.decode(enc, { outLength: data.length + 1 }), "CorruptDataError", /expected/), `${codec.name} outLength big`);
  }
  const z = zlib.encode(data);
  flip(z, z.length - 1, 1);
  assert.ok(throwsCode(() => zlib.decode(z), "CorruptDataError", /Adler-32 mismatch/));
  const g = gzip.encode(randomBytes(100, 1), { level: 0 });
  flip(g, 20, 1); // a stored literal byte: only the CRC can notice
  assert.ok(throwsCode(() => gzip.decode(g), "CorruptDataError", /CRC-32 mismatch/));
  assert.ok(throwsCode(() => gzip.decode(new Uint8Array(20).fill(1)), "CorruptDataError", /bad magic at byte 0/));
  assert.ok(throwsCode(() => zlib.decode(new Uint8Array(20).fill(1)), "CorruptDataError", /bad header/));
});

test("bad arguments → InvalidArgumentError", () => {
  for (const codec of codecs) {
    assert.ok(throwsCode(() => codec.encode(new Uint8Array(1), { level: 11 }), "InvalidArgumentError", /level/));
    assert.ok(throwsCode(() => codec.encode([1, 2] as unknown as Uint8Array), "InvalidArgumentError"));
    assert.ok(throwsCode(() => codec.decode(new Uint8Array(10), { outLength: 1.5 }), "InvalidArgumentError", /outLength/));
  }
});

test.run();
