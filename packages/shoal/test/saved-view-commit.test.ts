// Saved views are pinned to their commit: a loaded view reads that commit's data through every read path
// (tensor reads, column, query, dataloader, optimize), wherever HEAD has moved since, and refuses writes.
import { type NDArray, sealJson } from "@shoal/core";
import { MemoryStore, withPrefix } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Dataset, type DatasetView, empty, load } from "../src/index.ts";
import { arr, rejects } from "./helpers.ts";

const A_X = [10, 11, 12, 13, 14];
const A_NAME = ["a0", "a1", "a2", "a3", "a4"];
/** Rows of the saved view, in a non-contiguous order. */
const ROWS = [4, 1, 3];
const atA = (values: readonly unknown[]) => ROWS.map((r) => values[r]);

/** A dataset with commit A (x = A_X, name = A_NAME) and view "v" saved at A; returns A's id. */
async function savedAtA(store = new MemoryStore()): Promise<{ ds: Dataset; a: string; store: MemoryStore }> {
  const ds = await empty(store);
  await ds.createTensor("x", { dtype: "int32" });
  await ds.createTensor("name", { htype: "text" });
  await ds.extend({ x: A_X.map((v) => [v]), name: A_NAME });
  const a = await ds.commit("A");
  await ds.saveView(ds.slice(ROWS), { id: "v" });
  return { ds, a, store };
}

/** Overwrites every x and name at HEAD (values A never had). */
async function rewriteHead(ds: Dataset, plus: number): Promise<void> {
  for (let i = 0; i < ds.length; i++) await ds.update(i, { x: [A_X[i]! + plus], name: `head${plus}-${i}` });
}

/** Every read path of a loaded view returns A's values. */
async function assertReadsA(v: DatasetView, what: string): Promise<void> {
  assert.equal([...v.sampleIndices], ROWS, `${what}: rows`);
  const x = v.tensor("x");
  assert.equal(arr(await x.numpy()), atA(A_X), `${what}: tensor().numpy`);
  assert.equal(arr(await x.read(0)), [A_X[ROWS[0]!]], `${what}: tensor().read`);
  assert.equal((await x.readMany([2, 0])).map(arr), [[A_X[ROWS[2]!]], [A_X[ROWS[0]!]]], `${what}: tensor().readMany`);
  const { bytes } = await x.readBytes(1);
  assert.equal(Array.from(new Int32Array(bytes.slice().buffer)), [A_X[ROWS[1]!]], `${what}: tensor().readBytes`);
  assert.equal(await v.tensor("name").text(), atA(A_NAME), `${what}: text tensor`);
  assert.equal(await v.tensors.name!.text(), atA(A_NAME), `${what}: tensors`);
  assert.equal(arr(await v.column("x").read(0)), [A_X[ROWS[0]!]], `${what}: column`);
  const big = await v.query("select * where x > 11");
  assert.equal([...big.sampleIndices], [4, 3], `${what}: query rows (HEAD's values would all pass)`);
  assert.equal(arr(await big.tensor("x").numpy()), [14, 13], `${what}: query values`);
  const seen: number[] = [];
  const names: string[] = [];
  for await (const batch of v.dataloader().batch(2).numpy({ tensors: ["x", "name"] })) {
    const b = batch as { x: NDArray; name: string[] };
    seen.push(...arr(b.x));
    names.push(...b.name);
  }
  assert.equal(seen, atA(A_X), `${what}: dataloader`);
  assert.equal(names, atA(A_NAME), `${what}: dataloader text`);
}

test("loadView after a new commit, and with uncommitted changes on HEAD, reads A", async () => {
  const { ds, a } = await savedAtA();
  await rewriteHead(ds, 100);
  await ds.commit("B");
  const v = await ds.loadView("v");
  assert.is(v.commitId, a);
  await assertReadsA(v, "after commit B");
  await rewriteHead(ds, 200);
  await ds.tensor("x").append([999]);
  assert.ok(ds.hasHeadChanges);
  await assertReadsA(await ds.loadView("v"), "with uncommitted changes");
  await assertReadsA(v, "a view loaded before the new writes");
  assert.ok(v.isValid, "a commit never changes, so its views never go stale");
  assert.equal(arr(await ds.tensor("x").slice(ROWS).numpy()), atA(A_X).map((n) => (n as number) + 200), "HEAD keeps its own values");
});

test("loadView of a view saved at HEAD's own commit is not tied to later writes", async () => {
  const { ds } = await savedAtA();
  const v = await ds.loadView("v");
  await rewriteHead(ds, 300);
  await assertReadsA(v, "loaded before the write");
  await assertReadsA(await ds.loadView("v"), "loaded after the write");
});

