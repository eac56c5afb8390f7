// @runtimes node,node24,bun,deno
// gzip members from node:zlib, an independent encoder, mixed with ours (a Node API, so not in a browser).
import { gunzipSync, gzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { gzip } from "../src/deflate.ts";
import { equalBytes, flip, randomBytes, runs, throwsCode } from "./helpers.ts";

const te = (text: string): Uint8Array => new TextEncoder().encode(text);

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

test("gzip decodes concatenated members (cat a.gz b.gz), verifying each member's CRC-32", () => {
  const parts = [te("first member\n"), randomBytes(3000, 2), new Uint8Array(0), runs(20_000, 3)];
  // Members from node:zlib (an independent encoder) and from ours, back to back.
  const members = [new Uint8Array(gzipSync(parts[0]!)), gzip.encode(parts[1]!, { level: 0 }), new Uint8Array(gzipSync(parts[2]!)), gzip.encode(parts[3]!, { level: 9 })];
  const joined = concatBytes(members);
  const expected = concatBytes(parts);
  assert.ok(equalBytes(gzip.decode(joined), expected));
  assert.ok(equalBytes(gzip.decode(joined, { outLength: expected.length }), expected));
  assert.ok(equalBytes(new Uint8Array(gunzipSync(joined)), expected), "node:zlib agrees");
  assert.ok(throwsCode(() => gzip.decode(joined, { outLength: expected.length - 1 }), "CorruptDataError", /more than/));
  // A flipped stored byte in the second member.
  const second = members[0]!.length;
  const damaged = flip(joined.slice(), second + 20, 4);
  assert.ok(throwsCode(() => gzip.decode(damaged), "CorruptDataError", new RegExp(`member at byte ${second}: CRC-32 mismatch`)));
  assert.ok(throwsCode(() => gzip.decode(concatBytes([joined, new Uint8Array([1, 2, 3])])), "CorruptDataError", /gzip/));
  assert.ok(throwsCode(() => gzip.decode(joined.subarray(0, joined.length - 3)), "CorruptDataError", /gzip/));
});

test.run();
