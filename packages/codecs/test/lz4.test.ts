// The lz4 CLI cross-check lives in lz4-cli.test.ts (child processes); these run in browsers too.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { lz4BlockBound, lz4CompressBlock, lz4Cursor, lz4DecodeUntil, lz4DecompressBlock } from "../src/lz4-block.ts";
import { lz4FrameDecode, lz4FrameEncode } from "../src/lz4-frame.ts";
import { lz4, lz4Decode, lz4Encode, lz4Frame } from "../src/lz4.ts";
import { xxh32 } from "../src/index.ts";
import { equalBytes, fixture, flip, imageLike, loadFixtures, randomBytes, runs, throwsCode } from "./helpers.ts";

await loadFixtures(["text.bin", "text.lz4", "text-linked.lz4"]);

function inputs(): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["1 byte", new Uint8Array([42])],
    ["12 bytes", randomBytes(12, 1)],
    ["13 bytes", new Uint8Array(13).fill(7)],
    ["zeros 100k", new Uint8Array(100_000)],
    ["random 70k", randomBytes(70_000, 2)],
    ["runs 200k", runs(200_000, 3)],
    ["image-like 300k", imageLike(300_000, 4)],
  ];
  for (const n of [15, 16, 17, 19, 20, 255, 256, 65535, 65536, 65537, 65536 * 2 + 3]) out.push([`runs ${n}`, runs(n, n)]);
  return out;
}

test("xxh32 matches the published test vectors", () => {
  const te = new TextEncoder();
  assert.is(xxh32(new Uint8Array(0)), 0x02cc5d05);
  assert.is(xxh32(te.encode("abc")), 0x32d153ff);
  assert.is(xxh32(te.encode("Nobody inspects the spammish repetition")), 0xe2293b2f);
  assert.is(xxh32(new Uint8Array(0), 0, 0, 1), 0x0b2cb792);
});

test("block round trip on random, runs, compressible and boundary sizes", () => {
  for (const [label, data] of inputs()) {
    const dst = new Uint8Array(lz4BlockBound(data.length));
    const end = lz4CompressBlock(data, dst);
    const back = new Uint8Array(data.length);
    assert.is(lz4DecompressBlock(dst, 0, end, back, 0, back.length), data.length, label);
    assert.ok(equalBytes(back, data), label);
  }
});

test("block compresses runs and zeros well, and stays within the bound on random data", () => {
  const zeros = lz4Encode(new Uint8Array(1 << 20));
  assert.ok(zeros.length < 5000, `1 MiB of zeros → ${zeros.length} bytes`);
  const random = randomBytes(100_000, 9);
  assert.ok(lz4Encode(random).length <= 4 + lz4BlockBound(random.length));
});

test("lz4 codec: numcodecs layout (4-byte LE size + block), empty payloads as Deep Lake writes them", () => {
  const data = runs(5000, 5);
  const enc = lz4.encode(data);
  assert.equal([...enc.subarray(0, 4)], [5000 & 0xff, 5000 >> 8, 0, 0]);
  assert.ok(equalBytes(lz4.decode(enc), data));
  assert.ok(equalBytes(lz4.decode(enc, { outLength: 5000 }), data));
  assert.is(lz4.encode(new Uint8Array(0)).length, 0);
  assert.is(lz4.decode(new Uint8Array(0)).length, 0);
  assert.is(lz4.decode(new Uint8Array(5)).length, 0);
  // Deep Lake's reader also accepts a whole frame in an lz4 chunk.
  assert.ok(equalBytes(lz4.decode(lz4FrameEncode(data)), data));
});

test("frame round trip with every option combination and block size", () => {
  for (const [label, data] of inputs()) {
    for (const blockSize of [65536, 4 << 20]) {
      for (const checks of [false, true]) {
        const enc = lz4FrameEncode(data, { blockSize, blockChecksum: checks, contentChecksum: checks, contentSize: checks });
        assert.ok(equalBytes(lz4FrameDecode(enc), data), `${label} ${blockSize} ${checks}`);
      }
    }
    assert.ok(equalBytes(lz4Frame.decode(lz4Frame.encode(data), { outLength: data.length }), data), label);
  }
});

