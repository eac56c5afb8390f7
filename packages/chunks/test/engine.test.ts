import { test } from "uvu";
import * as assert from "uvu/assert";
import { DTYPES, type DType, type NDArray, allocTyped, isShoalError, ndarray, shapeSize } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { DatasetEngine } from "../src/index.ts";
import { CountingStore, noise } from "./helpers.ts";
import { expectCode as rejects } from "@shoal/testing";

function arrayOf(dtype: DType, shape: number[], seed: number): NDArray {
  const n = shapeSize(shape);
  const out = allocTyped(dtype, n) as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < n; i++) {
    const v = (i * 7 + seed * 13) % 120;
    out[i] = dtype === "int64" || dtype === "uint64" ? BigInt(v) : dtype === "bool" ? v & 1 : dtype.startsWith("float") && dtype !== "float16" ? v / 4 : v;
  }
  return ndarray(dtype, shape, out as never);
}


const fresh = async () => {
  const store = new CountingStore(new MemoryStore());
  return { store, ds: await DatasetEngine.create(store) };
};

test("every dtype round-trips, ragged shapes included, before and after a reopen", async () => {
  const { store, ds } = await fresh();
  const written: Record<string, NDArray[]> = {};
  for (const dtype of DTYPES) {
    const t = await ds.createTensor(`t_${dtype}`, { dtype, maxChunkSize: 1024 });
    written[dtype] = [0, 1, 2, 3, 4].map((i) => arrayOf(dtype, [i + 1, 3 - (i % 3)], i));
    await t.extend(written[dtype]!);
    assert.equal(await t.read(2), written[dtype]![2]);
  }
  await ds.flush();
  const again = await DatasetEngine.open(store);
  for (const dtype of DTYPES) {
    const t = again.tensor(`t_${dtype}`);
    assert.is(t.length, 5);
    assert.equal(await t.readMany([4, 0, 2]), [written[dtype]![4], written[dtype]![0], written[dtype]![2]]);
    assert.equal(await t.shape(3), [4, 3]);
    assert.equal(t.meta.minShape, [1, 1]);
    assert.equal(t.meta.maxShape, [5, 3]);
  }
});

test("text, json and list samples, empty ones too", async () => {
  const { store, ds } = await fresh();
  const text = await ds.createTensor("text", { encoding: "text" });
  const json = await ds.createTensor("json", { encoding: "json" });
  const list = await ds.createTensor("list", { encoding: "list" });
  await ds.extend({ text: ["héllo", "", "🌊 shoal"], json: [{ a: [1, 2] }, null, "s"], list: [[1, "x"], [], [null]] });
  await ds.flush();
  const again = await DatasetEngine.open(store);
  assert.equal(await again.tensor("text").readRange(0, 3), ["héllo", "", "🌊 shoal"]);
  assert.equal(await again.tensor("json").readRange(0, 3), [{ a: [1, 2] }, null, "s"]);
  assert.equal(await again.tensor("list").readRange(0, 3), [[1, "x"], [], [null]]);
  assert.equal(await again.tensor("list").shape(0), [2]);
  assert.is(again.length, 3);
  void text; void json; void list;
});

test("hidden id and shape tensors follow appends, updates and pops", async () => {
  const { ds } = await fresh();
  const t = await ds.createTensor("img", { dtype: "uint8" });
  await t.extend([arrayOf("uint8", [2, 2], 1), arrayOf("uint8", [3, 1], 2), arrayOf("uint8", [1, 1], 3)]);
  assert.equal(ds.tensorNames(), ["img"]);
  assert.equal(ds.allTensorNames(), ["img", "_img_id", "_img_shape"]);
  const ids = (await ds.tensor("_img_id").column())!.data as BigUint64Array;
  assert.is(ids.length, 3);
  assert.is(new Set(ids).size, 3);
  await t.update(1, arrayOf("uint8", [4, 4], 9));
  assert.equal((await ds.tensor("_img_shape").read(1) as NDArray).data, Uint32Array.from([4, 4]));
  await t.pop(0);
  const after = (await ds.tensor("_img_id").column())!.data as BigUint64Array;
  assert.equal([...after], [ids[1], ids[2]]);
  assert.equal(await t.read(0), arrayOf("uint8", [4, 4], 9));
  const ref = await ds.flush();
  assert.ok(ref.ref, "a flush at a branch head publishes a ref");
  const changes = ds.manifest!.tensors.img!.changes;
  assert.ok(changes.updated && changes.popped);
});

