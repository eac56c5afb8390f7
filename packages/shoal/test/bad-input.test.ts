// Bad input: every rejected call gives a typed error naming the tensor and sample, and the dataset (its store
// included, after a flush) is exactly as before the call.
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { ndarray } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Dataset, empty, load, read } from "../src/index.ts";
import { arr, keysOf, pngFile, rejects, snapshotStore } from "./helpers.ts";

async function fixture(): Promise<{ ds: Dataset; store: MemoryStore }> {
  const store = new MemoryStore();
  const ds = await empty(store);
  await ds.createTensor("images", { htype: "image", sampleCompression: "png" });
  await ds.createTensor("labels", { htype: "class_label", classNames: ["a", "b"] });
  await ds.createTensor("boxes", { htype: "bbox", dtype: "float32" });
  await ds.createTensor("x", { dtype: "int32" });
  await ds.extend({
    images: [read(await pngFile(3, 3, 1)), read(await pngFile(3, 3, 2))],
    labels: ["a", "b"],
    boxes: [[[0, 0, 1, 1]], [[1, 1, 2, 2]]],
    x: [[1, 2], [3, 4]],
  });
  await ds.commit("fixture");
  return { ds, store };
}

async function state(ds: Dataset): Promise<string> {
  const out: unknown[] = [ds.tensorNames(), ds.groups, ds.info.toJSON()];
  for (const n of ds.tensorNames()) {
    const t = ds.tensor(n);
    out.push(n, t.length, t.dtype, t.info.toJSON(), (await t.numpy({ aslist: true }) as unknown[]).map((v) => arr(v)));
  }
  return JSON.stringify(out);
}

/** Runs `bad`, expects `code` naming `tensor` and `index`, then checks that nothing changed, in memory and in the store. */
async function unchanged(bad: (ds: Dataset) => Promise<unknown>, code: string | string[], where?: { tensor: string; index: number }): Promise<void> {
  const { ds, store } = await fixture();
  const before = await state(ds);
  const stored = await snapshotStore(store);
  assert.not.ok(ds.hasHeadChanges);
  const e = (await rejects(() => bad(ds), ...(Array.isArray(code) ? code : [code]))) as { tensor?: string; index?: number; message: string };
  if (where) {
    assert.is(e.tensor, where.tensor, e.message);
    assert.is(e.index, where.index, e.message);
    assert.ok(e.message.includes(where.tensor) && e.message.includes(String(where.index)), e.message);
  }
  assert.is(await state(ds), before);
  assert.not.ok(ds.hasHeadChanges, "a rejected call is not a change");
  await ds.flush();
  assert.equal(await snapshotStore(store), stored, "the store is unchanged after a flush");
}

test("wrong dtype in one tensor: no tensor keeps the row", async () => {
  await unchanged(async (ds) => ds.extend({ images: [read(new Uint8Array([1, 2, 3]))], labels: ["a"], boxes: [[[0, 0, 1, 1]]], x: [[1, 2]] }), "InvalidArgumentError");
  await unchanged((ds) => ds.append({ images: null, labels: "a", boxes: [[0, 0, 1, 1]], x: ndarray("float64", [2], Float64Array.of(1, 2)) }), ["SampleDtypeError", "DtypeError"], { tensor: "x", index: 2 });
});

test("wrong rank/shape", async () => {
  await unchanged(async (ds) => ds.extend({ images: [read(await pngFile(3, 3, 5))], labels: ["a"], boxes: [[[0, 0, 1]]], x: [[1, 2]] }), "SampleShapeError", { tensor: "boxes", index: 2 });
  await unchanged(async (ds) => ds.extend({ images: [read(await pngFile(3, 3, 5))], labels: ["a"], boxes: [[[0, 0, 1, 1]]], x: [[[1, 2]]] }), "SampleShapeError", { tensor: "x", index: 2 });
});

