// Bad input of every public function and method of the facade: each rejected call gives a shoal error with its own
// code and a `[shoal]` message naming what (tensor, index, option, name) was wrong, and changes nothing — in memory,
// in views made before it, in hasHeadChanges, and in the store after a flush.
import { ndarray } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Dataset, empty, fromNpy, link, load, read, readBlob, toNpy } from "../src/index.ts";
import { arr, snapshotStore } from "./helpers.ts";

interface Fixture {
  ds: Dataset;
  store: MemoryStore;
}

async function fixture(): Promise<Fixture> {
  const store = new MemoryStore();
  const ds = await empty(store);
  await ds.createTensor("x", { dtype: "int32" });
  await ds.createTensor("txt", { htype: "text" });
  ds.createGroup("g");
  await ds.createTensor("g/t", { htype: "class_label", classNames: ["a", "b"] });
  await ds.extend({ x: [[1, 2], [3, 4], [5, 6]], txt: ["p", "q", "r"], "g/t": ["a", "b", "a"] });
  ds.info.set("about", "fixture");
  ds.tensor("x").info.set("unit", "m");
  ds.addCredsKey("k");
  await ds.commit("fixture");
  await ds.saveView(ds.slice(0, 2), { id: "firsttwo" });
  await ds.flush();
  return { ds, store };
}

/** Everything a user can observe of the dataset, as one comparable string. */
async function observe(ds: Dataset): Promise<string> {
  const out: unknown[] = [ds.tensorNames(), ds.groups, ds.info.toJSON(), ds.branch, ds.commitId, ds.allowDelete, [...ds.getCredsKeys()]];
  out.push(await ds.branches(), (await ds.getViews()).map((v) => v.id));
  for (const n of ds.tensorNames()) {
    const t = ds.tensor(n);
    const values = (await t.numpy({ aslist: true })) as unknown[];
    out.push(n, t.length, t.dtype, t.info.toJSON(), values.map((v) => (typeof v === "string" ? v : arr(v))));
  }
  return JSON.stringify(out);
}

type Bad = (ds: Dataset, f: Fixture) => unknown;

/** Runs `bad` on a fresh fixture: it must fail with `code` and a message naming every `mention`, and change nothing. */
async function refused(bad: Bad, code: string, ...mentions: string[]): Promise<void> {
  const f = await fixture();
  const { ds, store } = f;
  const before = await observe(ds);
  const stored = await snapshotStore(store);
  const view = ds.slice(0, 3);
  let error: unknown;
  try {
    await bad(ds, f);
  } catch (e) {
    error = e;
  }
  const e = error as { code?: string; message?: string } | undefined;
  assert.ok(e, `expected ${code}, but the call succeeded`);
  assert.is(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
  assert.ok(e.message?.startsWith("[shoal] "), e.message);
  for (const m of mentions) assert.ok(e.message?.includes(m), `the message names ${JSON.stringify(m)}: ${e.message}`);
  assert.is(await observe(ds), before, `a rejected call changes nothing (${code})`);
  assert.not.ok(ds.hasHeadChanges, "a rejected call is not a head change");
  assert.ok(view.isValid, "views made before a rejected call stay valid");
  await ds.flush();
  assert.equal(await snapshotStore(store), stored, "the store is unchanged after a flush");
}

test("top level: empty/load/dataset paths, read/readBlob/link inputs, toNpy/fromNpy", async () => {
  const { dataset } = await import("../src/index.ts");
  for (const open of [empty, load, dataset]) {
    for (const bad of [123, null, "", undefined]) {
      const e = await open(bad as never).catch((x: unknown) => x) as { code?: string; message: string };
      assert.is(e.code, "InvalidArgumentError", String(bad));
      assert.match(e.message, /dataset path/);
    }
  }
  await refused(() => empty(new MemoryStore(), { lockTimeout: "soon" as never }), "InvalidArgumentError", "lockTimeout");
  await refused(() => load(new MemoryStore()), "DatasetNotFoundError", "shoal.json");
  await refused(() => dataset(new MemoryStore(), { readOnly: true }), "DatasetNotFoundError", "read-only");
  await refused(() => read(null as never), "InvalidArgumentError", "read", "null");
  await refused(() => read(new Uint8Array(0)), "InvalidArgumentError", "0 bytes");
  await refused(() => readBlob(null as never), "InvalidArgumentError", "readBlob", "Blob");
  await refused(() => link(""), "InvalidArgumentError", "url");
  await refused(() => link("s3://b/a.png", { credsKey: 5 as never }), "InvalidArgumentError", "credsKey", "s3://b/a.png");
  await refused(() => toNpy({} as never), "InvalidArgumentError", "toNpy", "NDArray");
  await refused(() => fromNpy(null as never), "InvalidArgumentError", "fromNpy");
  await refused(() => fromNpy(new Uint8Array([1, 2, 3])), "CorruptDataError", "NUMPY");
  // Found by the reliability fuzzer: a version-2 header cut short threw a bare RangeError from DataView.
  const v2 = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 9, 9]);
  await refused(() => fromNpy(v2), "CorruptDataError", "truncated header");
  const npy = toNpy({ dtype: "uint8", shape: [2], data: new Uint8Array(2) } as never);
  await refused(() => fromNpy(npy.subarray(0, 20)), "CorruptDataError", "header declares");
  const negative = npy.slice();
  negative.set(new TextEncoder().encode("(-2)"), new TextDecoder("latin1").decode(npy).indexOf("(2,)"));
  await refused(() => fromNpy(negative), "CorruptDataError", "bad shape");
});