test("update is copy-on-write: the previous manifest still reads the old sample", async () => {
  const { store, ds } = await fresh();
  const t = await ds.createTensor("x", { dtype: "int32", maxChunkSize: 1024 });
  await t.extend(Array.from({ length: 600 }, (_, i) => ndarray("int32", [], Int32Array.of(i))));
  await ds.flush();
  const before = ds.manifest!.id;
  const chunksBefore = ds.manifest!.tensors.x!.index;
  await t.update(10, ndarray("int32", [], Int32Array.of(-1)));
  await ds.flush();
  const old = await DatasetEngine.open(store, { manifest: before, readOnly: true });
  assert.equal((await old.tensor("x").read(10) as NDArray).data, Int32Array.of(10));
  assert.equal((await t.read(10) as NDArray).data, Int32Array.of(-1));
  assert.equal((await t.read(599) as NDArray).data, Int32Array.of(599));
  assert.is.not(ds.manifest!.tensors.x!.index.join(), chunksBefore.join());
  await rejects(old.tensor("x").update(0, null), "ReadOnlyModeError");
});

test("readMany fetches each chunk once; a single read fetches only that sample's bytes", async () => {
  const { store, ds } = await fresh();
  const t = await ds.createTensor("x", { dtype: "uint8", maxChunkSize: 64 * 1024, createIdTensor: false, createShapeTensor: false });
  const samples = Array.from({ length: 40 }, (_, i) => ndarray("uint8", [8192], noise(8192, i + 1)));
  await t.extend(samples);
  await ds.flush();
  const again = await DatasetEngine.open(store);
  const x = again.tensor("x");
  store.reset();
  const got = await x.readMany([0, 1, 2, 9, 10, 11, 30, 31]);
  got.forEach((g, k) => assert.equal((g as NDArray).data, samples[[0, 1, 2, 9, 10, 11, 30, 31][k]!]!.data));
  // 1 index segment + (header + one span) per chunk touched: samples 0-2 and 9-11 in chunk 0/1, 30-31 in chunk 3.
  const chunksTouched = new Set([0, 1, 2, 9, 10, 11, 30, 31].map((i) => Math.floor(i / 7))).size;
  assert.is(store.gets, 1 + 2 * chunksTouched);
  store.reset();
  await x.read(5);
  assert.is(store.gets, 1);
  assert.is(store.rangeGets, 1);
});

test("tiles: a big sample round-trips, and a sub-slice reads only the tiles it touches", async () => {
  const { store, ds } = await fresh();
  const t = await ds.createTensor("big", { dtype: "uint16", maxChunkSize: 4096 });
  const big = arrayOf("uint16", [64, 40, 3], 5);
  await t.extend([arrayOf("uint16", [2, 2, 3], 1), big]);
  await ds.flush();
  const again = await DatasetEngine.open(store);
  const b = again.tensor("big");
  assert.equal(await b.read(1), big);
  again.clearCache();
  store.reset();
  const part = await b.readSlice(1, [[10, 12], 5]);
  assert.equal(part.shape, [2, 3]);
  for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) assert.is(part.data[r * 3 + c], big.data[(10 + r) * 120 + 5 * 3 + c]);
  // Tiles are 17 rows of 240 bytes: rows 10-11 live in one tile.
  assert.is(store.gets, 1);
  await b.update(0, arrayOf("uint16", [64, 40, 3], 6));
  assert.equal(await b.read(0), arrayOf("uint16", [64, 40, 3], 6));
  await b.pop(1);
  assert.is(b.length, 1);
});

test("extend is atomic across tensors and within one: a bad sample leaves nothing", async () => {
  const { ds } = await fresh();
  const a = await ds.createTensor("a", { dtype: "float32", maxChunkSize: 1024 });
  const b = await ds.createTensor("b", { encoding: "text" });
  await ds.extend({ a: [arrayOf("float32", [3], 1)], b: ["ok"] });
  const bad = () => ds.extend({ a: [arrayOf("float32", [3], 2)], b: [arrayOf("uint8", [1], 1) as never] });
  try {
    await bad();
    assert.unreachable();
  } catch (e) {
    assert.ok(isShoalError(e, "DtypeError"));
    assert.is((e as unknown as { tensor: string }).tensor, "b");
    assert.is((e as unknown as { index: number }).index, 1);
  }
  assert.is(a.length, 1);
  assert.is(b.length, 1);
  assert.is(ds.tensor("_a_id").length, 1);
  const many = Array.from({ length: 300 }, (_, i) => arrayOf("float32", [3], i) as unknown);
  many.push(arrayOf("float32", [3, 1], 0));
  try {
    await a.extend(many);
    assert.unreachable();
  } catch (e) {
    assert.ok(isShoalError(e, "SampleShapeError"));
    assert.is((e as unknown as { index: number }).index, 301);
  }
  assert.is(a.length, 1);
  assert.is(ds.tensor("_a_id").length, 1);
  assert.is(ds.tensor("_a_shape").length, 1);
  assert.equal(await a.read(0), arrayOf("float32", [3], 1));
});

