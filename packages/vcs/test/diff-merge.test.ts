import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { VersionControl } from "../src/version-control.ts";
import { planMerge, type SideChange } from "../src/merge.ts";
import { diffAsDict, formatDiff, toRanges } from "../src/diff.ts";
import { MergeConflictError } from "../src/errors.ts";

const ids = (...v: number[]) => BigUint64Array.from(v, BigInt);
const f64 = (...v: number[]) => Float64Array.from(v);

test("toRanges merges runs and duplicates", () => {
  assert.equal(toRanges([5, 1, 2, 3, 9, 2]), [[1, 4], [5, 6], [9, 10]]);
  assert.equal(toRanges([]), []);
});

test("diff: the four cases of the reference", async () => {
  const vc = await VersionControl.open(new MemoryStore(), { initialManifest: "m0", author: "ada" });
  const c1 = await vc.commit("create", { manifest: "m1", changes: { tensors: { abc: { created: true, added: [0, 3] } } } });
  await vc.checkout("alt", { create: true });
  const c2 = await vc.commit("alt edit", { manifest: "m2", changes: { tensors: { abc: { added: [3, 4], updatedIndices: f64(0, 1), updatedIds: ids(10, 11) } } } });
  await vc.flush("m3", { tensors: { abc: { updatedIndices: f64(2), updatedIds: ids(12) } }, dataset: { renamed: { abc: "xyz" } } });
  // none: uncommitted changes of the head
  const none = await vc.diff();
  assert.is(none.mode, "single");
  if (none.mode !== "single") return;
  assert.equal(none.entries[0]!.tensors.abc!.updated, [[2, 3]]);
  assert.equal(none.entries[0]!.dataset.renamed, { abc: "xyz" });
  assert.is(none.entries[0]!.date, null);
  // one id: current state (with uncommitted work) vs main
  const one = await vc.diff("main");
  if (one.mode !== "pair") throw new Error("pair expected");
  assert.is(one.ancestor, c1);
  assert.equal(one.left.entries.map((e) => e.commitId), [vc.pendingCommitId, c2]);
  assert.equal(one.right.entries, []);
  assert.equal(one.left.entries[1]!.tensors.abc!.added, [3, 4]);
  // two ids
  const two = await vc.diff(c2, c1);
  if (two.mode !== "pair") throw new Error("pair expected");
  assert.equal(two.left.entries.map((e) => e.commitId), [c2]);
  assert.is(two.ancestor, c1);
  const dict = diffAsDict(two) as { tensors: unknown[][] };
  assert.is(dict.tensors.length, 2);
  const text = formatDiff(two);
  assert.ok(text.includes("abc: added 3; updated 0-1"), text);
  // at a past commit, no id: that commit's own changes
  await vc.checkout(c1);
  const past = await vc.diff();
  if (past.mode !== "single") throw new Error("single expected");
  assert.ok(past.entries[0]!.tensors.abc!.created);
  // bad input
  for (const [a, b] of [[undefined, c1], ["nope", undefined], [c1, "nope"]] as const) {
    const e = await vc.diff(a, b).catch((x: unknown) => x);
    assert.ok(isShoalError(e, "InvalidArgumentError", "CheckoutError"), String(e));
  }
});

const side = (...changes: SideChange["changes"][]): SideChange[] => changes.map((c) => ({ changes: c }));

test("planMerge: appends on both sides kept, one-sided updates taken, deletes propagated", () => {
  const plan = planMerge({
    ours: { ids: { t: ids(1, 2, 3, 4, 20) }, changes: side({ tensors: { t: { added: [4, 5], updatedIds: ids(1) } } }) },
    theirs: {
      ids: { t: ids(1, 2, 4, 30, 31) },
      changes: side({ tensors: { t: { added: [3, 5], updatedIds: ids(2), deletedIds: ids(3) } } }),
    },
  });
  const t = plan.tensors[0]!;
  assert.is(t.tensor, "t");
  assert.equal([...t.append], [3, 4]);
  assert.equal([...t.appendIds], [30n, 31n]);
  assert.equal([...t.updateOurs], [1]);
  assert.equal([...t.updateTheirs], [1]);
  assert.equal([...t.delete], [2]);
});

