// What an importer uses: tensor options, and samples streamed chunk by chunk (stored bytes or decoded values).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { MemoryStore } from "@shoal/storage";
import { MissingChunkError, type StoredSample, openDeepLake } from "../src/index.ts";
import { FIRST, chunk, chunkIds, le, tilesIndex, writeDatasetMeta, writeTensor } from "@shoal/testing";
import { IMAGES, TRANSCRIBE, fixture, rejects, transcribeTest } from "./helpers.ts";

transcribeTest("createTensorOptions carries htype, dtype, compressions and class names", async () => {
  const ds = await openDeepLake(fixture(IMAGES));
  assert.equal(ds.tensor("images").createTensorOptions(), {
    htype: "image", dtype: "uint8", sampleCompression: "jpeg", chunkCompression: null, maxChunkSize: null, tilingThreshold: null, hidden: false,
  });
  const labels = ds.tensor("labels").createTensorOptions();
  assert.is(labels.htype, "class_label");
  assert.is(labels.dtype, "uint32");
  assert.equal(labels.classNames, ["class0", "class1", "class2"]);
  const tb = await openDeepLake(fixture(TRANSCRIBE));
  assert.is(tb.tensor("metadata").createTensorOptions().dtype, "Any");
  assert.is(tb.tensor("text").createTensorOptions().htype, "text");
});

test("storedBatches hands out each JPEG exactly as stored in the chunk file", async () => {
  const ds = await openDeepLake(fixture(IMAGES));
  const file = readFileSync(`${IMAGES}/images/chunks/97a4ba`);
  const progress: number[][] = [];
  const batches: { start: number; samples: StoredSample[] }[] = [];
  for await (const b of ds.tensor("images").storedBatches({ onProgress: (d, t) => progress.push([d, t]) })) batches.push(b);
  assert.is(batches.length, 1);
  assert.equal(progress, [[3, 3]]);
  const data = file.subarray(file.length - 3 * 6523);
  batches[0]!.samples.forEach((s, i) => {
    assert.is(s.compression, "jpeg");
    assert.equal(s.shape, [200, 200, 3]);
    assert.equal(s.bytes, new Uint8Array(data.subarray(i * 6523, (i + 1) * 6523)));
  });
});

transcribeTest("batches stream decoded samples per chunk; a missing chunk fails its batch only", async () => {
  const ds = await openDeepLake(fixture(TRANSCRIBE));
  let n = 0;
  for await (const b of ds.tensor("ids").batches()) n += b.samples.length;
  assert.is(n, 683);
  const it = ds.tensor("embedding").batches();
  await rejects(it.next(), (e) => e instanceof MissingChunkError && e.index === 0, "first embedding chunk");
  // Streaming can resume past the missing chunk by index range.
  const tail = await ds.tensor("embedding").readMany([651, 682]);
  assert.is(tail.length, 2);
});

test("SYNTHETIC: a tiled sample streams as one reassembled raw sample with its shape", async () => {
  const store = new MemoryStore();
  const tiles: Record<string, Uint8Array> = {};
  const rows: [bigint, number][] = [[0x10n, 0]];
  [[1, 2], [3, 4]].forEach((vals, k) => {
    tiles[`2${k}`] = chunk([{ bytes: le("int16", vals), shape: [1, 2] }], { noBps: true });
    rows.push([BigInt(`0x2${k}`), 1]);
  });
  await writeTensor(store, FIRST, {
    key: "t", dtype: "int16", length: 2, minShape: [1, 1], maxShape: [2, 2], ids: chunkIds(rows), tiles: tilesIndex([{ index: 1, sampleShape: [2, 2], tileShape: [1, 2] }]),
    chunks: { ...tiles, "10": chunk([{ bytes: le("int16", [9]), shape: [1, 1] }]) },
  });
  await writeDatasetMeta(store, FIRST, ["t"]);
  const ds = await openDeepLake(store);
  const got: { start: number; samples: StoredSample[] }[] = [];
  for await (const b of ds.tensor("t").storedBatches()) got.push(b);
  assert.equal(got.map((b) => b.start), [0, 1]);
  assert.equal(got[1]!.samples[0], { bytes: le("int16", [1, 2, 3, 4]), compression: null, shape: [2, 2] });
  assert.equal(got[0]!.samples[0], { bytes: le("int16", [9]), compression: null, shape: [1, 1] });
});

test.run();
