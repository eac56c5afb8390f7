// Reads the real datasets written by hub 2.0.6 and deeplake 3.8.8 in place (read-only) and checks every tensor.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { getSampleCodec } from "@shoal/codecs";
import type { NDArray } from "@shoal/core";
import { detectDeepLake, openDeepLake } from "../src/index.ts";
import { CHAT, IMAGES, chatTest, fixture, l2 } from "./helpers.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Header size of a chunk by the notes' formula (§2.1), from the file's own counters. */
function chunkHeaderSize(path: string): number {
  const b = readFileSync(path);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const l = b[0]!;
  const rows = v.getInt32(1 + l, true);
  const cols = v.getInt32(5 + l, true);
  const bps = v.getInt32(9 + l + 4 * rows * cols, true);
  return 1 + l + 8 + 4 * rows * cols + 4 + 12 * bps;
}

chatTest("chat-with-docs 3.8.8: layout, names, lengths, dtypes", async () => {
  const store = fixture(CHAT);
  assert.equal(await detectDeepLake(store), { version: "3.8.8" });
  const ds = await openDeepLake(store);
  assert.is(ds.commitId, "firstdbf9474d461a19e9333c2fd19b46115348f");
  assert.is(ds.branch, "main");
  assert.ok(ds.isHead);
  assert.equal(ds.branches, { main: ds.commitId });
  assert.is(ds.length, 11);
  assert.equal([...ds.tensorNames()], ["text", "metadata", "embedding", "id"]);
  assert.equal([...ds.tensorNames({ includeHidden: true })], ["text", "metadata", "embedding", "id", "_embedding_shape"]);
  const expected: Record<string, [string, string | undefined]> = {
    text: ["text", undefined], metadata: ["json", undefined], embedding: ["embedding", "float32"], id: ["text", undefined], _embedding_shape: ["generic", "int64"],
  };
  for (const [name, [htype, dtype]] of Object.entries(expected)) {
    const t = ds.tensor(name);
    assert.is(t.length, 11, name);
    assert.is(t.meta.htype, htype, name);
    assert.is(t.meta.dtype, dtype, name);
  }
  assert.ok(ds.tensor("_embedding_shape").hidden);
  assert.is((ds.tensor("embedding").info.embedding as Record<string, unknown>).model, "text-embedding-ada-002");
  // Opening reads metadata only: no chunk index, no chunk.
  assert.ok(!store.gets.some((k) => k.includes("/chunks")), store.gets.join(" "));
});

chatTest("chat-with-docs 3.8.8: text, json and ids", async () => {
  const ds = await openDeepLake(fixture(CHAT));
  const text = (await ds.tensor("text").readMany([...Array(11).keys()])) as string[];
  assert.ok(text[0]!.startsWith("Bitcoin: A Peer-to-Peer Electronic Cash System"));
  assert.ok(text.every((s) => typeof s === "string" && s.length > 0));
  // Every byte of the data region belongs to exactly one sample.
  const path = `${CHAT}/text/chunks/837edfa5e0c04e06`;
  const total = text.reduce((n, s) => n + new TextEncoder().encode(s).length, 0);
  assert.is(total, readFileSync(path).length - chunkHeaderSize(path));
  const meta = (await ds.tensor("metadata").readMany([...Array(11).keys()])) as { source: string; page: number }[];
  for (const m of meta) {
    assert.is(m.source, "white_paper.pdf");
    assert.ok(Number.isInteger(m.page) && m.page >= 0);
  }
  assert.is(meta[0]!.page, 0);
  const ids = (await ds.tensor("id").readMany([...Array(11).keys()])) as string[];
  assert.ok(ids.every((s) => UUID.test(s)), ids.join(","));
  assert.is(new Set(ids).size, 11);
  assert.equal(await ds.tensor("id").shape(3), [1]);
});

chatTest("chat-with-docs 3.8.8: float32 embeddings are unit vectors (ada-002) and match the hidden shape tensor", async () => {
  const ds = await openDeepLake(fixture(CHAT));
  const emb = ds.tensor("embedding");
  const m = (await emb.columnMatrix())!;
  assert.equal(m.shape, [11, 1536]);
  assert.instance(m.data, Float32Array);
  for (let i = 0; i < 11; i++) {
    const row = (m.data as Float32Array).subarray(i * 1536, (i + 1) * 1536);
    assert.ok(row.every(Number.isFinite));
    assert.ok(Math.abs(l2(row) - 1) < 1e-3, `row ${i} norm ${l2(row)}`);
  }
  const five = (await emb.read(5)) as NDArray;
  assert.equal([...five.data], [...(m.data as Float32Array).subarray(5 * 1536, 6 * 1536)]);
  const shapes = (await ds.tensor("_embedding_shape").column())!;
  assert.equal([...(shapes.data as BigInt64Array)], Array(11).fill(1536n));
  assert.equal(await emb.shapes(), { ndim: 1, data: new Uint32Array(11).fill(1536) });
  const ids = await emb.chunkIds();
  assert.equal([...ids], Array(11).fill(0));
});

test("images-classlabel 2.0.6: JPEG images and class labels", async () => {
  const ds = await openDeepLake(fixture(IMAGES));
  assert.is(ds.formatVersion, "2.0.6");
  assert.equal([...ds.tensorNames()], ["images", "labels"]);
  assert.is(ds.length, 3);
  const images = ds.tensor("images");
  assert.is(images.meta.htype, "image");
  assert.is(images.meta.dtype, "uint8");
  assert.is(images.meta.sampleCompression, "jpeg");
  const jpeg = await getSampleCodec("jpeg");
  for (let i = 0; i < 3; i++) {
    const img = (await images.read(i)) as NDArray;
    assert.equal(img.shape, [200, 200, 3]);
    assert.is(img.dtype, "uint8");
    const { bytes, compression } = await images.readBytes(i);
    assert.is(compression, "jpeg");
    assert.is(bytes.length, 6523);
    assert.equal([bytes[0], bytes[1]], [0xff, 0xd8]);
    assert.equal([bytes.at(-2), bytes.at(-1)], [0xff, 0xd9]);
    // The decoded sample is exactly the stored file decoded.
    assert.equal(img.data, jpeg.decode(bytes).data);
    assert.equal(await images.shape(i), [200, 200, 3]);
  }
  const labels = ds.tensor("labels");
  assert.is(labels.meta.htype, "class_label");
  assert.equal(labels.meta.classNames, ["class0", "class1", "class2"]);
  const col = (await labels.column())!;
  assert.is(col.dtype, "uint32");
  assert.equal([...col.data], [2, 0, 1]);
  assert.equal(((await labels.read(1)) as NDArray).shape, [1]);
});

test("readManyInto fills a caller buffer with fixed-shape samples in the order asked", async () => {
  const ds = await openDeepLake(fixture(IMAGES));
  const images = ds.tensor("images");
  const out = new Uint8Array(2 * 120000 + 10);
  const shape = await images.readManyInto([2, 0], out, { offset: 10 });
  assert.equal(shape, [200, 200, 3]);
  assert.equal(out.subarray(10, 120010), ((await images.read(2)) as NDArray).data);
  assert.equal(out.subarray(120010), ((await images.read(0)) as NDArray).data);
  const many = await images.readBytesMany([1, 0]);
  assert.equal(many.map((b) => b.bytes.length), [6523, 6523]);
});

test.run();
