// Bad input, corrupt and unsupported datasets: every failure is a typed error naming what and where.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { DeepLakeFormatError, DeepLakeUnsupportedError, MissingChunkError, detectDeepLake, openDeepLake } from "../src/index.ts";
import { FIRST, chunk, chunkIds, le, versionHeader, writeDatasetMeta, writeTensor } from "@shoal/testing";
import { IMAGES, fixture, rejects } from "./helpers.ts";

/** SYNTHETIC: one int32 tensor "x" of 2 samples; `patch` overrides parts of it. */
async function tiny(patch: Partial<Parameters<typeof writeTensor>[2]> = {}, datasetVersion?: string): Promise<MemoryStore> {
  const store = new MemoryStore();
  await writeTensor(store, FIRST, {
    key: "x", dtype: "int32", length: 2, minShape: [1], maxShape: [1], ids: chunkIds([[0xabn, 1]]),
    chunks: { ab: chunk([{ bytes: le("int32", [5]), shape: [1] }, { bytes: le("int32", [6]), shape: [1] }]) }, ...patch,
  });
  await writeDatasetMeta(store, FIRST, ["x"], { version: datasetVersion });
  return store;
}

test("the tiny synthetic dataset reads (the baseline the corruptions below start from)", async () => {
  const ds = await openDeepLake(await tiny());
  assert.equal([...(await ds.tensor("x").column())!.data], [5, 6]);
});

test("not a Deep Lake dataset: empty store, shoal dataset", async () => {
  const empty = new MemoryStore();
  assert.is(await detectDeepLake(empty), undefined);
  await rejects(openDeepLake(empty), (e) => isShoalError(e, "NotADeepLakeDatasetError"), "empty");
  const shoal = new MemoryStore();
  await shoal.set("shoal.json", new TextEncoder().encode('{"format":"shoal","formatVersion":1}'));
  await shoal.set("dataset_meta.json", new TextEncoder().encode("{}"));
  assert.is(await detectDeepLake(shoal), undefined);
  await rejects(openDeepLake(shoal), (e) => isShoalError(e, "NotADeepLakeDatasetError") && (e as Error).message.includes("shoal"), "shoal");
});

test("bad arguments are InvalidArgumentError and read nothing", async () => {
  const store = fixture(IMAGES);
  await rejects(openDeepLake(null as never), (e) => isShoalError(e, "InvalidArgumentError"), "store");
  await rejects(openDeepLake(store, { commitId: "" }), (e) => isShoalError(e, "InvalidArgumentError"), "commitId");
  await rejects(openDeepLake(store, { branch: 3 as never }), (e) => isShoalError(e, "InvalidArgumentError"), "branch");
  await rejects(openDeepLake(store, { cacheBytes: -1 }), (e) => isShoalError(e, "InvalidArgumentError"), "cacheBytes");
  assert.equal(store.gets, []);
  const ds = await openDeepLake(store);
  assert.throws(() => ds.tensor("nope"), (e: unknown) => isShoalError(e, "DeepLakeTensorNotFoundError") && (e as Error).message.includes("images"));
  const labels = ds.tensor("labels");
  for (const bad of [-1, 3, 1.5, Number.NaN]) await rejects(labels.read(bad), (e) => isShoalError(e, "DeepLakeIndexError"), `index ${bad}`);
  await rejects(labels.readMany([0, 9]), (e) => isShoalError(e, "DeepLakeIndexError"), "readMany");
  await rejects(labels.readManyInto([0], new Float32Array(1)), (e) => isShoalError(e, "DtypeError"), "out dtype");
  await rejects(labels.readManyInto([0, 1], new Uint32Array(1)), (e) => isShoalError(e, "ShapeError"), "out size");
  await rejects(labels.readManyInto([0], new Uint32Array(1), { offset: -1 }), (e) => isShoalError(e, "ShapeError"), "offset");
});

test("an aborted signal rejects reads and opens", async () => {
  const ac = new AbortController();
  ac.abort();
  await rejects(openDeepLake(fixture(IMAGES), { signal: ac.signal }), (e) => (e as Error).name === "AbortError", "open");
  const ds = await openDeepLake(fixture(IMAGES));
  await rejects(ds.tensor("images").read(0, { signal: ac.signal }), (e) => (e as Error).name === "AbortError", "read");
});

