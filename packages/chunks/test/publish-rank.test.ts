// Flushing without publishing (the facade's mode, @shoal/vcs publishes), writable opens on a manifest, one-chunk
// updates, and the rank of a tensor whose first samples are empty.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, ndarray } from "@shoal/core";
import { MemoryStore, type Store } from "@shoal/storage";
import { DatasetEngine, keys } from "../src/index.ts";
import { expectCode as rejects } from "@shoal/testing";

async function keysOf(store: Store, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const k of store.list(prefix)) out.push(k);
  return out.sort();
}


const u8 = (shape: number[], v: number): NDArray => ndarray("uint8", shape, new Uint8Array(shape.reduce((a, b) => a * b, 1)).fill(v));

test("create and flush with publish: false write objects and manifests but no ref", async () => {
  const store = new MemoryStore();
  const ds = await DatasetEngine.create(store, { publish: false });
  const empty = ds.manifest!.id;
  assert.ok(await store.get(keys.manifest(empty)), "the empty state's manifest is written");
  const t = await ds.createTensor("x", { dtype: "uint8" });
  await t.extend([u8([2], 1), u8([2], 2)]);
  const r = await ds.flush({ publish: false });
  assert.is(r.ref, undefined);
  assert.is.not(r.manifest, empty);
  assert.is(r.manifest, ds.manifest!.id);
  assert.ok(await store.get(keys.manifest(r.manifest)));
  assert.equal(await keysOf(store, "refs/"), [], "no ref written");
  assert.ok((await keysOf(store, "tensors/x/chunks/")).length >= 1);
  assert.is((await ds.flush({ publish: false })).manifest, r.manifest, "an unchanged state writes no new manifest");
  // A bare open at the branch finds nothing published.
  assert.equal((await DatasetEngine.open(store)).allTensorNames(), []);
});

test("open on a manifest is writable unless readOnly, and its flushes publish nothing", async () => {
  const store = new MemoryStore();
  const ds = await DatasetEngine.create(store);
  await (await ds.createTensor("x", { dtype: "uint8" })).extend([u8([3], 1)]);
  const first = (await ds.flush()).manifest;
  const refsBefore = await keysOf(store, "refs/");
  const w = await DatasetEngine.open(store, { manifest: first });
  assert.not.ok(w.readOnly);
  await w.tensor("x").append(u8([3], 2));
  const second = (await w.flush()).manifest;
  assert.is.not(second, first);
  assert.equal(await keysOf(store, "refs/"), refsBefore, "default is publish: false on a manifest-opened engine");
  await rejects(w.flush({ publish: true, force: true }), "InvalidArgumentError");
  const again = await DatasetEngine.open(store, { manifest: second, readOnly: true });
  assert.is(again.tensor("x").length, 2);
  assert.equal(await again.tensor("x").read(1), u8([3], 2));
  await rejects(again.tensor("x").append(u8([3], 3)), "ReadOnlyModeError");
  assert.is((await DatasetEngine.open(store)).tensor("x").length, 1, "the branch head is unchanged");
  const readOnlyStore: Store = {
    capabilities: { ...store.capabilities, writable: false },
    get: (k, o) => store.get(k, o), set: (k, v, o) => store.set(k, v, o), delete: (k, o) => store.delete(k, o),
    list: (p, o) => store.list(p, o), head: (k, o) => store.head(k, o),
  };
  const ro = await DatasetEngine.open(readOnlyStore, { manifest: second });
  assert.ok(ro.readOnly, "a store that cannot be written opens read-only");
});

test("an update writes exactly one data chunk when the sample keeps its shape", async () => {
  const store = new MemoryStore();
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("x", { dtype: "uint8", maxChunkSize: 4096 });
  await t.extend(Array.from({ length: 30 }, (_, i) => u8([1000], i)));
  await ds.flush();
  const before = new Set(await keysOf(store));
  await t.update(11, u8([1000], 200));
  await ds.flush();
  const added = (await keysOf(store)).filter((k) => !before.has(k) && k.includes("/chunks/"));
  assert.equal(added.length, 1, added.join(", "));
  assert.ok(added[0]!.startsWith("tensors/x/chunks/"));
  assert.equal(await t.read(11), u8([1000], 200));
  // A new shape does rewrite the shape row.
  const before2 = new Set(await keysOf(store));
  await t.update(12, u8([10], 7));
  await ds.flush();
  const added2 = (await keysOf(store)).filter((k) => !before2.has(k) && k.includes("/chunks/"));
  assert.equal(added2.map((k) => k.split("/")[1]).sort(), ["_x_shape", "x"]);
  assert.equal((await ds.tensor("_x_shape").read(12) as NDArray).data, Uint32Array.of(10));
});

test("a tensor whose first call holds only empty samples takes its rank from the first non-empty one", async () => {
  const store = new MemoryStore();
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("m", { dtype: "uint8" });
  await t.extend([null, null]);
  assert.is(t.ndim, null);
  await ds.flush();
  assert.is(ds.manifest!.tensors.m!.ndim, null);
  assert.equal(ds.manifest!.tensors.m!.maxShape, []);
  // Reopened while still rank-less: the rank is still open.
  const w = await DatasetEngine.open(store);
  const m = w.tensor("m");
  await m.append(u8([2, 3], 5));
  assert.is(m.ndim, 2);
  await m.append(null);
  assert.equal(m.minShape, [0, 0]);
  assert.equal(m.maxShape, [2, 3]);
  await rejects(m.append(u8([4], 1)), "SampleShapeError");
  await w.flush();
  const r = await DatasetEngine.open(store);
  const back = r.tensor("m");
  assert.is(back.ndim, 2);
  for (const i of [0, 1, 3]) assert.equal(await back.shape(i), [0, 0], `empty sample ${i}`);
  assert.equal((await back.read(0) as NDArray).shape, [0, 0]);
  assert.equal(await back.read(2), u8([2, 3], 5));
  assert.equal((await back.readRange(0, 4)).map((v) => (v as NDArray).shape), [[0, 0], [0, 0], [2, 3], [0, 0]]);
  // A rewrite of a chunk holding rank-less empties stores them at the tensor's rank.
  await back.update(1, u8([1, 1], 9));
  assert.equal((await back.readMany([0, 1])).map((v) => (v as NDArray).shape), [[0, 0], [1, 1]]);
});

test("empty samples then a non-empty one in one call, and a rolled-back call leaves the rank open", async () => {
  const ds = await DatasetEngine.create(new MemoryStore());
  const a = await ds.createTensor("a", { dtype: "float32" });
  await a.extend([null, ndarray("float32", [2], Float32Array.of(1, 2))]);
  assert.is(a.ndim, 1);
  assert.equal(await a.shape(0), [0]);
  const b = await ds.createTensor("b", { dtype: "uint8", maxChunkSize: 1024 });
  await b.append(null);
  // 5000 samples make two batches: the second fails, the first (which fixed the rank) is rolled back.
  const samples: unknown[] = Array.from({ length: 5000 }, () => u8([1, 1, 1], 1));
  samples[4500] = "not an array";
  await rejects(b.extend(samples), "DtypeError");
  assert.is(b.length, 1);
  assert.is(b.ndim, null);
  await b.append(u8([4], 2));
  assert.is(b.ndim, 1);
  assert.equal(await b.shape(0), [0]);
});

test.run();