test("getView(id).load() and loading after checkout to another branch read A", async () => {
  const { ds, a } = await savedAtA();
  const before = await (await ds.getView("v")).load();
  await ds.checkout("dev", { create: true });
  await rewriteHead(ds, 400);
  await ds.commit("dev values");
  await assertReadsA(await (await ds.getView("v")).load(), "getView().load() on dev");
  await assertReadsA(await ds.loadView("v"), "loadView on dev");
  await assertReadsA(before, "loaded on main before the checkout");
  await ds.checkout("main");
  await assertReadsA(await ds.loadView("v"), "back on main");
  assert.is((await ds.getView("v")).commitId, a);
});

test("a view saved on another branch reads that branch's commit from main", async () => {
  const { ds } = await savedAtA();
  await ds.checkout("dev", { create: true });
  await ds.update(1, { x: [-1], name: "dev-1" });
  const d = await ds.commit("dev change");
  await ds.saveView(ds.slice([1, 2]), { id: "dev-view" });
  await ds.checkout("main");
  assert.equal(arr(await ds.tensor("x").slice([1, 2]).numpy()), [11, 12], "main never had dev's change");
  const v = await ds.loadView("dev-view");
  assert.is(v.commitId, d);
  assert.equal(arr(await v.tensor("x").numpy()), [-1, 12]);
  assert.equal(await v.tensor("name").text(), ["dev-1", "a2"]);
  assert.equal(arr(await v.column("x").read(0)), [-1]);
  assert.equal([...(await v.query("select * where x < 0")).sampleIndices], [1]);
});

test("optimize copies A's data (ViewEntry.optimize and loadView with optimize)", async () => {
  const { ds, store } = await savedAtA();
  await ds.saveView(ds.slice([0, 2]), { id: "w" });
  await rewriteHead(ds, 500);
  await ds.commit("B");
  const entry = await (await ds.getView("v")).optimize();
  assert.not.ok(entry.virtual);
  const copy = await load(withPrefix(store, "views/v/data"), { readOnly: true });
  assert.equal(arr(await copy.tensor("x").numpy()), atA(A_X));
  assert.equal(await copy.tensor("name").text(), atA(A_NAME));
  await rewriteHead(ds, 600);
  const w = await ds.loadView("w", { optimize: true });
  assert.equal(arr(await w.tensor("x").numpy()), [10, 12]);
  const wCopy = await load(withPrefix(store, "views/w/data"), { readOnly: true });
  assert.equal(arr(await wCopy.tensor("x").numpy()), [10, 12], "optimized with uncommitted changes on HEAD");
});

test("a loaded view reads tensors HEAD has since deleted or renamed", async () => {
  const { ds } = await savedAtA();
  ds.deleteTensor("name");
  ds.renameTensor("x", "y");
  await ds.commit("schema change");
  const v = await ds.loadView("v");
  assert.equal(v.tensorNames(), ["x", "name"]);
  assert.equal(await v.tensor("name").text(), atA(A_NAME));
  assert.equal(arr(await v.tensor("x").numpy()), atA(A_X));
  assert.throws(() => v.tensor("y"), (e: unknown) => (e as { code?: string }).code === "TensorDoesNotExistError");
});

test("a loaded view is read-only; sub-views of it are saved at its commit", async () => {
  const { ds, a } = await savedAtA();
  await rewriteHead(ds, 700);
  await ds.commit("B");
  await rewriteHead(ds, 800);
  const v = await ds.loadView("v");
  await rejects(v.update({ x: [[0], [0], [0]] }), "ReadOnlyModeError");
  await rejects(v.tensor("x").update(0, [0]), "ReadOnlyModeError");
  await rejects(v.at(0).tensor("x").update([0]), "ReadOnlyModeError");
  assert.throws(() => { v.tensor("x").info.set("k", 1); }, (e: unknown) => (e as { code?: string }).code === "ReadOnlyModeError");
  assert.equal(arr(await v.tensor("x").numpy()), atA(A_X), "refused writes changed nothing");
  assert.equal(arr(await ds.tensor("x").slice(ROWS).numpy()), atA(A_X).map((n) => (n as number) + 800), "nor HEAD");
  const sub = await v.query("select * where x >= 13");
  const id = await sub.saveView({ id: "sub" });
  const e = await ds.getView(id);
  assert.is(e.commitId, a, "pinned to the loaded view's commit, not HEAD's");
  const again = await e.load();
  assert.equal([...again.sampleIndices], [4, 3]);
  assert.equal(arr(await again.tensor("x").numpy()), [14, 13]);
});

test("loadView of a view pinned to an unknown commit fails with a typed error", async () => {
  const { ds, store } = await savedAtA();
  const rec = JSON.parse(new TextDecoder().decode((await store.get("views/v.json"))!)) as Record<string, unknown>;
  await store.set("views/bad.json", sealJson({ ...rec, id: "bad", commitId: "0".repeat(40) }));
  const err = (await rejects(ds.loadView("bad"), "CheckoutError")) as Error;
  assert.ok(err.message.includes("0".repeat(40)), "names the commit");
  await assertReadsA(await ds.loadView("v"), "a failed load leaves others working");
});

test.run();
