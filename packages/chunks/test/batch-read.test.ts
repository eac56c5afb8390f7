import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, type TypedArray, ndarray } from "@shoal/core";
import { MemoryStore, listAll } from "@shoal/storage";
import { DatasetEngine, type TensorEngine } from "../src/index.ts";
import { CountingStore, noise } from "./helpers.ts";
import { expectCode as rejects } from "@shoal/testing";

const NO_HIDDEN = { createIdTensor: false, createShapeTensor: false } as const;


/** What readManyInto must produce: readMany's samples stacked (readMany is the reference path). */
async function stacked(t: TensorEngine, indices: number[]): Promise<number[]> {
  const out: number[] = [];
  for (const v of await t.readMany(indices)) out.push(...Array.from((v as NDArray).data as ArrayLike<number>));
  return out;
}

async function tensorWith(spec: Parameters<DatasetEngine["createTensor"]>[1], data: NDArray[], flush = true): Promise<{ ds: DatasetEngine; t: TensorEngine; store: CountingStore }> {
  const store = new CountingStore(new MemoryStore());
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("x", { ...NO_HIDDEN, ...spec });
  await t.extend(data);
  if (!flush) return { ds, t, store };
  await ds.flush();
  const again = await DatasetEngine.open(store);
  return { ds: again, t: again.tensor("x"), store };
}

const uint8s = (n: number, shape: number[], seed = 1) => Array.from({ length: n }, (_, i) => ndarray("uint8", shape, noise(shape.reduce((a, b) => a * b, 1), seed + i)));
const order = [5, 0, 17, 5, 9, 23, 1, 16];

for (const [label, spec] of [
  ["raw, several chunks", { dtype: "uint8", maxChunkSize: 2000 }],
  ["lz4 chunks", { dtype: "uint8", chunkCompression: "lz4", maxChunkSize: 2000 }],
  ["lz4 per sample", { dtype: "uint8", sampleCompression: "lz4", maxChunkSize: 2000 }],
] as const) {
  test(`readManyInto matches readMany (${label}), at an offset, duplicates and any order included`, async () => {
    const data = uint8s(24, [8, 12, 3]);
    const { t } = await tensorWith(spec, data);
    const size = 8 * 12 * 3;
    const out = new Uint8Array(3 + order.length * size).fill(77);
    const shape = await t.readManyInto(order, out, { offset: 3 });
    assert.equal([...shape], [8, 12, 3]);
    assert.equal([...out.subarray(0, 3)], [77, 77, 77]);
    assert.equal(Array.from(out.subarray(3)), await stacked(t, order));
    assert.equal(Array.from(out.subarray(3, 3 + size)), Array.from(data[5]!.data as Uint8Array));
  });
}

test("readManyInto reads float32 samples, tiled samples and the unflushed open chunk", async () => {
  const floats = Array.from({ length: 10 }, (_, i) => ndarray("float32", [4], Float32Array.from([i, i + 0.5, -i, i * 2])));
  const f = await tensorWith({ dtype: "float32", maxChunkSize: 1024 }, floats);
  const fo = new Float32Array(3 * 4);
  await f.t.readManyInto([9, 0, 4], fo);
  assert.equal(Array.from(fo), [...floats[9]!.data, ...floats[0]!.data, ...floats[4]!.data] as number[]);

  const tiled = await tensorWith({ dtype: "uint8", maxChunkSize: 4096, tilingThreshold: 4096 }, uint8s(3, [40, 40, 3], 7));
  const to = new Uint8Array(2 * 40 * 40 * 3);
  await tiled.t.readManyInto([2, 0], to);
  assert.equal(Array.from(to), await stacked(tiled.t, [2, 0]));

  const open = await tensorWith({ dtype: "uint8", maxChunkSize: 1024 }, uint8s(12, [10, 10], 3), false);
  const oo = new Uint8Array(4 * 100);
  await open.t.readManyInto([11, 0, 6, 11], oo);
  assert.equal(Array.from(oo), await stacked(open.t, [11, 0, 6, 11]));
});

test("readManyInto rejects ragged samples, wrong or short buffers and bad arguments before writing", async () => {
  const ragged = await tensorWith({ dtype: "uint8" }, [...uint8s(3, [4, 4]), ...uint8s(2, [4, 5])]);
  const out = new Uint8Array(100).fill(9);
  await rejects(ragged.t.readManyInto([0, 1, 4], out), "ShapeError");
  assert.ok(out.every((v) => v === 9), "out untouched after a shape mismatch");
  await rejects(ragged.t.readManyInto([0, 1], new Uint8Array(31)), "ShapeError");
  await rejects(ragged.t.readManyInto([0, 1], new Uint8Array(40), { offset: 9 }), "ShapeError");
  await rejects(ragged.t.readManyInto([0], new Int8Array(16)), "DtypeError");
  await rejects(ragged.t.readManyInto([0], [] as unknown as TypedArray), "DtypeError");
  await rejects(ragged.t.readManyInto([0], new Uint8Array(16), { offset: -1 }), "InvalidArgumentError");
  await rejects(ragged.t.readManyInto([5], new Uint8Array(16)), "SampleIndexError");
  await rejects(ragged.t.readManyInto([0.5], new Uint8Array(16)), "SampleIndexError");
  assert.ok(out.every((v) => v === 9));
  const text = await tensorWith({ encoding: "text" }, ["a", "b"] as never);
  await rejects(text.t.readManyInto([0], new Uint8Array(4)), "UnsupportedError");
  assert.equal([...(await ragged.t.readManyInto([], new Uint8Array(0)))], [4, 4]);
});

