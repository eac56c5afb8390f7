// The cross-check against node:zlib's crc32 lives in checksums-zlib.test.ts; these run in browsers too.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { crc32 } from "../src/checksums.ts";

/** bytes[i] = (131 i + 17) mod 256: reproducible here and in Python, where the expected values were computed. */
function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + 17) & 0xff;
  return out;
}

// python3: zlib.crc32(bytes(((i*131+17)&0xff) for i in range(n))) — lengths around every 16-byte step boundary.
const PYTHON_CRC32: Record<number, number> = {
  0: 0, 1: 3098726271, 3: 1952176780, 4: 648151302, 15: 4252597163, 16: 3206705693, 17: 2959134752, 31: 3184689559, 32: 4217828500,
  33: 43622286, 47: 187461246, 63: 3942903714, 64: 2069185073, 65: 1920161975, 100: 2002528893, 1000: 1751102714, 4097: 2160534884,
  65543: 3282202232,
};
// python3: zlib.crc32(pattern(n + o)[o:]) for o = 1, 2, 3: the same lengths starting off a 4-byte boundary.
const PYTHON_SHIFTED: Record<number, number[]> = {
  33: [1491726338, 2286306123, 2413351506], 100: [2605328026, 1774588802, 2444370709], 4097: [2257542574, 864829142, 2257787148],
};

test("crc32 matches Python's zlib.crc32 at every length around the 16-byte steps", () => {
  for (const [n, want] of Object.entries(PYTHON_CRC32)) assert.is(crc32(pattern(Number(n))), want, `length ${n}`);
});

test("crc32 of views starting at every alignment", () => {
  for (const [n, wants] of Object.entries(PYTHON_SHIFTED)) {
    wants.forEach((want, k) => {
      const o = k + 1;
      assert.is(crc32(pattern(Number(n) + o).subarray(o)), want, `length ${n} at offset ${o}`);
    });
  }
  // A view of a view, its end cut short too.
  const big = pattern(5000);
  assert.is(crc32(big.subarray(1).subarray(2, 2 + 4097)), PYTHON_SHIFTED[4097]![2]);
});

test("crc32 continues from a previous value", () => {
  const a = pattern(1000);
  // python3: zlib.crc32(pattern(1000)[:333]) == 827826451
  assert.is(crc32(a.subarray(0, 333)), 827826451);
  assert.is(crc32(a.subarray(333), crc32(a.subarray(0, 333))), PYTHON_CRC32[1000]);
  // Split at every alignment of the second part.
  for (let cut = 1; cut < 40; cut++) assert.is(crc32(a.subarray(cut), crc32(a.subarray(0, cut))), PYTHON_CRC32[1000], `cut at ${cut}`);
});

test("crc32 takes the empty input and a zero-length view at any offset", () => {
  assert.is(crc32(new Uint8Array(0)), 0);
  assert.is(crc32(pattern(10).subarray(3, 3)), 0);
  assert.is(crc32(new Uint8Array(0), 0xcbf43926), 0xcbf43926);
});

test.run();