test("bad input: wrong dtype, wrong rank, bad indices, bad names, unknown codecs, read-only views", async () => {
  const { store, ds } = await fresh();
  const t = await ds.createTensor("x", { dtype: "uint8" });
  await t.append(arrayOf("uint8", [2], 1));
  await rejects(t.append(arrayOf("int16", [2], 1)), "DtypeError");
  await rejects(t.append(arrayOf("uint8", [2, 2], 1)), "SampleShapeError");
  await rejects(t.append("text" as never), "DtypeError");
  await rejects(t.read(1), "SampleIndexError");
  await rejects(t.read(-1), "SampleIndexError");
  await rejects(t.readMany([0, 7]), "SampleIndexError");
  await rejects(t.readRange(0, 2), "SampleIndexError");
  await rejects(t.update(3, arrayOf("uint8", [2], 1)), "SampleIndexError");
  await rejects(t.pop(9), "SampleIndexError");
  await rejects(t.readSlice(0, [5]), "SampleShapeError");
  await rejects(ds.createTensor("x"), "TensorAlreadyExistsError");
  await rejects(ds.createTensor("x/y"), "TensorAlreadyExistsError");
  await rejects(ds.createTensor("bad//name"), "InvalidArgumentError");
  await rejects(ds.createTensor("c", { sampleCompression: "nope" }), "UnknownCodecError");
  await rejects(ds.createTensor("d", { sampleCompression: "lz4", chunkCompression: "lz4" }), "InvalidArgumentError");
  await rejects(ds.createTensor("e", { maxChunkSize: 10 }), "InvalidArgumentError");
  assert.throws(() => ds.tensor("missing"), (e: unknown) => isShoalError(e, "TensorDoesNotExistError"));
  assert.is(t.length, 1);
  await ds.flush();
  const view = await DatasetEngine.open(store, { manifest: ds.manifest!.id, readOnly: true });
  await rejects(view.tensor("x").append(arrayOf("uint8", [2], 1)), "ReadOnlyModeError");
  await rejects(view.flush(), "ReadOnlyModeError");
  await rejects(DatasetEngine.open(new MemoryStore()), "DatasetNotFoundError");
  await rejects(DatasetEngine.create(store), "InvalidArgumentError");
  assert.throws(() => ds.renameTensor("x", "a//b"), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
});

test("two writers on one branch: exactly one publishes, the other gets PreconditionFailedError", async () => {
  const { store, ds } = await fresh();
  await ds.createTensor("x", { dtype: "uint8" });
  await ds.flush();
  const w1 = await DatasetEngine.open(store);
  const w2 = await DatasetEngine.open(store);
  await w1.tensor("x").append(arrayOf("uint8", [1], 1));
  await w2.tensor("x").append(arrayOf("uint8", [1], 2));
  const results = await Promise.allSettled([w1.flush(), w2.flush()]);
  assert.is(results.filter((r) => r.status === "fulfilled").length, 1);
  const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
  assert.ok(isShoalError(lost.reason, "PreconditionFailedError"));
  const reader = await DatasetEngine.open(store);
  assert.is(reader.tensor("x").length, 1);
});

test("rename, delete, rechunk and info keep data readable", async () => {
  const { store, ds } = await fresh();
  const t = await ds.createTensor("g/x", { dtype: "int16", maxChunkSize: 1024 });
  for (let i = 0; i < 5; i++) {
    await t.extend(Array.from({ length: 20 }, (_, j) => arrayOf("int16", [3], i * 20 + j)));
    await ds.flush();
  }
  const segments = ds.manifest!.tensors["g/x"]!.index.length;
  assert.ok(segments >= 5, "appends add index segments instead of rewriting");
  ds.renameTensor("g/x", "g/y");
  assert.equal(ds.allTensorNames(), ["g/y", "g/_y_id", "g/_y_shape"]);
  await t.rechunk();
  ds.setInfo({ description: "d" });
  await ds.flush();
  const again = await DatasetEngine.open(store);
  const y = again.tensor("g/y");
  assert.is(y.length, 100);
  assert.equal(await y.read(57), arrayOf("int16", [3], 57));
  assert.equal(again.info, { description: "d" });
  assert.equal(again.groups, ["g"]);
  again.deleteTensor("g/y");
  await again.flush();
  assert.equal((await DatasetEngine.open(store)).allTensorNames(), []);
});

test("a marker of a newer format version is UnsupportedError, a foreign marker DatasetNotFoundError", async () => {
  const store = new MemoryStore();
  await DatasetEngine.create(store);
  // Rewritten by hand without its seal, as a record of a writer before seals (or of another tool) reads.
  const { xxh32: _seal, ...marker } = JSON.parse(new TextDecoder().decode(await store.get("shoal.json")));
  await store.set("shoal.json", new TextEncoder().encode(JSON.stringify({ ...marker, formatVersion: 2 })));
  const e = await rejects(DatasetEngine.open(store), "UnsupportedError");
  assert.match((e as Error).message, /version 2.*knows version 1/);
  await store.set("shoal.json", new TextEncoder().encode(JSON.stringify({ format: "other", formatVersion: 1 })));
  await rejects(DatasetEngine.open(store), "DatasetNotFoundError");
});

test.run();
