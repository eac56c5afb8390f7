import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { VersionControl } from "../src/version-control.ts";
import { FIRST_COMMIT_ID } from "../src/records.ts";
import { formatLog } from "../src/log.ts";

const open = (store = new MemoryStore(), opts = {}) => VersionControl.open(store, { initialManifest: "m0", author: "ada", ...opts });
const rejects = async (p: Promise<unknown>, code: string) => {
  try {
    await p;
  } catch (e) {
    assert.ok(isShoalError(e, code), `expected ${code}, got ${String(e)}`);
    return;
  }
  assert.unreachable(`expected ${code}`);
};

test("the reference's abc example: commit, branch, write there, checkout back", async () => {
  const vc = await open();
  assert.is(vc.pendingCommitId, FIRST_COMMIT_ID);
  assert.is(vc.commitId, undefined);
  await vc.flush("m1"); // create_tensor("abc") + append([1,2,3])
  assert.ok(vc.hasHeadChanges);
  const first = await vc.commit();
  assert.is(first, FIRST_COMMIT_ID);
  assert.is(vc.commitId, first);
  assert.is.not(vc.pendingCommitId, first);
  assert.is(await vc.checkout("alt", { create: true }), first);
  assert.is(vc.branch, "alt");
  await vc.flush("m2"); // append([4,5,6])
  assert.is(vc.manifest, "m2");
  assert.is(await vc.checkout(first), first);
  assert.is(vc.manifest, "m1", "the old commit shows its own state");
  assert.not.ok(vc.isHeadNode);
  // leaving alt's dirty head committed it
  const alt = await open(undefined);
  void alt;
  assert.equal(await vc.branches(), ["alt", "main"]);
  await vc.checkout("alt");
  assert.is(vc.manifest, "m2");
  assert.not.ok(vc.hasHeadChanges, "auto commit before checkout");
  assert.is((await vc.commits())[0]!.message, `auto commit before checkout to ${first}`);
});

test("commit: EmptyCommitError unless allowEmpty; details, log, commits", async () => {
  const vc = await open();
  await rejects(vc.commit("nothing"), "EmptyCommitError");
  const a = await vc.commit("empty", { allowEmpty: true });
  await vc.flush("m1");
  const b = await vc.commit("second");
  const d = await vc.getCommitDetails(b);
  assert.is(d.commit, b);
  assert.is(d.author, "ada");
  assert.is(d.message, "second");
  assert.ok(d.time instanceof Date && Math.abs(d.time.getTime() - Date.now()) < 60_000);
  assert.equal(d.parents, [a]);
  assert.equal((await vc.log()).map((c) => c.commit), [b, a]);
  assert.ok(formatLog(await vc.log(), { branch: vc.branch }).includes(`Commit : ${b}`));
  await rejects(vc.getCommitDetails("f".repeat(40)), "CheckoutError");
  await rejects(vc.commit(42 as never), "InvalidArgumentError");
  await rejects(vc.commit("x", { manifest: "" }), "InvalidArgumentError");
  assert.equal((await vc.log()).map((c) => c.commit), [b, a], "bad input changed nothing");
});

test("commit with a manifest and changes commits in one publish", async () => {
  const vc = await open();
  const id = await vc.commit("direct", { manifest: "m9", changes: { tensors: { x: { created: true, added: [0, 3] } } } });
  assert.is((await vc.getCommitDetails(id)).manifest, "m9");
  const diff = await vc.diff(id);
  assert.is(diff.mode, "pair");
});

test("uncommitted flushed work survives reopen", async () => {
  const store = new MemoryStore();
  const vc = await open(store);
  await vc.flush("m1", { tensors: { x: { created: true, added: [0, 2] } } });
  const again = await VersionControl.open(store);
  assert.is(again.manifest, "m1");
  assert.ok(again.hasHeadChanges);
  assert.is(again.pendingCommitId, FIRST_COMMIT_ID);
});

test("headChanges: the flushed change set of the head, dataset-level changes included; {} once committed or at a past commit", async () => {
  const store = new MemoryStore();
  const vc = await open(store);
  assert.equal(await vc.headChanges(), {});
  await vc.flush("m1", { tensors: { y: { added: [0, 1] } }, dataset: { renamed: { x: "y" }, deleted: ["z"], infoUpdated: true } });
  const again = await VersionControl.open(store);
  const c = await again.headChanges();
  assert.equal(c.dataset, { renamed: { x: "y" }, deleted: ["z"], infoUpdated: true });
  assert.equal(c.tensors?.y?.added, [0, 1]);
  const id = await again.commit("one");
  assert.equal(await again.headChanges(), {});
  await again.flush("m2", { dataset: { deleted: ["y"] } });
  await again.checkout(id);
  assert.equal(await again.headChanges(), {}, "a past commit has no head changes");
});

