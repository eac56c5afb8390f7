import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, isShoalError, ndarray } from "@shoal/core";
import { getBytesCodec } from "@shoal/codecs";
import { MemoryStore } from "@shoal/storage";
import { DatasetEngine, parseHeader } from "../src/index.ts";
import { CountingStore, noise } from "./helpers.ts";

function masks(n: number): NDArray[] {
  // Compressible data, so lz4 actually shrinks the chunk.
  return Array.from({ length: n }, (_, i) => {
    const a = new Uint8Array(4096);
    a.fill(i % 7, 0, 2048 + i);
    return ndarray("uint8", [64, 64], a);
  });
}

test("lz4 chunk compression: round-trip, smaller chunks, each chunk fetched once per readMany", async () => {
  const store = new CountingStore(new MemoryStore());
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("m", { dtype: "uint8", chunkCompression: "lz4", maxChunkSize: 64 * 1024, createIdTensor: false, createShapeTensor: false });
  const data = masks(50);
  await t.extend(data);
  await ds.flush();
  const again = await DatasetEngine.open(store);
  const m = again.tensor("m");
  store.reset();
  const got = await m.readMany([0, 1, 17, 49, 2]);
  assert.equal(got, [data[0], data[1], data[17], data[49], data[2]]);
  // One index segment, then one whole-object get per chunk touched (0-2, 17 and 49 lie in three chunks).
  assert.is(store.gets, 1 + 3);
  let stored = 0;
  for await (const key of store.list("tensors/m/chunks/")) {
    const bytes = (await store.get(key))!;
    const h = parseHeader(bytes, key);
    assert.is(h.chunkCodec, "lz4");
    stored += bytes.byteLength;
  }
  assert.ok(stored < 50 * 4096 / 4, `lz4 chunks hold ${stored} bytes`);
});

test("lz4 sample compression: raw arrays are encoded, already-compressed samples are stored byte for byte", async () => {
  const lz4 = await getBytesCodec("lz4");
  const store = new MemoryStore();
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("s", { dtype: "uint8", sampleCompression: "lz4" });
  const raw = ndarray("uint8", [100], noise(100, 3));
  const pre = lz4.encode(noise(64, 9));
  await t.extend([raw, { kind: "compressed", bytes: pre, compression: "lz4", shape: [64], dtype: "uint8" }]);
  await ds.flush();
  const again = (await DatasetEngine.open(store)).tensor("s");
  assert.equal(await again.read(0), raw);
  const bytes = await again.readBytes(1);
  assert.equal(bytes, { bytes: pre, compression: "lz4" });
  assert.equal((await again.read(1) as NDArray).data, noise(64, 9));
});

test("a corrupted stored chunk is reported as CorruptChunkError naming its key", async () => {
  const store = new MemoryStore();
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("x", { dtype: "uint8", createIdTensor: false, createShapeTensor: false });
  await t.extend([ndarray("uint8", [5000], noise(5000, 1)), ndarray("uint8", [5000], noise(5000, 2))]);
  await ds.flush();
  let chunkKey = "";
  for await (const key of store.list("tensors/x/chunks/")) chunkKey = key;
  const bytes = (await store.get(chunkKey))!.slice();
  bytes[bytes.length - 1]! ^= 1;
  await store.set(chunkKey, bytes);
  const x = (await DatasetEngine.open(store)).tensor("x");
  assert.equal((await x.read(0) as NDArray).data, noise(5000, 1));
  try {
    await x.read(1);
    assert.unreachable();
  } catch (e) {
    assert.ok(isShoalError(e, "CorruptChunkError"));
    assert.is((e as unknown as { key: string }).key, chunkKey);
  }
  await store.delete(chunkKey);
  const y = (await DatasetEngine.open(store)).tensor("x");
  try {
    await y.read(0);
    assert.unreachable();
  } catch (e) {
    assert.ok(isShoalError(e, "MissingChunkError"));
  }
});

test.run();
