// @runtimes node,node24,bun,deno
// crc32 against node:zlib's, an independent implementation (a Node API, so not in a browser).
import * as zlibModule from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { crc32 } from "../src/checksums.ts";

test("crc32 agrees with node:zlib's crc32 where the runtime has it", () => {
  const native = (zlibModule as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  if (typeof native !== "function") return;
  let x = 0x12345678;
  const data = new Uint8Array(300_007);
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  for (const [s, e] of [[0, data.length], [1, 200_001], [3, 70], [7, 7 + 65_536], [5, 5]] as const) {
    const view = data.subarray(s, e);
    assert.is(crc32(view), native(view), `[${s}, ${e})`);
    assert.is(crc32(view, 0xdeadbeef), native(view, 0xdeadbeef), `[${s}, ${e}) continued`);
  }
});

test.run();