test("non-finite bbox, out-of-range class index, corrupt compressed sample", async () => {
  await unchanged(async (ds) => ds.extend({ images: [read(await pngFile(3, 3, 5))], labels: ["a"], boxes: [[[0, NaN, 1, 1]]], x: [[1, 2]] }), "SampleValueError", { tensor: "boxes", index: 2 });
  await unchanged(async (ds) => ds.extend({ images: [read(await pngFile(3, 3, 5))], labels: [7], boxes: [[[0, 0, 1, 1]]], x: [[1, 2]] }), "SampleValueError", { tensor: "labels", index: 2 });
  const png = await pngFile(3, 3, 5);
  const broken = png.slice();
  broken.fill(0xee, 12, 30); // the IHDR chunk: a reader cannot tell the image's size

  await unchanged((ds) => ds.extend({ images: [read(broken)], labels: ["a"], boxes: [[[0, 0, 1, 1]]], x: [[1, 2]] }), "CorruptSampleError", { tensor: "images", index: 2 });
});

test("a new class label in a rejected row does not grow class_names", async () => {
  await unchanged(async (ds) => ds.extend({ images: [read(await pngFile(3, 3, 5))], labels: ["new"], boxes: [[[0, 0, 1]]], x: [[1, 2]] }), "SampleShapeError");
});

test("a failure in a later batch rolls back the earlier batches too", async () => {
  await unchanged(async (ds) => {
    const n = 1200;
    const x = Array.from({ length: n }, (_, i) => (i === n - 1 ? [[1]] : [i, i]));
    return ds.extend({ x }, { skipOk: true });
  }, "SampleShapeError", { tensor: "x", index: 2 + 1199 });
});

test("unknown htype, unknown compression, compression not allowed, bad htype args", async () => {
  await unchanged((ds) => ds.createTensor("t", { htype: "imagez" }), "UnknownHtypeError");
  await unchanged((ds) => ds.createTensor("t", { htype: "image", sampleCompression: "pngx" }), "UnknownCompressionError");
  await unchanged((ds) => ds.createTensor("t", { htype: "text", sampleCompression: "png" }), "UnsupportedCompressionError");
  await unchanged((ds) => ds.createTensor("t", { htype: "bbox", coords: { mode: "XYZ" } }), "HtypeArgumentError");
  await unchanged((ds) => ds.createTensor("t", { dtype: "complex128" }), "HtypeArgumentError");
});

test("name collisions between groups and tensors; unknown tensors; unequal columns; missing tensors", async () => {
  await unchanged(async (ds) => ds.createGroup("x"), "TensorGroupAlreadyExistsError");
  await unchanged(async (ds) => ds.createTensor("x/y"), "TensorAlreadyExistsError");
  await unchanged((ds) => ds.extend({ nope: [1] }, { skipOk: true }), "TensorDoesNotExistError");
  await unchanged((ds) => ds.extend({ x: [[1, 2]], labels: [] }, { skipOk: true }), "SampleAppendError");
  await unchanged((ds) => ds.append({ x: [1, 2] }), "SampleAppendError");
  await unchanged(async (ds) => ds.renameTensor("x", "labels"), "TensorAlreadyExistsError");
  await unchanged(async (ds) => ds.update(9, { x: [1, 2] }), "SampleIndexError");
  await unchanged((ds) => ds.update(0, { x: [1, 2], boxes: [[0, 0, Infinity, 1]] }), "SampleValueError", { tensor: "boxes", index: 0 });
  await unchanged((ds) => ds.update(1, { labels: "b", x: [[1, 2]] }), "SampleShapeError", { tensor: "x", index: 1 });
});

test("ignoreErrors skips rejected rows in every tensor and reports them", async () => {
  const { ds } = await fixture();
  const { skipped } = await ds.extend({ x: [[5, 5], [[1]], [6, 6]], labels: ["a", "b", 99] }, { skipOk: true, ignoreErrors: true });
  assert.equal(skipped, [1, 2]);
  assert.is(ds.tensor("x").length, 3);
  assert.is(ds.tensor("labels").length, 3);
  assert.equal(arr(await ds.tensor("x").at(2).numpy()), [5, 5]);
});