test("readMany hands out copies: changing a returned sample changes neither the cache nor later reads", async () => {
  for (const chunkCompression of [null, "lz4"]) {
    const data = uint8s(6, [50]);
    const { t } = await tensorWith({ dtype: "uint8", chunkCompression }, data);
    const [a] = (await t.readMany([2])) as NDArray[];
    (a!.data as Uint8Array).fill(0);
    assert.equal((await t.readMany([2]))[0], data[2]);
    const [b] = await t.readBytesMany([3]);
    b!.bytes.fill(0);
    if (chunkCompression) assert.equal((await t.read(3)), data[3], "cached payload untouched");
  }
});

test("readBytesMany returns what readBytes does, with one ranged read per chunk", async () => {
  // 300 KB samples, 10 per chunk: 3 chunks.
  const data = uint8s(30, [300_000], 11);
  const { t, store } = await tensorWith({ dtype: "uint8", maxChunkSize: 3_000_000, tilingThreshold: -1 }, data);
  const all = Array.from({ length: 30 }, (_, i) => 29 - i);
  await t.shape(0);
  await t.shape(10);
  await t.shape(20); // headers cached
  store.reset();
  const got = await t.readBytesMany(all);
  assert.is(store.gets, 3, "one request per chunk");
  for (const [k, i] of all.entries()) {
    assert.equal(got[k]!.bytes, (await t.readBytes(i)).bytes);
    assert.is(got[k]!.compression, null);
  }
  store.reset();
  await t.readBytesMany([0, 1, 2, 25]);
  assert.is(store.gets, 2, "neighbours coalesce into one request per chunk");
  store.reset();
  // Two samples of one chunk 2.4 MB apart, less than half the chunk: two small reads beat one 3 MB read.
  await t.readBytesMany([0, 9]);
  assert.is(store.gets, 2);
  store.reset();
  await t.readBytesMany([0, 2, 4, 6, 9]);
  assert.is(store.gets, 1, "most of the chunk needed: the whole payload in one read");
  await rejects(t.readBytesMany([30]), "SampleIndexError");
  await rejects(t.readBytesMany([-1]), "SampleIndexError");
});

test("readBytesMany of jpeg-style sample compression keeps the stored bytes and their compression", async () => {
  const data = uint8s(12, [64]);
  const { t } = await tensorWith({ dtype: "uint8", sampleCompression: "lz4", maxChunkSize: 1024 }, data);
  const got = await t.readBytesMany([11, 3, 3]);
  for (const [k, i] of [11, 3, 3].entries()) {
    assert.is(got[k]!.compression, "lz4");
    assert.equal(got[k]!.bytes, (await t.readBytes(i)).bytes);
  }
});

async function corruptPayloadByte(store: MemoryStore, t: TensorEngine, at: number): Promise<void> {
  const [key] = await listAll(store, `tensors/${t.key}/chunks/`);
  const bytes = (await store.get(key!))!;
  const H = new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true);
  const copy = bytes.slice();
  copy[H + at] = copy[H + at]! ^ 0xff;
  await store.set(key!, copy);
}

test("verifyChecksums once: corruption is caught on the first read, and verified bytes are not hashed again", async () => {
  for (const chunkCompression of [null, "lz4"]) {
    const mem = new MemoryStore();
    const ds = await DatasetEngine.create(mem);
    const t = await ds.createTensor("x", { ...NO_HIDDEN, dtype: "uint8", chunkCompression });
    // Noise does not compress: lz4 stores it as one literal run, so byte 1000 of the payload is a byte of sample 0.
    const data = uint8s(8, [5000], 21);
    await t.extend(data);
    await ds.flush();
    const at = 1000;
    // Corrupt before the first read: caught, on every path, and again on a retry.
    await corruptPayloadByte(mem, t, at);
    for (const read of [(x: TensorEngine) => x.read(0), (x: TensorEngine) => x.readMany([0, 1]), (x: TensorEngine) => x.readBytesMany([0]), (x: TensorEngine) => x.readManyInto([0], new Uint8Array(5000))]) {
      const fresh = (await DatasetEngine.open(mem, { cacheBytes: 1 })).tensor("x");
      await rejects(read(fresh), "CorruptChunkError");
      await rejects(read(fresh), "CorruptChunkError");
    }
    await corruptPayloadByte(mem, t, at); // repaired
    for (const mode of ["once", "always"] as const) {
      const other = await DatasetEngine.open(mem, { cacheBytes: 1, verifyChecksums: mode });
      const x = other.tensor("x");
      assert.equal(await x.readMany([0, 1]), data.slice(0, 2));
      // The object changes under the session (a store that rots in place): "once" trusts what it verified, so it
      // does not hash it again; "always" hashes every read and notices. cacheBytes 1 makes every read fetch again.
      await corruptPayloadByte(mem, t, at);
      if (mode === "once") {
        const [a] = (await x.readMany([0])) as NDArray[];
        assert.not.equal(a, data[0], "served unhashed");
        other.clearCache(); // cold again: verified anew
        await rejects(x.readMany([0]), "CorruptChunkError");
      } else {
        await rejects(x.readMany([0]), "CorruptChunkError");
      }
      await corruptPayloadByte(mem, t, at);
    }
  }
});

test.run();
