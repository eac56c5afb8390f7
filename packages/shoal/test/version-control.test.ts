// Version control on the Dataset: the reference's examples, commit/checkout/branch/reset/diff/merge and bad input.
import { type NDArray, ndarray } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { FIRST_COMMIT_ID } from "@shoal/vcs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { empty, load } from "../src/index.ts";
import { arr, keysOf, rejects } from "./helpers.ts";

test("the reference's abc checkout example gives the same arrays", async () => {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("abc");
  await ds.tensor("abc").append([1, 2, 3]);
  const firstCommit = await ds.commit();
  assert.is(firstCommit, FIRST_COMMIT_ID);
  assert.is(await ds.checkout("alt", { create: true }), FIRST_COMMIT_ID);
  await ds.tensor("abc").append([4, 5, 6]);
  const both = (await ds.tensor("abc").numpy()) as NDArray;
  assert.equal(both.shape, [2, 3]);
  assert.equal(arr(both), [1, 2, 3, 4, 5, 6]);
  assert.is(await ds.checkout(firstCommit), FIRST_COMMIT_ID);
  const one = (await ds.tensor("abc").numpy()) as NDArray;
  assert.equal(one.shape, [1, 3]);
  assert.equal(arr(one), [1, 2, 3]);
  assert.not.ok(ds.isHeadNode);
  await ds.checkout("alt");
  assert.equal(arr(await ds.tensor("abc").numpy()), [1, 2, 3, 4, 5, 6], "alt's work was auto-committed");
  assert.ok(ds.isHeadNode);
});

test("commit ids, commits(), getCommitDetails, log, hasHeadChanges, reset", async () => {
  const store = new MemoryStore();
  const ds = await empty(store, { author: "ada" });
  await ds.createTensor("x");
  assert.is(ds.commitId, undefined);
  assert.is(ds.pendingCommitId, FIRST_COMMIT_ID);
  await ds.tensor("x").extend([[1], [2]]);
  assert.ok(ds.hasHeadChanges);
  const c1 = await ds.commit("first");
  assert.not.ok(ds.hasHeadChanges);
  assert.is(ds.commitId, c1);
  await rejects(ds.commit("nothing"), "EmptyCommitError");
  await ds.tensor("x").append([3]);
  const c2 = await ds.commit("second");
  assert.equal((await ds.commits()).map((c) => c.commit), [c2, c1]);
  const d = await ds.getCommitDetails(c1);
  assert.is(d.message, "first");
  assert.is(d.author, "ada");
  assert.ok((await ds.log()).includes("second"));
  await ds.tensor("x").append([4]);
  await ds.flush();
  assert.ok(ds.hasHeadChanges);
  await ds.reset();
  assert.is(ds.tensor("x").length, 3);
  assert.not.ok(ds.hasHeadChanges);
  await ds.tensor("x").append([5]);
  await ds.reset();
  assert.is(ds.tensor("x").length, 3, "unflushed changes are dropped too");
  await ds.close();
  const again = await load(store, { readOnly: true });
  assert.is(again.commitId, c2);
  assert.equal(arr(await again.tensor("x").numpy()), [1, 2, 3]);
});

test("a commit that changed one sample of one tensor stores only the chunks it touched", async () => {
  const store = new MemoryStore();
  const ds = await empty(store);
  await ds.createTensor("big", { dtype: "uint8", maxChunkSize: 4096, chunkCompression: null });
  await ds.createTensor("other", { dtype: "uint8", maxChunkSize: 4096 });
  const sample = (v: number) => ndarray("uint8", [1000], new Uint8Array(1000).fill(v));
  await ds.extend({ big: Array.from({ length: 40 }, (_, i) => sample(i)), other: Array.from({ length: 40 }, (_, i) => sample(i)) });
  await ds.commit("base");
  const before = new Set(await keysOf(store, "tensors/"));
  const chunksBefore = [...before].filter((k) => k.includes("/chunks/"));
  await ds.tensor("big").update(17, sample(200));
  await ds.commit("one sample");
  const added = (await keysOf(store, "tensors/")).filter((k) => !before.has(k) && k.includes("/chunks/"));
  assert.ok(chunksBefore.length >= 20, `the tensors span many chunks (${chunksBefore.length})`);
  assert.equal(added.filter((k) => k.startsWith("tensors/big/")).length, 1, added.join("\n"));
  assert.equal(added.filter((k) => k.startsWith("tensors/other/") || k.startsWith("tensors/_other")).length, 0);
  assert.equal(added.length, 1, `exactly one new data chunk (the shape is unchanged, so no shape chunk): ${added.join(", ")}`);
  assert.equal(arr(await ds.tensor("big").at(17).numpy()).slice(0, 2), [200, 200]);
  assert.equal(arr(await ds.tensor("big").at(16).numpy()).slice(0, 2), [16, 16]);
});