test("a dataset another session writes is not overwritten by empty(…, { overwrite })", async () => {
  await refused((_, f) => empty(f.store, { overwrite: true }), "DatasetLockedError", "open for writing");
  await refused((_, f) => empty(f.store), "InvalidArgumentError", "already exists");
});

test("Dataset schema: createTensor, createTensorLike, createGroup, delete/rename of tensors and groups", async () => {
  await refused((ds) => ds.createTensor(5 as never), "InvalidArgumentError", "tensor name", "5");
  await refused((ds) => ds.createTensor(""), "InvalidArgumentError", "tensor name");
  await refused((ds) => ds.createTensor("a//b"), "InvalidArgumentError", "a//b");
  await refused((ds) => ds.createTensor("y", null as never), "InvalidArgumentError", "\"y\"", "options");
  await refused((ds) => ds.createTensor("x"), "TensorAlreadyExistsError", "\"x\"");
  await refused((ds) => ds.createTensor("_x_id"), "TensorAlreadyExistsError", "_x_id");
  await refused((ds) => ds.createTensor("g"), "TensorGroupAlreadyExistsError", "\"g\"");
  await refused((ds) => ds.createTensor("x/y"), "TensorAlreadyExistsError", "\"x\"");
  await refused((ds) => ds.createTensor("y", { htype: "nope" }), "UnknownHtypeError", "nope");
  await refused((ds) => ds.createTensor("y", { maxChunkSize: -1 }), "HtypeArgumentError", "maxChunkSize");
  await refused((ds) => ds.createTensor("y", { chunkCompression: "bogus" }), "UnknownCompressionError", "bogus");
  await refused((ds) => ds.createTensorLike(5 as never, "x"), "InvalidArgumentError", "tensor name");
  await refused((ds) => ds.createTensorLike("y", null as never), "InvalidArgumentError", "\"y\"", "source");
  await refused((ds) => ds.createTensorLike("y", "nope"), "TensorDoesNotExistError", "nope");
  await refused((ds) => ds.createTensorLike("txt", "x"), "TensorAlreadyExistsError", "txt");
  await refused((ds) => ds.createGroup(""), "InvalidArgumentError", "group name");
  await refused((ds) => ds.createGroup(" g2"), "InvalidArgumentError", " g2");
  await refused((ds) => ds.createGroup("a/../b"), "InvalidArgumentError", "a/../b");
  await refused((ds) => ds.createGroup("g"), "TensorGroupAlreadyExistsError", "\"g\"", "existOk");
  await refused((ds) => ds.createGroup("x"), "TensorGroupAlreadyExistsError", "\"x\"");
  await refused((ds) => ds.createGroup("x/sub"), "TensorGroupAlreadyExistsError", "\"x\"");
  await refused((ds) => ds.deleteTensor("nope"), "TensorDoesNotExistError", "nope");
  await refused((ds) => ds.deleteTensor("_x_shape"), "TensorDoesNotExistError", "_x_shape");
  await refused((ds) => ds.deleteGroup("nope"), "TensorGroupDoesNotExistError", "nope");
  await refused((ds) => ds.renameTensor("nope", "y"), "TensorDoesNotExistError", "nope");
  await refused((ds) => ds.renameTensor("x", 5 as never), "InvalidArgumentError", "\"x\"", "tensor name");
  await refused((ds) => ds.renameTensor("x", "txt"), "TensorAlreadyExistsError", "txt");
  await refused((ds) => ds.renameTensor("x", "g"), "TensorGroupAlreadyExistsError", "\"g\"");
  await refused((ds) => ds.renameTensor("x", "a//b"), "InvalidArgumentError", "a//b");
  await refused((ds) => ds.renameGroup("nope", "h"), "TensorGroupDoesNotExistError", "nope");
  await refused((ds) => ds.renameGroup("g", ""), "InvalidArgumentError", "renameGroup \"g\"", "group name");
  await refused((ds) => ds.renameGroup("g", 5 as never), "InvalidArgumentError", "group name");
  await refused((ds) => ds.renameGroup("g", "x"), "TensorGroupAlreadyExistsError", "\"x\"");
  await refused((ds) => ds.renameGroup("g", "g/inner"), "InvalidArgumentError", "into itself", "g/inner");
  await refused((ds) => ds.renameGroup("g", "x/h"), "TensorGroupAlreadyExistsError", "\"x\"", "x/h");
});