test("a newer format version is DeepLakeUnsupportedError (dataset meta, chunk)", async () => {
  await rejects(openDeepLake(await tiny({}, "4.0.1")), (e) => e instanceof DeepLakeUnsupportedError && e.where === "dataset_meta.json" && e.message.includes("4.0.1"), "dataset");
  const ds = await openDeepLake(await tiny({ chunks: { ab: chunk([{ bytes: le("int32", [5]), shape: [1] }], { version: "4.2.0" }) } }));
  await rejects(ds.tensor("x").read(0), (e) => e instanceof DeepLakeUnsupportedError && e.where === "x/chunks/ab", "chunk");
});

test("unknown compressions and dtypes are DeepLakeUnsupportedError naming the tensor", async () => {
  const webp = await openDeepLake(await tiny({ htype: "image", dtype: "uint8", sampleCompression: "webp" }));
  await rejects(webp.tensor("x").read(0), (e) => e instanceof DeepLakeUnsupportedError && e.feature === "compression" && e.message.includes('"x"') && e.message.includes("webp"), "sample");
  const zstd = await openDeepLake(await tiny({ chunkCompression: "zstd" }));
  await rejects(zstd.tensor("x").read(0), (e) => e instanceof DeepLakeUnsupportedError && e.message.includes("zstd"), "chunk");
  const complex = await openDeepLake(await tiny({ dtype: "complex64" }));
  assert.is(complex.tensor("x").meta.dtype, undefined);
  await rejects(complex.tensor("x").read(0), (e) => e instanceof DeepLakeUnsupportedError && e.feature === "dtype", "dtype");
});

test("corrupt objects are DeepLakeFormatError naming the key and byte", async () => {
  const truncated = chunk([{ bytes: le("int32", [5]), shape: [1] }, { bytes: le("int32", [6]), shape: [1] }]).subarray(0, 14);
  const ds1 = await openDeepLake(await tiny({ chunks: { ab: truncated } }));
  await rejects(ds1.tensor("x").read(0), (e) => e instanceof DeepLakeFormatError && e.key === "x/chunks/ab" && e.offset !== undefined, "truncated chunk");
  const badWidth = new Uint8Array([...versionHeader("3.9.52"), 5, ...new Uint8Array(10)]);
  const ds2 = await openDeepLake(await tiny({ ids: badWidth }));
  await rejects(ds2.tensor("x").read(0), (e) => e instanceof DeepLakeFormatError && e.key === "x/chunks_index/unsharded" && e.message.includes("width"), "width byte");
  const short = await openDeepLake(await tiny({ ids: chunkIds([[0xabn, 0]]) }));
  await rejects(short.tensor("x").read(1), (e) => e instanceof DeepLakeFormatError && e.message.includes("covers 1 samples"), "short encoder");
  const lz4 = await openDeepLake(await tiny({ chunkCompression: "lz4", chunks: { ab: chunk([{ bytes: le("int32", [5]), shape: [1] }], { compress: () => new Uint8Array([9, 0, 0, 0, 0xff]) }) } }));
  await rejects(lz4.tensor("x").read(0), (e) => e instanceof DeepLakeFormatError && e.key === "x/chunks/ab" && e.message.includes("lz4"), "lz4 data");
  const store = await tiny();
  await store.delete("x/tensor_meta.json");
  await rejects(openDeepLake(store), (e) => e instanceof DeepLakeFormatError && e.key === "x/tensor_meta.json", "missing meta");
  const badJson = await tiny();
  await badJson.set("dataset_meta.json", new TextEncoder().encode('{"tensors": "x"}'));
  await rejects(openDeepLake(badJson), (e) => e instanceof DeepLakeFormatError && e.message.includes("tensors"), "dataset meta");
});

test("a zero-byte chunk file reads as missing", async () => {
  const ds = await openDeepLake(await tiny({ chunks: { ab: new Uint8Array(0) } }));
  await rejects(ds.tensor("x").read(1), (e) => e instanceof MissingChunkError && e.index === 1 && e.key === "x/chunks/ab", "empty chunk");
});

test.run();