test("writing or committing at an old commit moves the work to an auto branch", async () => {
  const vc = await open();
  await vc.flush("m1");
  const c1 = await vc.commit("one");
  await vc.flush("m2");
  await vc.commit("two");
  await vc.checkout(c1);
  assert.is(vc.pendingCommitId, c1);
  await vc.flush("m3");
  assert.ok(vc.isHeadNode);
  assert.match(vc.branch, /^auto_[0-9a-f]{40}$/);
  assert.is(vc.commitId, c1);
  const c3 = await vc.commit("on auto");
  assert.equal((await vc.getCommitDetails(c3)).parents, [c1]);
  await vc.checkout(c1);
  const c4 = await vc.commit("from a node", { allowEmpty: true });
  assert.match((await vc.getCommitDetails(c4)).branch, /^auto_/);
});

test("checkout errors: unknown address, existing branch, invalid names, read-only create", async () => {
  const store = new MemoryStore();
  const vc = await open(store);
  await rejects(vc.checkout("nope"), "CheckoutError");
  await rejects(vc.checkout("0".repeat(40)), "CheckoutError");
  await rejects(vc.checkout(""), "CheckoutError");
  await rejects(vc.checkout("main", { create: true }), "BranchExistsError");
  for (const bad of ["a/b", "", ".x", "x..y", "HEAD", "a b", "x.", "f".repeat(40), "é"]) {
    await rejects(vc.checkout(bad, { create: true }), "InvalidBranchNameError");
  }
  assert.equal(await vc.branches(), ["main"]);
  const ro = await VersionControl.open(store, { readOnly: true });
  await rejects(ro.checkout("new", { create: true }), "ReadOnlyModeError");
  await rejects(ro.flush("m1"), "ReadOnlyModeError");
  await rejects(ro.commit("x", { allowEmpty: true }), "ReadOnlyModeError");
  await rejects(VersionControl.open(store, { branch: "ghost" }), "CheckoutError");
  await rejects(VersionControl.open(new MemoryStore()), "VersionControlError");
  assert.equal(await vc.branches(), ["main"]);
});

test("two writers creating the same branch: one gets BranchExistsError", async () => {
  const store = new MemoryStore();
  const a = await open(store);
  const b = await VersionControl.open(store);
  const results = await Promise.allSettled([a.checkout("dev", { create: true }), b.checkout("dev", { create: true })]);
  assert.is(results.filter((r) => r.status === "fulfilled").length, 1);
  const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
  assert.ok(isShoalError(lost.reason, "BranchExistsError"));
});

test("deleteBranch: refusals, then cleanup", async () => {
  const vc = await open();
  await vc.flush("m1");
  const first = await vc.commit("one");
  await vc.checkout("alt", { create: true });
  await vc.flush("m2");
  await rejects(vc.deleteBranch("alt"), "CommitError"); // checked out
  await vc.checkout("sub", { create: true }); // auto commits alt, branches from it
  await vc.checkout(first);
  await rejects(vc.deleteBranch("alt"), "CommitError"); // has a sub-branch
  await rejects(vc.deleteBranch("ghost"), "CommitError");
  await rejects(vc.deleteBranch("main"), "CommitError");
  await rejects(vc.deleteBranch("a/b"), "InvalidBranchNameError");
  const removed = await vc.deleteBranch("sub");
  assert.equal(removed.commits, []);
  const alt = await vc.deleteBranch("alt");
  assert.is(alt.commits.length, 1);
  assert.equal(alt.manifests, ["m2"]);
  assert.equal(await vc.branches(), ["main"]);
  await rejects(vc.checkout("alt"), "CheckoutError");
  // the name can be used again
  await vc.checkout("main");
  await vc.checkout("alt", { create: true });
  assert.is(vc.commitId, first);
});

test("deleteBranch refuses a branch merged into another", async () => {
  const vc = await open();
  await vc.flush("m1");
  await vc.commit("one");
  await vc.checkout("feat", { create: true });
  await vc.flush("m2");
  const f = await vc.commit("feat work");
  await vc.checkout("main");
  const ctx = await vc.prepareMerge("feat");
  assert.is(ctx.theirsCommit, f);
  await vc.commit("Merge feat into main", { manifest: "m3", mergeParent: ctx.theirsCommit });
  await rejects(vc.deleteBranch("feat"), "CommitError");
  await rejects(vc.prepareMerge("main"), "MergeError");
});

test("reset drops uncommitted changes and returns the dropped manifest", async () => {
  const vc = await open();
  assert.is(await vc.reset(), undefined);
  await vc.flush("m1");
  const c = await vc.commit("one");
  await vc.flush("m2", { tensors: { t: { added: [3, 5] } } });
  assert.is(await vc.reset(), "m2");
  assert.is(vc.manifest, "m1");
  assert.not.ok(vc.hasHeadChanges);
  assert.is(vc.commitId, c);
  assert.is(await vc.reset({ force: true }), undefined);
});

test.run();