test("Dataset rows: append, extend, update, pop, rechunk", async () => {
  await refused((ds) => ds.append(null as never), "InvalidArgumentError", "append");
  await refused((ds) => ds.append({}), "SampleAppendError", "no tensors");
  await refused((ds) => ds.append({ x: [1, 2] }), "SampleAppendError", "txt");
  await refused((ds) => ds.append({ x: [1, 2], txt: "s", "g/t": "a", nope: 1 }), "TensorDoesNotExistError", "nope");
  await refused((ds) => ds.append({ x: "no", txt: "s", "g/t": "a" }), "SampleTypeError", "\"x\"", "sample 3");
  await refused((ds) => ds.extend(null as never), "InvalidArgumentError", "extend");
  await refused((ds) => ds.extend({}), "SampleAppendError", "no tensors");
  await refused((ds) => ds.extend({ x: 5 as never }, { skipOk: true }), "SampleAppendError", "\"x\"", "array");
  await refused((ds) => ds.extend({ x: [[1, 2]], txt: [] }, { skipOk: true }), "SampleAppendError", "\"txt\"", "same number");
  await refused((ds) => ds.extend({ x: [[1, 2]], txt: ["s"], "g/t": ["a"] }, { onProgress: 5 as never }), "InvalidArgumentError", "onProgress");
  await refused((ds) => ds.extend({ x: [[1, 2], [1.5, 2]], txt: ["s", "t"], "g/t": ["a", 9] }), "SampleDtypeError", "\"x\"", "sample 4");
  await refused((ds) => ds.update(0, null as never), "InvalidArgumentError", "row 0");
  await refused((ds) => ds.update(0, {}), "SampleAppendError", "row 0", "no tensors");
  await refused((ds) => ds.update(3, { x: [1, 2] }), "SampleIndexError", "\"x\"", "3");
  await refused((ds) => ds.update(-4, { x: [1, 2] }), "SampleIndexError", "-4");
  await refused((ds) => ds.update(1.5, { x: [1, 2] }), "InvalidArgumentError", "\"x\"", "1.5");
  await refused((ds) => ds.update("0" as never, { x: [1, 2] }), "InvalidArgumentError", "integer", "\"0\"");
  await refused((ds) => ds.update(0, { nope: 1 }), "TensorDoesNotExistError", "nope");
  await refused((ds) => ds.update(1, { txt: "ok", x: [[1, 2]] }), "SampleShapeError", "\"x\"", "sample 1");
  await refused((ds) => ds.pop(3), "SampleIndexError", "3");
  await refused((ds) => ds.pop(2.5), "InvalidArgumentError", "2.5");
  const emptyDs = await empty(new MemoryStore());
  await emptyDs.createTensor("a");
  const e = await emptyDs.pop().catch((x: unknown) => x) as { code?: string; message: string };
  assert.is(e.code, "InvalidArgumentError");
  assert.match(e.message, /empty/);
  await refused((ds) => ds.rechunk(5 as never), "InvalidArgumentError", "rechunk");
  await refused((ds) => ds.rechunk(["x", "nope"]), "TensorDoesNotExistError", "nope");
  await refused((ds) => ds.rechunk("x", { onProgress: "bar" as never }), "InvalidArgumentError", "onProgress");
});

