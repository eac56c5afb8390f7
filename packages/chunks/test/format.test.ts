import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { ChunkBuilder } from "../src/chunk-builder.ts";
import { parseHeader, sampleRange, sampleShape, verifyPayload } from "../src/chunk-format.ts";
import { decodeIndexSegment, encodeIndexSegment } from "../src/index-format.ts";
import { parseManifest } from "../src/state.ts";
import { xxh32 } from "@shoal/codecs";
import { noise } from "./helpers.ts";

const enc = new TextEncoder();

test("xxh32 matches the published test vectors, aligned or not", () => {
  assert.is(xxh32(enc.encode("")), 0x02cc5d05);
  assert.is(xxh32(enc.encode("abc")), 0x32d153ff);
  assert.is(xxh32(enc.encode("Nobody inspects the spammish repetition")), 0xe2293b2f);
  const shifted = new Uint8Array(41);
  shifted.set(enc.encode("Nobody inspects the spammish repetition"), 1);
  assert.is(xxh32(shifted, 1, 40), 0xe2293b2f);
});

function build(samples: Uint8Array[], shapes: number[][]) {
  const b = new ChunkBuilder({ dtype: "uint8", encoding: "array", ndim: shapes[0]!.length, sampleCodec: "", chunkCodecName: "", chunkCodec: null }, 1024);
  samples.forEach((s, i) => b.add(s, shapes[i]!));
  return b.seal().bytes.slice();
}

test("a chunk's header gives back every sample's shape and bytes", () => {
  const samples = [noise(6, 1), noise(12, 2), noise(0, 3)];
  const shapes = [[2, 3], [3, 4], [0, 4]];
  const bytes = build(samples, shapes);
  const h = parseHeader(bytes, "k");
  assert.is(h.count, 3);
  assert.is(h.dtype, "uint8");
  assert.is(h.headerLength % 8, 0);
  verifyPayload(h, bytes.subarray(h.headerLength), "k");
  samples.forEach((s, i) => {
    const [a, b] = sampleRange(h, i);
    assert.equal(bytes.subarray(h.headerLength + a, h.headerLength + b), s);
    assert.equal(sampleShape(h, i), shapes[i]);
  });
});

test("bad magic, a flipped header byte and a flipped payload byte are CorruptChunkError with key and offset", () => {
  const bytes = build([noise(5000, 4), noise(5000, 5)], [[5000], [5000]]);
  const magic = bytes.slice();
  magic[0] = 0;
  assert.throws(() => parseHeader(magic, "t/chunks/a"), (e: unknown) => isShoalError(e, "CorruptChunkError") && (e as unknown as { key: string }).key === "t/chunks/a" && /magic/.test((e as Error).message));
  const header = bytes.slice();
  header[13]! ^= 1;
  assert.throws(() => parseHeader(header, "h"), (e: unknown) => isShoalError(e, "CorruptChunkError") && /header checksum/.test((e as Error).message));
  const payload = bytes.slice();
  payload[payload.length - 10]! ^= 0x40;
  const h = parseHeader(payload, "p");
  assert.throws(() => verifyPayload(h, payload.subarray(h.headerLength), "p"), (e: unknown) => isShoalError(e, "CorruptChunkError") && (e as unknown as { offset: number }).offset === h.headerLength + 5000);
  assert.throws(() => parseHeader(bytes.subarray(0, 10), "short"), (e: unknown) => isShoalError(e, "CorruptChunkError"));
});

test("index segments round-trip rows and tile layouts, and reject corruption", () => {
  const rows = [
    { id: "00112233445566778899aabbccddeeff", count: 7, headerLength: 64, objectLength: 999 },
    { id: "", count: 1, headerLength: 0, objectLength: 0, tiles: { shape: [5, 4], tileShape: [2, 4], ids: ["0".repeat(32), "1".repeat(32), "2".repeat(32)] } },
  ];
  const bytes = encodeIndexSegment(rows);
  assert.equal(decodeIndexSegment(bytes, "i"), rows);
  const bad = bytes.slice();
  bad[20]! ^= 1;
  assert.throws(() => decodeIndexSegment(bad, "i"), (e: unknown) => isShoalError(e, "CorruptChunkError"));
});

test("parseManifest rejects malformed JSON and missing fields", () => {
  assert.throws(() => parseManifest(enc.encode("{"), "m"), (e: unknown) => isShoalError(e, "CorruptChunkError"));
  assert.throws(() => parseManifest(enc.encode(JSON.stringify({ formatVersion: 1, id: "x", tensors: { a: { key: 1 } } })), "m"), /tensors\.a/);
});

test.run();