test("frame: concatenated and skippable frames decode in sequence", () => {
  const a = runs(1000, 1);
  const b = randomBytes(300, 2);
  const skippable = new Uint8Array([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
  const both = new Uint8Array([...lz4FrameEncode(a), ...skippable, ...lz4FrameEncode(b)]);
  const out = lz4FrameDecode(both);
  assert.ok(equalBytes(out, new Uint8Array([...a, ...b])));
});

test("committed lz4-CLI fixtures (HC level 9; linked 64 KiB blocks with block checksums) decode byte-exactly", () => {
  const expected = fixture("text.bin");
  assert.ok(equalBytes(lz4FrameDecode(fixture("text.lz4")), expected));
  assert.ok(equalBytes(lz4FrameDecode(fixture("text-linked.lz4")), expected));
  assert.ok(equalBytes(lz4.decode(fixture("text.lz4")), expected));
});

test("corrupt lz4 blocks fail with CorruptDataError and a byte offset", () => {
  const data = runs(3000, 21);
  const enc = lz4Encode(data);
  // Truncated block.
  assert.ok(throwsCode(() => lz4Decode(enc.subarray(0, enc.length - 10)), "CorruptDataError", /at byte \d+/));
  // Offset pointing before the output start: literal "a", then a match with offset 5.
  const before = new Uint8Array([10, 0, 0, 0, 0x10, 97, 5, 0, 0x50, 1, 2, 3, 4, 5]);
  assert.ok(throwsCode(() => lz4Decode(before), "CorruptDataError", /before the start of the output at byte 6/));
  // Literal run past the end of the input.
  assert.ok(throwsCode(() => lz4Decode(new Uint8Array([9, 0, 0, 0, 0x90, 1, 2])), "CorruptDataError", /past the end of the input/));
  // Size prefix smaller than the content: runs past the end of the output.
  const lying = enc.slice();
  lying[0] = 100;
  lying[1] = 0;
  assert.ok(throwsCode(() => lz4Decode(lying), "CorruptDataError", /past the end of the output/));
  // Size prefix larger than the content.
  const short = enc.slice();
  short[0] = (3001 & 0xff);
  short[1] = 3001 >> 8;
  assert.ok(throwsCode(() => lz4Decode(short), "CorruptDataError", /decoded 3000 bytes, size prefix says 3001/));
  assert.ok(throwsCode(() => lz4Decode(enc, { outLength: 2999 }), "CorruptDataError", /caller expects 2999/));
  assert.ok(throwsCode(() => lz4Decode(new Uint8Array([1, 2, 3])), "CorruptDataError"));
  assert.ok(throwsCode(() => lz4Decode(new Uint8Array([255, 255, 255, 127, 0])), "CorruptDataError", /implausible/));
});

test("random garbage never hangs or writes out of bounds", () => {
  for (let seed = 0; seed < 300; seed++) {
    const garbage = randomBytes(4 + (seed % 200), seed);
    garbage[0] = 200;
    garbage[1] = garbage[2] = garbage[3] = 0;
    try {
      const out = lz4Decode(garbage);
      assert.is(out.length, 200);
    } catch (e) {
      assert.ok(throwsCode(() => {
        throw e;
      }, "CorruptDataError"));
    }
  }
});

test("corrupt lz4 frames fail with CorruptDataError and a byte offset", () => {
  const data = runs(200_000, 31);
  const enc = lz4FrameEncode(data, { blockSize: 65536, blockChecksum: true });
  const bad = (mutate: (a: Uint8Array) => Uint8Array, pattern: RegExp) => {
    assert.ok(throwsCode(() => lz4FrameDecode(mutate(enc.slice())), "CorruptDataError", pattern), String(pattern));
  };
  bad((a) => ((a[0] = 0), a), /bad magic .* at byte 0/);
  bad((a) => flip(a, 5, 0x10), /reserved bits|invalid block size|bad header checksum/);
  bad((a) => flip(a, 14, 1), /bad header checksum at byte 14/);
  bad((a) => a.subarray(0, 1000), /truncated block/);
  bad((a) => a.subarray(0, 40), /implausible content size 200000 at byte 6/);
  bad((a) => a.subarray(0, a.length - 2), /truncated content checksum/);
  bad((a) => a.subarray(0, 10), /truncated frame descriptor/);
  bad((a) => flip(a, 30, 0xff), /bad block checksum/);
  // Random data is stored uncompressed, so a flipped byte is only caught by the content checksum.
  const flipped = lz4FrameEncode(randomBytes(1000, 5));
  flip(flipped, 40, 0x01);
  assert.ok(throwsCode(() => lz4FrameDecode(flipped), "CorruptDataError", /bad content checksum at byte \d+/));
  // Content size in the header disagreeing with the blocks.
  const sized = lz4FrameEncode(data.subarray(0, 1000), { contentChecksum: false });
  sized[6] = 0xe7;
  sized[7] = 0x03; // 999
  sized[14] = (xxh32(sized, 4, 14) >>> 8) & 0xff;
  assert.ok(throwsCode(() => lz4FrameDecode(sized), "CorruptDataError", /runs past the (end of the output|announced content size)/));
  assert.ok(throwsCode(() => lz4FrameDecode(lz4FrameEncode(data), { outLength: 10 }), "CorruptDataError"));
});

test("bad arguments → InvalidArgumentError", () => {
  assert.ok(throwsCode(() => lz4.encode("text" as unknown as Uint8Array), "InvalidArgumentError", /expected a Uint8Array, got string/));
  assert.ok(throwsCode(() => lz4.decode(null as unknown as Uint8Array), "InvalidArgumentError"));
  assert.ok(throwsCode(() => lz4.decode(new Uint8Array(8), { outLength: -1 }), "InvalidArgumentError", /outLength/));
  assert.ok(throwsCode(() => lz4FrameEncode(new Uint8Array(1), { blockSize: 1000 }), "InvalidArgumentError", /blockSize/));
  assert.ok(throwsCode(() => lz4CompressBlock(new Uint8Array(100), new Uint8Array(10)), "InvalidArgumentError", /output buffer/));
});

test("the resumable lz4 decoder stops at sequence boundaries past stopAt and rejects corrupt blocks", () => {
  const raw = Uint8Array.from({ length: 5000 }, (_, k) => (k < 2500 ? 9 : k & 0xff));
  const enc = lz4Encode(raw);
  const cursor = lz4Cursor(enc, raw.length)!;
  const out = new Uint8Array(raw.length);
  lz4DecodeUntil(cursor, out, 100);
  assert.ok(cursor.op >= 100 && cursor.op <= raw.length);
  assert.equal([...out.subarray(0, 100)], [...raw.subarray(0, 100)]);
  lz4DecodeUntil(cursor, out, raw.length);
  assert.equal(out, raw);
  assert.is(cursor.ip, enc.length);
  assert.throws(() => lz4Cursor(enc, raw.length + 1), (e: unknown) => isShoalError(e, "CorruptDataError"));
  const bad = enc.slice();
  bad[6] = 0xff;
  bad[7] = 0xff;
  assert.throws(() => lz4DecodeUntil(lz4Cursor(bad, raw.length)!, new Uint8Array(raw.length), raw.length), (e: unknown) => isShoalError(e, "CorruptDataError"));
});

test("a block that ends on a match instead of final literals is truncated input", () => {
  const raw = new Uint8Array(300).fill(7);
  const block = new Uint8Array(lz4BlockBound(raw.length));
  const n = lz4CompressBlock(raw, block);
  // Drop the final literals-only sequence (token 0x50 + 5 bytes): the block now ends right after a match.
  const cut = block.subarray(0, n - 6);
  assert.throws(() => lz4DecompressBlock(cut, 0, cut.length, new Uint8Array(raw.length), 0, raw.length), (e: unknown) => isShoalError(e, "CorruptDataError"));
});

test.run();