test("Info of dataset and tensor: keys are strings, values are JSON (what is read back after reload is what was set)", async () => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const bad: [string, (ds: Dataset) => unknown, string, ...string[]][] = [
    ["set '' key", (ds) => ds.info.set("", 1), "InvalidArgumentError", "info keys"],
    ["set number key", (ds) => ds.info.set(5 as never, 1), "InvalidArgumentError", "info keys"],
    ["undefined", (ds) => ds.info.set("k", undefined), "InvalidArgumentError", "\"k\""],
    ["NaN", (ds) => ds.info.set("k", NaN), "InvalidArgumentError", "\"k\"", "NaN"],
    ["Infinity nested", (ds) => ds.info.update({ k: { deep: [1, Infinity] } }), "InvalidArgumentError", "\"k\".deep[1]", "Infinity"],
    ["bigint", (ds) => ds.info.set("k", 1n), "InvalidArgumentError", "bigint"],
    ["circular", (ds) => ds.info.set("k", circular), "InvalidArgumentError", "circular"],
    ["Map", (ds) => ds.info.set("k", new Map()), "InvalidArgumentError", "Map"],
    ["Date", (ds) => ds.info.set("k", new Date(0)), "InvalidArgumentError", "Date"],
    ["function", (ds) => ds.info.update({ k: { f: () => 1 } }), "InvalidArgumentError", "\"k\".f", "function"],
    ["not an object", (ds) => ds.info.update(null as never), "InvalidArgumentError", "plain object"],
    ["array", (ds) => ds.info.update([1] as never), "InvalidArgumentError", "plain object"],
    ["delete number", (ds) => ds.info.delete(5 as never), "InvalidArgumentError", "info keys"],
    ["tensor info NaN", (ds) => ds.tensor("x").info.set("k", NaN), "InvalidArgumentError", "NaN"],
    ["tensor info update null", (ds) => ds.tensor("x").info.update(null as never), "InvalidArgumentError", "plain object"],
  ];
  for (const [, fn, code, ...mentions] of bad) await refused(fn, code, ...mentions);
});

test("settings and credentials: allowDelete, addCredsKey, populateCreds, updateCredsKey, delete", async () => {
  await refused((ds) => { (ds as { allowDelete: unknown }).allowDelete = "no"; }, "InvalidArgumentError", "allowDelete", "\"no\"");
  await refused((ds) => ds.addCredsKey(""), "InvalidArgumentError", "addCredsKey");
  await refused((ds) => ds.addCredsKey(5 as never), "InvalidArgumentError", "addCredsKey");
  await refused((ds) => ds.addCredsKey("k"), "CredsKeyError", "\"k\"", "already");
  await refused((ds) => ds.addCredsKey("k2", { managed: "yes" as never }), "InvalidArgumentError", "managed");
  await refused((ds) => ds.populateCreds("nope", {}), "CredsKeyError", "nope");
  await refused((ds) => ds.populateCreds("k", null as never), "InvalidArgumentError", "creds");
  await refused((ds) => ds.updateCredsKey("nope", "z"), "CredsKeyError", "nope");
  await refused((ds) => ds.updateCredsKey("k", ""), "InvalidArgumentError", "\"k\"", "new key");
  await refused((ds) => ds.updateCredsKey("k", 5 as never), "InvalidArgumentError", "\"k\"");
  await refused((ds) => ds.updateCredsKey("k", undefined, { managed: 1 as never }), "InvalidArgumentError", "managed");
  // A rename onto an existing key: the first key survives, under its name.
  const { ds } = await fixture();
  ds.addCredsKey("other");
  assert.throws(() => ds.updateCredsKey("k", "other"), (e: unknown) => (e as { code?: string }).code === "CredsKeyError");
  assert.equal([...ds.getCredsKeys()].sort(), ["k", "other"]);
});

test("delete, copy and rename: refusals that would lose data", async () => {
  await refused(async (ds) => {
    ds.allowDelete = false;
    await ds.flush();
    const e = await ds.delete().catch((x: unknown) => x);
    ds.allowDelete = true;
    await ds.flush();
    throw e;
  }, "DatasetDeleteError", "allowDelete");
  await refused((ds, f) => ds.copy(f.store, { overwrite: true }), "InvalidArgumentError", "copy", "own location");
  await refused((ds) => ds.copy(""), "InvalidArgumentError", "dataset path");
  await refused((ds) => ds.copy(new MemoryStore(), { onProgress: 1 as never }), "InvalidArgumentError", "onProgress");
  await refused((ds) => ds.rename("memory://elsewhere"), "InvalidArgumentError", "rename", "Store");
});

