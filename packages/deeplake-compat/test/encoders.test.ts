// The binary pieces against the worked examples of deeplake-format.md (bytes copied from the notes, not produced here).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseChunk, chunkByteRange, chunkSampleCount, chunkSampleShape } from "../src/chunk.ts";
import { locateSample, parseChunkIds, parseTiles, tileGrid } from "../src/encoders.ts";
import { compareVersions } from "../src/binary.ts";
import { parseChunkSet } from "../src/version-control.ts";
import { DeepLakeFormatError } from "../src/errors.ts";
import { parseHubJson } from "../src/hub-json.ts";

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((h) => parseInt(h, 16)));

test("§2.3: the hub 2.3.4 chunk of ten int64 scalars 0..9", () => {
  const values = new Uint8Array(new BigInt64Array(Array.from({ length: 10 }, (_, i) => BigInt(i))).buffer);
  const bytes = new Uint8Array([...hex("05 322e332e34 01000000 02000000 01000000 09000000 01000000 08000000 00000000 09000000"), ...values]);
  assert.is(bytes.length, 118);
  const c = parseChunk(bytes, "xyz/chunks/834754be");
  assert.is(c.version, "2.3.4");
  assert.is(chunkSampleCount(c), 10);
  assert.equal(chunkSampleShape(c, 7, 1), [1]);
  assert.equal(chunkByteRange(c, 7), [56, 64]);
  assert.is(new DataView(c.data.buffer, c.data.byteOffset).getBigInt64(56, true), 7n);
});

test("§2.3: a 3.8.8 text chunk header with one bps row per sample", () => {
  const head = hex("05 332e382e38 01000000 02000000 01000000 0a000000 0b000000 550c0000 00000000 00000000 95090000 550c0000 01000000");
  const rows = new Uint8Array(9 * 12); // the remaining 9 rows: 1 byte each, after the first two samples
  const v = new DataView(rows.buffer);
  for (let r = 0; r < 9; r++) v.setUint32(r * 12, 1, true), v.setUint32(r * 12 + 4, 0xc55 + 0x995 + r, true), v.setUint32(r * 12 + 8, r + 2, true);
  const c = parseChunk(new Uint8Array([...head, ...rows, ...new Uint8Array(0xc55 + 0x995 + 9)]), "text/chunks/837edfa5e0c04e06");
  assert.is(c.bpsRows, 11);
  assert.equal(chunkByteRange(c, 0), [0, 0xc55]);
  assert.equal(chunkByteRange(c, 1), [0xc55, 0xc55 + 0x995]);
  assert.equal(chunkByteRange(c, 10), [0xc55 + 0x995 + 8, 0xc55 + 0x995 + 9]);
  assert.equal(chunkSampleShape(c, 10, 1), [1]);
});

test("§3.3: the 3.8.8 embedding chunk-id encoder (uint64) and the 2.0.6 one (uint32, no width byte)", () => {
  const t = parseChunkIds(hex("05 332e382e38 08 7d4c9e32e20c97d5 0a00000000000000"), "embedding/chunks_index/unsharded");
  assert.equal(t.names, ["d5970ce2329e4c7d"]);
  assert.equal([...t.last], [10]);
  assert.is(t.idBytes, 8);
  const legacy = parseChunkIds(hex("05 322e302e36 baa49700 02000000"), "images/chunks_index/unsharded");
  assert.equal(legacy.names, ["97a4ba"]);
  assert.equal([...legacy.last], [2]);
  assert.equal(locateSample(t, 10), { row: 0, count: 1, local: 10 });
  assert.is(locateSample(t, 11), undefined);
});

test("§3.3: tile rows repeat their sample's last index", () => {
  const rows = [[1, 4], [2, 5], [3, 5], [4, 5], [5, 9]];
  const body = rows.flatMap(([id, last]) => [id!, 0, 0, 0, 0, 0, 0, 0, last!, 0, 0, 0, 0, 0, 0, 0]);
  const t = parseChunkIds(new Uint8Array([...hex("05 332e392e30 08"), ...body]), "k");
  assert.equal(locateSample(t, 5), { row: 1, count: 3, local: 0 });
  assert.equal(locateSample(t, 7), { row: 4, count: 1, local: 1 });
  assert.throws(() => parseChunkIds(new Uint8Array([...hex("05 332e392e30 08"), ...body.slice(16 * 4), ...body.slice(0, 16)]), "k"), (e: unknown) => e instanceof DeepLakeFormatError);
});

test("§3.5: empty and non-empty tile encoders", () => {
  assert.is(parseTiles(hex("05 332e342e30 0000000000000000"), "t").size, 0);
  const u64 = (n: number) => [n, 0, 0, 0, 0, 0, 0, 0];
  const t = parseTiles(new Uint8Array([...hex("05 332e392e30"), ...u64(1), ...u64(2), ...u64(7), ...u64(5), ...u64(7), ...u64(2), ...u64(3)]), "t");
  assert.equal(t.get(7), { sampleShape: [5, 7], tileShape: [2, 3] });
  assert.equal(tileGrid(t.get(7)!), [3, 3]);
  assert.throws(() => parseTiles(new Uint8Array([...hex("05 332e392e30"), ...u64(1), ...u64(2)]), "t"), (e: unknown) => e instanceof DeepLakeFormatError);
});

test("§5.4: chunk_set entries and §3.1 version comparison", () => {
  const s = parseChunkSet(new TextEncoder().encode("a1,b2:cafe,c3:beef:other"), "self", "vals");
  assert.equal(s.get("a1"), { commitId: "self", key: "vals" });
  assert.equal(s.get("b2"), { commitId: "cafe", key: "vals" });
  assert.equal(s.get("c3"), { commitId: "beef", key: "other" });
  assert.is(parseChunkSet(new Uint8Array(0), "self", "vals").size, 0);
  assert.is(compareVersions("2.7.6", "2.7.6"), 0);
  assert.is(compareVersions("2.10.0", "2.7.6"), 1);
  assert.is(compareVersions("2.0.6", "2.7.6"), -1);
  assert.is(compareVersions("3.9.0.dev1", "3.9.0"), 0);
});

test("malformed headers name the key and byte", () => {
  assert.throws(() => parseChunk(new Uint8Array(0), "k"), (e: unknown) => e instanceof DeepLakeFormatError && e.key === "k" && e.offset === 0);
  assert.throws(() => parseChunk(hex("09 332e39"), "k"), (e: unknown) => e instanceof DeepLakeFormatError && e.offset === 0);
  assert.throws(() => parseChunk(hex("05 332e392e30 ffffffff 02000000 00000000"), "k"), (e: unknown) => e instanceof DeepLakeFormatError && e.offset === 6);
  assert.throws(() => parseChunkIds(hex("05 332e392e30 08 0102"), "k"), (e: unknown) => e instanceof DeepLakeFormatError && e.message.includes("multiple"));
});

test("JSON samples: Python's NaN and Infinity read as numbers, strings stay strings, bad JSON throws", () => {
  const v = parseHubJson('{"a": NaN, "b": [-Infinity, "NaN", "x Infinity"], "c": Infinity}') as { a: number; b: unknown[]; c: number };
  assert.ok(Number.isNaN(v.a));
  assert.equal(v.b, [-Infinity, "NaN", "x Infinity"]);
  assert.is(v.c, Infinity);
  assert.throws(() => parseHubJson("{NaN"), (e: unknown) => e instanceof SyntaxError);
  assert.throws(() => parseHubJson("{oops"), (e: unknown) => e instanceof SyntaxError);
});

test.run();