test("writes to a read-only dataset are refused; a second writer is refused while the first holds the lock", async () => {
  const { ds, store } = await fixture();
  const ro = await load(store, { readOnly: true });
  await rejects(ro.append({ x: [1, 2] }, { skipOk: true }), "ReadOnlyModeError");
  await rejects(ro.createTensor("y"), "ReadOnlyModeError");
  assert.throws(() => ro.deleteTensor("x"), (e: unknown) => (e as { code?: string }).code === "ReadOnlyModeError");
  await rejects(ro.commit("m"), "ReadOnlyModeError");
  const e = await rejects(load(store), "DatasetLockedError");
  assert.match((e as Error).message, /open for writing/);
  // The advice names an option load() has (it used to say { lock: false }, which load() ignores).
  assert.match((e as Error).message, "{ lockEnabled: false }");
  await ds.close();
  const second = await load(store);
  assert.is(second.tensor("x").length, 2);
  await second.close();
  const lockless = await load(store, { lockEnabled: false });
  assert.is(lockless.readOnly, false);
});

test("a writer that lost the branch to another still releases its write lock on close, with ConcurrentWriteError", async () => {
  const { ds, store } = await fixture();
  await ds.close();
  const holder = await load(store);
  const other = await load(store, { lockEnabled: false });
  await other.tensor("x").append([9, 9]);
  await other.commit("the other writer first");
  await holder.tensor("x").append([1, 1]);
  await rejects(holder.commit("too late"), "ConcurrentWriteError");
  // Its work can never be published on the head it started from: close says so and ends the session.
  await rejects(holder.close(), "ConcurrentWriteError");
  assert.is(await store.get("locks/write.json"), undefined, "the lock was released");
  const next = await load(store);
  assert.equal((await next.commits()).map((c) => c.message)[0], "the other writer first");
  await next.close();
  await holder.close();
});

test("a lock left by a process of this host that has exited is taken over", async () => {
  const { store } = await fixture();
  const dead = spawnSync(process.execPath, ["-e", ""]).pid;
  const record = { session: "crashed", time: Date.now(), pid: dead, host: hostname() };
  await store.set("locks/write.json", new TextEncoder().encode(JSON.stringify(record)));
  const ds = await load(store);
  assert.is(ds.readOnly, false);
  await ds.close();
  await store.set("locks/write.json", new TextEncoder().encode(JSON.stringify({ ...record, pid: process.pid, session: "alive" })));
  await rejects(load(store), "DatasetLockedError");
});

test("credentials stay in memory: no store key or value contains them", async () => {
  const store = new MemoryStore();
  const ds = await empty(store);
  ds.addCredsKey("my_s3", { managed: false });
  ds.populateCreds("my_s3", { aws_access_key_id: "AKIA-SECRET-123", aws_secret_access_key: "TOPSECRET-456" });
  await ds.createTensor("files", { htype: "link[image]", sampleCompression: "png" });
  await ds.tensor("files").append({ url: "s3://bucket/a.png", credsKey: "my_s3" });
  await rejects(ds.tensor("files").append({ url: "s3://bucket/b.png", credsKey: "unknown" }), "CredsKeyError");
  assert.is(ds.tensor("files").length, 1);
  assert.equal([...ds.getCredsKeys()], ["my_s3"]);
  ds.updateCredsKey("my_s3", "renamed");
  assert.equal([...ds.getCredsKeys()], ["renamed"]);
  assert.is(ds.getCreds("renamed")?.aws_secret_access_key, "TOPSECRET-456");
  assert.throws(() => ds.addCredsKey("renamed"), (e: unknown) => (e as { code?: string }).code === "CredsKeyError");
  assert.throws(() => ds.populateCreds("nope", {}), (e: unknown) => (e as { code?: string }).code === "CredsKeyError");
  await ds.commit("with creds");
  await ds.close();
  const decoder = new TextDecoder();
  for (const k of await keysOf(store)) {
    const text = decoder.decode((await store.get(k))!);
    assert.not.ok(text.includes("TOPSECRET") || text.includes("AKIA-SECRET") || k.includes("TOPSECRET"), `key ${k} holds a credential`);
  }
  const again = await load(store, { readOnly: true });
  assert.equal([...again.getCredsKeys()], ["renamed"], "key names persist");
  assert.is(again.getCreds("renamed"), undefined, "values do not");
  assert.equal(await again.tensor("files").numpy({ aslist: true }), [{ url: "s3://bucket/a.png", credsKey: "my_s3" }]);
});

test.run();