test("Dataset views: slice, at, filter, query, sampleBy, randomSplit, saveView, getView(s), loadView, deleteView", async () => {
  await refused((ds) => ds.slice(0, 3, 0), "IndexError", "step");
  await refused((ds) => ds.slice(0.5), "InvalidArgumentError", "0.5");
  await refused((ds) => ds.slice([0.5]), "InvalidArgumentError", "0.5");
  await refused((ds) => ds.slice([3]), "IndexError", "3");
  await refused((ds) => ds.slice([-4]), "IndexError", "-4");
  await refused((ds) => ds.at(3), "IndexError", "3");
  await refused((ds) => ds.at(Number.NaN), "InvalidArgumentError", "NaN");
  await refused((ds) => ds.filter(5 as never), "InvalidArgumentError", "filter");
  await refused((ds) => ds.filter("x >"), "TQLSyntaxError", "column");
  await refused((ds) => ds.query(5 as never), "InvalidArgumentError", "TQL string");
  await refused((ds) => ds.query(""), "TQLSyntaxError", "column 1");
  await refused((ds) => ds.query("select * where nope == 1"), "TensorDoesNotExistError", "nope");
  await refused((ds) => ds.sampleBy([1]), "InvalidArgumentError", "1 weights");
  await refused((ds) => ds.sampleBy([1, -1, 1]), "InvalidArgumentError", "row 1");
  await refused((ds) => ds.sampleBy([1, 1, 1], { size: -1 }), "InvalidArgumentError", "size");
  await refused((ds) => ds.randomSplit([]), "InvalidArgumentError", "randomSplit");
  await refused((ds) => ds.randomSplit([0.5, 0.6]), "InvalidArgumentError", "length");
  await refused((ds) => ds.saveView(5 as never), "InvalidArgumentError", "saveView");
  await refused((ds) => ds.saveView(undefined, { id: "../x" }), "InvalidArgumentError", "../x");
  await refused((ds) => ds.saveView(undefined, { id: "firsttwo" }), "DatasetViewSavingError", "firsttwo");
  await refused((ds) => ds.getView("nope"), "ViewNotFoundError", "nope");
  await refused((ds) => ds.getView(""), "InvalidArgumentError", "view id");
  await refused((ds) => ds.getViews(5 as never), "InvalidArgumentError", "commitId");
  await refused((ds) => ds.loadView("nope"), "ViewNotFoundError", "nope");
  await refused((ds) => ds.deleteView("nope"), "ViewNotFoundError", "nope");
  await refused((ds) => ds.deleteView("a/b"), "InvalidArgumentError", "a/b");
  // A saved view of a dataset with uncommitted changes is refused (and the head keeps them).
  const { ds } = await fixture();
  await ds.tensor("x").append([7, 7]);
  const e = await ds.saveView().catch((x: unknown) => x) as { code?: string };
  assert.is(e.code, "DatasetViewSavingError");
  assert.ok(ds.hasHeadChanges);
  assert.equal((await ds.getViews()).map((v) => v.id), ["firsttwo"]);
});

