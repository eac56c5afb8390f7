// What a flush persists without a commit survives reopen: dataset-level renames, deletions and info included. And a
// tensor whose first samples are empty takes its rank from the first non-empty one, also across reopen.
import { type NDArray, ndarray } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { empty, load } from "../src/index.ts";
import { arr, keysOf, rejects } from "./helpers.ts";

test("flushed but uncommitted renames, deletions and info changes persist on reopen and reach the commit", async () => {
  const store = new MemoryStore();
  const ds = await empty(store);
  await ds.createTensor("a");
  await ds.createTensor("b");
  await ds.createTensor("keep");
  await ds.extend({ a: [[1]], b: [[2]], keep: [[3]] });
  const base = await ds.commit("base");
  ds.renameTensor("a", "c");
  ds.deleteTensor("b");
  ds.info.update({ note: "x" });
  await ds.flush();
  await ds.close();

  const again = await load(store);
  assert.ok(again.hasHeadChanges);
  const pending = (await again.diff(undefined, undefined, { asDict: true })) as { dataset: Array<{ renamed: Record<string, string>; deleted: string[]; infoUpdated: boolean }> };
  assert.equal(pending.dataset[0]!.renamed, { a: "c" });
  assert.equal(pending.dataset[0]!.deleted, ["b"]);
  assert.ok(pending.dataset[0]!.infoUpdated);
  // A rename after reopen composes with the persisted one.
  again.renameTensor("c", "d");
  const id = await again.commit("renames");
  const text = await again.diff(base, id);
  assert.match(text, /tensor renamed: a -> d/);
  assert.match(text, /tensor deleted: b/);
  assert.equal(again.tensorNames().sort(), ["d", "keep"]);
  assert.equal(arr(await again.tensor("d").numpy()), [1]);
  await again.close();
});

test("checkout of a branch whose head holds flushed dataset-level changes restores them too", async () => {
  const store = new MemoryStore();
  const ds = await empty(store);
  await ds.createTensor("x");
  await ds.tensor("x").append([1]);
  await ds.commit("base");
  await ds.checkout("dev", { create: true });
  ds.renameTensor("x", "y");
  await ds.flush();
  await ds.close();
  const other = await load(store, { branch: "main" });
  await other.checkout("dev");
  const d = (await other.diff(undefined, undefined, { asDict: true })) as { dataset: Array<{ renamed: Record<string, string> }> };
  assert.equal(d.dataset[0]!.renamed, { x: "y" });
  await other.close();
});

test("a tensor whose first call holds only empty samples is not locked at rank 1", async () => {
  const store = new MemoryStore();
  const ds = await empty(store);
  await ds.createTensor("m", { htype: "generic", dtype: "uint8" });
  await ds.tensor("m").extend([null, null]);
  await ds.flush();
  await ds.close();
  const again = await load(store);
  const m = again.tensor("m");
  await m.append(ndarray("uint8", [2, 2], Uint8Array.of(1, 2, 3, 4)));
  await m.append(null);
  await rejects(m.append(ndarray("uint8", [3], Uint8Array.of(1, 2, 3))), "SampleShapeError");
  assert.equal(((await m.at(0).numpy()) as NDArray).shape, [0, 0]);
  assert.equal(((await m.at(3).numpy()) as NDArray).shape, [0, 0]);
  assert.equal(arr(await m.at(2).numpy()), [1, 2, 3, 4]);
  assert.ok((await again.sizeApprox()) >= 4);
  await again.commit("ragged");
  await again.close();
  const ro = await load(store, { readOnly: true });
  assert.equal(((await ro.tensor("m").at(1).numpy()) as NDArray).shape, [0, 0]);
});

test("the facade publishes through @shoal/vcs only: no engine refs in the store", async () => {
  const store = new MemoryStore();
  const ds = await empty(store);
  await ds.createTensor("x");
  await ds.tensor("x").append([1]);
  await ds.flush();
  await ds.commit("one");
  await ds.checkout("dev", { create: true });
  await ds.tensor("x").append([2]);
  await ds.close();
  assert.equal(await keysOf(store, "refs/"), []);
  assert.ok((await keysOf(store, "versions/refs/main/")).length > 0);
  assert.ok((await keysOf(store, "versions/refs/dev/")).length > 0);
});

test.run();