test("planMerge: a sample updated on both sides is a conflict unless resolved", () => {
  const input = {
    ours: { ids: { t: ids(1, 2, 3) }, changes: side({ tensors: { t: { updatedIds: ids(2, 3) } } }) },
    theirs: { ids: { t: ids(3, 1, 2) }, changes: side({ tensors: { t: { updatedIds: ids(2) } } }, { tensors: { t: { updatedIds: ids(1) } } }) },
  };
  let err: unknown;
  try {
    planMerge(input);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof MergeConflictError);
  const c = (err as MergeConflictError).conflicts[0]!;
  assert.is(c.tensor, "t");
  assert.equal([...c.ids], [2n]);
  assert.equal([...c.oursIndices], [1]);
  assert.equal([...c.theirsIndices], [2]);
  const theirs = planMerge(input, { conflictResolution: "theirs" }).tensors[0]!;
  assert.equal([...theirs.updateOurs], [0, 1]);
  assert.equal([...theirs.updateTheirs], [1, 2]);
  const ours = planMerge(input, { conflictResolution: "ours" }).tensors[0]!;
  assert.equal([...ours.updateOurs], [0]);
  assert.is(ours.resolved.length, 1);
  assert.throws(() => planMerge(input, { conflictResolution: "mine" as never }), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
});

test("planMerge: values taken in an earlier merge are not our edits", () => {
  const plan = planMerge({
    ours: { ids: { t: ids(1, 2) }, changes: [{ changes: { tensors: { t: { updatedIds: ids(1), mergedIds: ids(1) } } }, mergedFromCommon: true }] },
    theirs: { ids: { t: ids(1, 2) }, changes: side({ tensors: { t: { updatedIds: ids(1) } } }) },
  });
  assert.equal([...plan.tensors[0]!.updateOurs], [0]);
});

test("planMerge: tensors created, renamed and deleted", () => {
  const base = { ids: { a: ids(1), b: ids(2), c: ids(3) } };
  const plan = planMerge(
    {
      ours: { ids: base.ids, changes: [] },
      theirs: {
        ids: { a2: ids(1, 9), b: ids(2), n: ids(5) },
        changes: side({ tensors: { n: { created: true, added: [0, 1] }, a2: { added: [1, 2] } }, dataset: { renamed: { a: "a2" }, deleted: ["c"] } }),
      },
    },
    { deleteRemovedTensors: true },
  );
  assert.equal(plan.createTensors, [{ name: "n", from: "n" }]);
  assert.equal(plan.renameTensors, [{ from: "a", to: "a2" }]);
  assert.equal(plan.deleteTensors, ["c"]);
  assert.equal([...plan.tensors.find((t) => t.tensor === "a2")!.append], [1]);
  const kept = planMerge({ ours: { ids: base.ids, changes: [] }, theirs: { ids: { a: ids(1), b: ids(2) }, changes: side({ dataset: { deleted: ["c"] } }) } });
  assert.equal(kept.deleteTensors, []);
  // renamed differently on both sides: conflict unless force
  const both = {
    ours: { ids: { x: ids(1) }, changes: side({ dataset: { renamed: { a: "x" } } }) },
    theirs: { ids: { y: ids(1) }, changes: side({ dataset: { renamed: { a: "y" } } }) },
  };
  assert.throws(() => planMerge(both), (e: unknown) => isShoalError(e, "MergeConflictError"));
  assert.equal(planMerge(both, { force: true }).createTensors, [{ name: "y", from: "y" }]);
  // renamed there, deleted here
  const gone = { ours: { ids: {}, changes: side({ dataset: { deleted: ["a"] } }) }, theirs: both.theirs };
  assert.throws(() => planMerge(gone), (e: unknown) => isShoalError(e, "MergeConflictError"));
  assert.equal(planMerge(gone, { force: true }).createTensors, [{ name: "y", from: "y" }]);
});

test("prepareMerge gathers both sides since the common ancestor", async () => {
  const vc = await VersionControl.open(new MemoryStore(), { initialManifest: "m0" });
  const c1 = await vc.commit("base", { manifest: "m1", changes: { tensors: { t: { created: true, added: [0, 2] } } } });
  await vc.checkout("feat", { create: true });
  await vc.commit("feat", { manifest: "m2", changes: { tensors: { t: { updatedIds: ids(1), updatedIndices: f64(0) } } } });
  await vc.checkout("main");
  await vc.flush("m3", { tensors: { t: { added: [2, 3] } } });
  const ctx = await vc.prepareMerge("feat");
  assert.is(ctx.base, c1);
  assert.is(ctx.ours.length, 1, "the dirty head was committed first");
  assert.is(ctx.theirs.length, 1);
  assert.not.ok(ctx.upToDate);
  const plan = planMerge({ ours: { ids: { t: ids(1, 2, 3) }, changes: ctx.ours }, theirs: { ids: { t: ids(1, 2) }, changes: ctx.theirs } });
  assert.equal([...plan.tensors[0]!.updateOurs], [0]);
  const merged = await vc.commit("Merge feat into main", { manifest: "m4", mergeParent: ctx.theirsCommit, changes: { tensors: { t: { updatedIds: ids(1), updatedIndices: f64(0), mergedIds: ids(1) } } } });
  assert.equal((await vc.getCommitDetails(merged)).parents.length, 2);
  const again = await vc.prepareMerge("feat");
  assert.ok(again.upToDate);
  const e = await vc.prepareMerge("nope").catch((x: unknown) => x);
  assert.ok(isShoalError(e, "CheckoutError"));
  await vc.checkout(c1);
  assert.ok(isShoalError(await vc.prepareMerge("feat").catch((x: unknown) => x), "MergeError"));
});

test.run();