test("Tensor: at, slice, read, readMany, readBytes, exportSample, typed readers, append, extend, update, pop", async () => {
  const x = (ds: Dataset) => ds.tensor("x");
  await refused((ds) => ds.tensor("nope"), "TensorDoesNotExistError", "nope");
  await refused((ds) => ds.tensor("_x_id").append([1]), "TensorDoesNotExistError", "_x_id");
  await refused((ds) => x(ds).at(3), "SampleIndexError", "\"x\"", "3");
  await refused((ds) => x(ds).at(1.5), "InvalidArgumentError", "\"x\"", "1.5");
  await refused((ds) => x(ds).at(0).at(0), "InvalidArgumentError", "single-sample");
  await refused((ds) => x(ds).at(0, "a" as never), "InvalidArgumentError", "\"x\"", "sample 0", "axis 0");
  await refused((ds) => x(ds).at(1, [0, 1.5]), "InvalidArgumentError", "sample 1", "axis 0");
  await refused((ds) => x(ds).at(0, 7).numpy(), "SampleShapeError", "\"x\"", "7");
  await refused((ds) => x(ds).at(0, 0, 0).numpy(), "SampleShapeError", "axes");
  await refused((ds) => x(ds).slice(0, 2, 0), "InvalidArgumentError", "step");
  await refused((ds) => x(ds).slice(Number.NaN), "InvalidArgumentError", "NaN");
  await refused((ds) => x(ds).slice([5]), "SampleIndexError", "\"x\"", "5");
  await refused((ds) => x(ds).read(3), "SampleIndexError", "\"x\"", "3");
  await refused((ds) => x(ds).read("0" as never), "InvalidArgumentError", "\"x\"", "integer");
  await refused((ds) => x(ds).readMany([0, 9]), "SampleIndexError", "9");
  await refused((ds) => x(ds).readMany(null as never), "InvalidArgumentError", "readMany");
  await refused((ds) => x(ds).readBytes(-4), "SampleIndexError", "-4");
  await refused((ds) => x(ds).exportSample(3), "SampleIndexError", "3");
  await refused((ds) => x(ds).slice(0, 2).read(2), "SampleIndexError", "2");
  await refused((ds) => x(ds).text(), "InvalidArgumentError", "\"x\"", "text()");
  await refused((ds) => x(ds).dict(), "InvalidArgumentError", "dict()");
  await refused((ds) => x(ds).list(), "InvalidArgumentError", "list()");
  await refused((ds) => ds.tensor("txt").array(), "InvalidArgumentError", "\"txt\"", "array()");
  await refused((ds) => x(ds).append("abc" as never), "SampleTypeError", "\"x\"", "sample 3");
  await refused((ds) => x(ds).append([[1, 2]]), "SampleShapeError", "\"x\"", "sample 3");
  await refused((ds) => x(ds).append(ndarray("float64", [2], Float64Array.of(0.5, 1))), "SampleDtypeError", "\"x\"", "sample 3");
  await refused((ds) => ds.tensor("g/t").append(7), "SampleValueError", "g/t", "sample 3");
  await refused((ds) => x(ds).extend(5 as never), "InvalidArgumentError", "\"x\"", "extend");
  await refused((ds) => x(ds).extend(null as never), "InvalidArgumentError", "\"x\"");
  await refused((ds) => x(ds).extend("ab" as never), "InvalidArgumentError", "string");
  await refused((ds) => x(ds).extend(ndarray("int32", [], Int32Array.of(1)) as never), "ShapeError", "leading sample axis");
  await refused((ds) => x(ds).extend([[1, 2], [[1]]]), "SampleShapeError", "sample 4");
  await refused((ds) => x(ds).extend([[1, 2]], { onProgress: {} as never }), "InvalidArgumentError", "onProgress");
  await refused((ds) => x(ds).slice(0, 1).append([1, 2]), "InvalidArgumentError", "append on a view");
  await refused((ds) => x(ds).slice(0, 1).extend([[1, 2]]), "InvalidArgumentError", "extend on a view");
  await refused((ds) => x(ds).update(3, [1, 2]), "SampleIndexError", "\"x\"", "3");
  await refused((ds) => x(ds).update(0, "abc" as never), "SampleTypeError", "\"x\"", "sample 0");
  await refused((ds) => x(ds).update([1, 2] as never), "InvalidArgumentError", "3 samples");
  await refused((ds) => x(ds).slice(0, 2).update([[1, 2]]), "InvalidArgumentError", "2 samples");
  await refused((ds) => x(ds).at(0, [0, 1]).update([1]), "InvalidArgumentError", "partial");
  await refused((ds) => x(ds).pop(3), "SampleIndexError", "\"x\"", "3");
  await refused((ds) => x(ds).pop(0.5), "InvalidArgumentError", "0.5");
  await refused((ds) => x(ds).slice(0, 1).pop(), "InvalidArgumentError", "pop on a view");
});