test("branches, deleteBranch, diff as text and as dict", async () => {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("x");
  await ds.tensor("x").extend([[1], [2], [3]]);
  const base = await ds.commit("base");
  await ds.checkout("dev", { create: true });
  await ds.tensor("x").append([4]);
  await ds.tensor("x").update(0, [9]);
  const diffText = await ds.diff();
  assert.ok(diffText.includes("x"), diffText);
  const dict = (await ds.diff(undefined, undefined, { asDict: true })) as { tensors: Array<Record<string, unknown>> };
  assert.ok(JSON.stringify(dict.tensors).includes("x"), JSON.stringify(dict));
  const devCommit = await ds.commit("dev work");
  const pair = (await ds.diff(base, devCommit, { asDict: true })) as { tensors: unknown };
  assert.ok(JSON.stringify(pair).length > 10);
  assert.equal((await ds.branches()).sort(), ["dev", "main"]);
  await rejects(ds.deleteBranch("dev"), "CommitError");
  await ds.checkout("main");
  assert.equal(arr(await ds.tensor("x").numpy()), [1, 2, 3]);
  await ds.deleteBranch("dev");
  assert.equal(await ds.branches(), ["main"]);
});

test("merge: appends of both sides are kept, one-sided updates applied, conflicts raise or resolve", async () => {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("x");
  await ds.tensor("x").extend([[1], [2], [3]]);
  await ds.commit("base");
  await ds.checkout("feature", { create: true });
  await ds.tensor("x").append([40]);
  await ds.tensor("x").update(1, [20]);
  await ds.commit("feature work");
  await ds.checkout("main");
  await ds.tensor("x").append([50]);
  await ds.commit("main work");
  await ds.merge("feature");
  assert.equal(arr(await ds.tensor("x").numpy()), [1, 20, 3, 50, 40]);
  assert.is((await ds.commits())[0]!.parents.length, 2);
  await rejects(ds.merge("main"), "MergeError");
  // A sample updated on both sides.
  await ds.checkout("f2", { create: true });
  await ds.tensor("x").update(0, [100]);
  await ds.commit("f2");
  await ds.checkout("main");
  await ds.tensor("x").update(0, [200]);
  await ds.commit("main edit");
  const e = await rejects(ds.merge("f2"), "MergeConflictError");
  assert.match((e as Error).message, /x/);
  assert.equal(arr(await ds.tensor("x").numpy()), [200, 20, 3, 50, 40], "a refused merge changes nothing");
  await ds.merge("f2", { conflictResolution: "theirs" });
  assert.equal(arr(await ds.tensor("x").numpy()), [100, 20, 3, 50, 40]);
});

test("bad input: unknown address, existing branch, create on read-only, delete current branch", async () => {
  const store = new MemoryStore();
  const ds = await empty(store);
  await ds.createTensor("x");
  await ds.tensor("x").append([1]);
  const c = await ds.commit("c");
  await rejects(ds.checkout("nope"), "CheckoutError");
  await rejects(ds.checkout("main", { create: true }), "BranchExistsError");
  await rejects(ds.checkout("bad name!", { create: true }), "InvalidBranchNameError", "InvalidKeyError", "InvalidArgumentError");
  await rejects(ds.deleteBranch("main"), "CommitError");
  await rejects(ds.getCommitDetails("0123"), "CheckoutError");
  assert.is(ds.commitId, c);
  assert.equal(arr(await ds.tensor("x").numpy()), [1]);
  await ds.close();
  const ro = await load(store, { readOnly: true });
  await rejects(ro.checkout("b", { create: true }), "ReadOnlyModeError");
  assert.equal(await ro.branches(), ["main"]);
});

test("writing at an old commit moves the work to a new branch", async () => {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("x");
  await ds.tensor("x").append([1]);
  const c1 = await ds.commit("one");
  await ds.tensor("x").append([2]);
  await ds.commit("two");
  await ds.checkout(c1);
  assert.not.ok(ds.isHeadNode);
  await ds.tensor("x").append([3]);
  await ds.flush();
  assert.ok(ds.isHeadNode);
  assert.match(ds.branch, /^auto_/);
  assert.equal(arr(await ds.tensor("x").numpy()), [1, 3]);
  await ds.checkout("main");
  assert.equal(arr(await ds.tensor("x").numpy()), [1, 2]);
});

test("fixVc runs on a healthy dataset and keeps its state", async () => {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("x");
  await ds.tensor("x").append([1]);
  const c = await ds.commit();
  await ds.fixVc();
  assert.is(ds.commitId, c);
  assert.equal(arr(await ds.tensor("x").numpy()), [1]);
});

test.run();