test("DatasetView: tensor, column, slice, at, select, query, update, and stale views", async () => {
  const v = (ds: Dataset) => ds.slice(0, 3);
  await refused((ds) => v(ds).tensor("nope"), "TensorDoesNotExistError", "nope");
  await refused((ds) => v(ds).column("nope"), "TensorDoesNotExistError", "nope");
  await refused((ds) => v(ds).slice([3]), "IndexError", "3");
  await refused((ds) => v(ds).slice([1.5]), "InvalidArgumentError", "1.5");
  await refused((ds) => v(ds).at(-4), "IndexError", "-4");
  await refused((ds) => v(ds).select("x" as never), "InvalidArgumentError", "select");
  await refused((ds) => v(ds).select(["nope"]), "TensorDoesNotExistError", "nope");
  await refused((ds) => v(ds).query(5 as never), "InvalidArgumentError", "TQL string");
  await refused((ds) => v(ds).filter(null as never), "InvalidArgumentError", "filter");
  await refused((ds) => v(ds).sampleBy(null as never), "InvalidArgumentError", "sampleBy");
  await refused((ds) => v(ds).randomSplit(null as never), "InvalidArgumentError", "randomSplit");
  await refused((ds) => v(ds).update(null as never), "InvalidArgumentError", "view update");
  await refused((ds) => v(ds).update({}), "SampleAppendError", "no tensors");
  await refused((ds) => v(ds).update({ x: [[1, 2]] }), "InvalidArgumentError", "3-row", "\"x\"");
  await refused((ds) => v(ds).update({ x: [[1, 2], [3, 4], [5, 6]], txt: ["a", "b", 5 as never] }), "SampleTypeError", "\"txt\"", "sample 2");
  await refused((ds) => ds.at(1).update({ nope: 1 }), "TensorDoesNotExistError", "nope");
  await refused((ds) => ds.at(1).update({ x: "s" as never }), "SampleTypeError", "\"x\"", "sample 1");
  await refused((ds) => v(ds).saveView({ id: "" }), "InvalidArgumentError", "view id");
  // A view made before a write names rows of data that changed: reading or writing through it is refused.
  const { ds } = await fixture();
  const stale = ds.slice(0, 2);
  await ds.tensor("x").pop(0);
  const e1 = (() => { try { stale.tensor("x"); } catch (e) { return e; } })() as { code?: string };
  assert.is(e1.code, "InvalidViewError");
  const e2 = await stale.update({ x: [[9, 9], [9, 9]] }).catch((e: unknown) => e) as { code?: string };
  assert.is(e2.code, "InvalidViewError");
  assert.equal(arr(await ds.tensor("x").numpy()), [3, 4, 5, 6], "the stale update wrote nothing");
});

test("version control on the Dataset: commit, checkout, branches, deleteBranch, diff, merge, getCommitDetails", async () => {
  await refused((ds) => ds.commit(5 as never), "InvalidArgumentError", "message");
  await refused((ds) => ds.commit("nothing"), "EmptyCommitError", "main");
  await refused((ds) => ds.checkout(""), "CheckoutError", "checkout");
  await refused((ds) => ds.checkout(5 as never), "CheckoutError", "checkout");
  await refused((ds) => ds.checkout("nope"), "CheckoutError", "nope");
  await refused((ds) => ds.checkout("main", { create: true }), "BranchExistsError", "main");
  await refused((ds) => ds.checkout("a/b", { create: true }), "InvalidBranchNameError", "a/b");
  await refused((ds) => ds.checkout("HEAD", { create: true }), "InvalidBranchNameError", "HEAD");
  await refused((ds) => ds.deleteBranch("main"), "CommitError", "main");
  await refused((ds) => ds.deleteBranch("nope"), "CommitError", "nope");
  await refused((ds) => ds.deleteBranch(""), "InvalidBranchNameError", "\"\"");
  await refused((ds) => ds.getCommitDetails("nope"), "CheckoutError", "nope");
  await refused((ds) => ds.getCommitDetails(5 as never), "CheckoutError", "5");
  await refused((ds) => ds.diff("nope"), "CheckoutError", "diff", "nope");
  await refused((ds) => ds.diff(undefined, "main"), "InvalidArgumentError", "id2");
  await refused((ds) => ds.merge("main"), "MergeError", "main", "itself");
  await refused((ds) => ds.merge("nope"), "CheckoutError", "merge", "nope");
  await refused((ds) => ds.merge(""), "CheckoutError", "merge");
  // A bad merge option is refused before anything is merged.
  const { ds } = await fixture();
  await ds.checkout("side", { create: true });
  await ds.tensor("x").append([7, 7]);
  await ds.commit("side");
  await ds.checkout("main");
  const before = await observe(ds);
  const e = await ds.merge("side", { conflictResolution: "mine" as never }).catch((x: unknown) => x) as { code?: string; message: string };
  assert.is(e.code, "InvalidArgumentError");
  assert.match(e.message, /conflictResolution/);
  assert.is(await observe(ds), before);
  assert.not.ok(ds.hasHeadChanges);
});

test("a read-only dataset refuses every write and its store is untouched", async () => {
  const { ds, store } = await fixture();
  await ds.close();
  const stored = await snapshotStore(store);
  const ro = await load(store, { readOnly: true });
  const t = ro.tensor("x");
  const writes: [string, () => unknown][] = [
    ["createTensor", () => ro.createTensor("y")], ["createTensorLike", () => ro.createTensorLike("y", "x")],
    ["createGroup", () => ro.createGroup("h")], ["deleteTensor", () => ro.deleteTensor("x")], ["deleteGroup", () => ro.deleteGroup("g")],
    ["renameTensor", () => ro.renameTensor("x", "y")], ["renameGroup", () => ro.renameGroup("g", "h")],
    ["append", () => ro.append({ x: [1, 2], txt: "s", "g/t": "a" })], ["extend", () => ro.extend({ x: [[1, 2]] }, { skipOk: true })],
    ["update", () => ro.update(0, { x: [1, 2] })], ["pop", () => ro.pop()], ["rechunk", () => ro.rechunk()],
    ["info.set", () => ro.info.set("a", 1)], ["info.delete", () => ro.info.delete("about")], ["tensor info", () => t.info.set("a", 1)],
    ["allowDelete", () => { ro.allowDelete = false; }], ["addCredsKey", () => ro.addCredsKey("z")], ["updateCredsKey", () => ro.updateCredsKey("k", "z")],
    ["delete", () => ro.delete()], ["rename", () => ro.rename("memory://elsewhere")],
    ["saveView", () => ro.saveView(undefined, { id: "v2" })], ["deleteView", () => ro.deleteView("firsttwo")],
    ["ViewEntry.optimize", async () => (await ro.getView("firsttwo")).optimize()], ["loadView optimize", () => ro.loadView("firsttwo", { optimize: true })],
    ["commit", () => ro.commit("m", { allowEmpty: true })], ["checkout create", () => ro.checkout("nb", { create: true })],
    ["merge", () => ro.merge("main")], ["reset", () => ro.reset()], ["deleteBranch", () => ro.deleteBranch("main")], ["fixVc", () => ro.fixVc()],
    ["Tensor.append", () => t.append([1, 2])], ["Tensor.extend", () => t.extend([[1, 2]])], ["Tensor.update", () => t.update(0, [1, 2])],
    ["Tensor.pop", () => t.pop()], ["DatasetView.update", () => ro.slice(0, 1).update({ x: [[5, 5]] })],
  ];
  for (const [what, fn] of writes) {
    const e = await (async () => fn())().then(() => undefined, (x: unknown) => x) as { code?: string; message: string } | undefined;
    assert.is(e?.code, "ReadOnlyModeError", `${what}: ${e?.message}`);
    assert.match(e!.message, /read-only/);
  }
  ro.populateCreds("k", { token: "in memory only" }); // allowed: reading linked files needs credentials
  assert.equal(await snapshotStore(store), stored, "nothing was written");
});

test("a closed dataset refuses writes and writes nothing more", async () => {
  const { ds, store } = await fixture();
  await ds.close();
  const stored = await snapshotStore(store);
  const writes: [string, () => unknown][] = [
    ["append", () => ds.append({ x: [1, 2], txt: "s", "g/t": "a" })], ["createGroup", () => ds.createGroup("h")],
    ["info.set", () => ds.info.set("a", 1)], ["commit", () => ds.commit("m")], ["checkout", () => ds.checkout("main")],
    ["reset", () => ds.reset()], ["merge", () => ds.merge("main")], ["deleteBranch", () => ds.deleteBranch("x1")],
    ["fixVc", () => ds.fixVc()], ["saveView", () => ds.saveView()], ["rechunk", () => ds.rechunk()], ["delete", () => ds.delete()],
  ];
  for (const [what, fn] of writes) {
    const e = await (async () => fn())().then(() => undefined, (x: unknown) => x) as { code?: string; message: string } | undefined;
    assert.is(e?.code, "ReadOnlyModeError", `${what}: ${e?.message}`);
    assert.match(e!.message, /closed/);
  }
  await ds.flush(); // a no-op once closed
  assert.equal(await snapshotStore(store), stored);
});

test.run();
