// Bad input of every public method and function of @shoal/vcs: a typed error whose `[shoal]` message names the
// branch, commit, option or field at fault, and no change to the version state or to any stored record.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryStore } from "@shoal/storage";
import { VersionControl } from "../src/version-control.ts";
import { assertBranchName } from "../src/records.ts";
import { planMerge } from "../src/merge.ts";
import { diffAsDict, formatDiff, toRanges } from "../src/diff.ts";
import { formatLog } from "../src/log.ts";

async function snapshot(store: MemoryStore): Promise<string> {
  const out: string[] = [];
  for await (const k of store.list("")) out.push(`${k}=${new TextDecoder().decode((await store.get(k))!)}`);
  return out.sort().join("\n");
}

const stateOf = (vc: VersionControl) => JSON.stringify([vc.branch, vc.commitId, vc.pendingCommitId, vc.manifest, vc.isHeadNode, vc.hasHeadChanges]);

/** A store with main (two commits, uncommitted work flushed) and a side branch with a commit. */
async function fixture(): Promise<{ vc: VersionControl; store: MemoryStore; first: string }> {
  const store = new MemoryStore();
  const vc = await VersionControl.open(store, { initialManifest: "m0", author: "ada" });
  await vc.flush("m1", { tensors: { x: { created: true, added: [0, 2] } } });
  const first = await vc.commit("one");
  await vc.checkout("side", { create: true });
  await vc.flush("m2", { tensors: { x: { added: [2, 3] } } });
  await vc.commit("side work");
  await vc.checkout("main");
  await vc.flush("m3", { tensors: { x: { updatedIndices: Float64Array.of(0), updatedIds: BigUint64Array.of(7n) } } });
  return { vc, store, first };
}

async function refused(bad: (vc: VersionControl, first: string, store: MemoryStore) => unknown, code: string, ...mentions: string[]): Promise<void> {
  const { vc, store, first } = await fixture();
  const state = stateOf(vc);
  const stored = await snapshot(store);
  let error: unknown;
  try {
    await bad(vc, first, store);
  } catch (e) {
    error = e;
  }
  const e = error as { code?: string; message?: string } | undefined;
  assert.ok(e, `expected ${code}, but the call succeeded`);
  assert.is(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
  assert.ok(e.message?.startsWith("[shoal] "), e.message);
  for (const m of mentions) assert.ok(e.message?.includes(m), `the message names ${JSON.stringify(m)}: ${e.message}`);
  assert.is(stateOf(vc), state, "the version state is unchanged");
  assert.is(await snapshot(store), stored, "no record was written or deleted");
}

test("open: not a store, bad prefix, bad author, unknown or invalid branch, nothing to open", async () => {
  await refused(() => VersionControl.open(null as never, { initialManifest: "m" }), "InvalidArgumentError", "Store");
  await refused(() => VersionControl.open({} as never, { initialManifest: "m" }), "InvalidArgumentError", "Store");
  await refused((_, __, store) => VersionControl.open(store, { prefix: "v" }), "InvalidArgumentError", "prefix", "\"v\"");
  await refused((_, __, store) => VersionControl.open(store, { prefix: 5 as never }), "InvalidArgumentError", "prefix");
  await refused((_, __, store) => VersionControl.open(store, { prefix: "../v/" }), "InvalidArgumentError", "../v/");
  // A non-string author would be written into commit records that every later read rejects as corrupt.
  await refused((_, __, store) => VersionControl.open(store, { author: 5 as never }), "InvalidArgumentError", "author");
  await refused((_, __, store) => VersionControl.open(store, { branch: "ghost" }), "CheckoutError", "ghost");
  await refused((_, __, store) => VersionControl.open(store, { branch: "a/b" }), "InvalidBranchNameError", "a/b");
  await refused(() => VersionControl.open(new MemoryStore()), "VersionControlError", "initialManifest");
  await refused(() => VersionControl.open(new MemoryStore(), { initialManifest: "" }), "InvalidArgumentError", "manifest id");
  await refused(() => VersionControl.open(new MemoryStore(), { initialManifest: "m", readOnly: true }), "ReadOnlyModeError", "read-only");
});

test("flush and commit: manifest ids, messages, change sets and merge parents are checked before anything is written", async () => {
  await refused((vc) => vc.flush(""), "InvalidArgumentError", "flush", "manifest id");
  await refused((vc) => vc.flush(5 as never), "InvalidArgumentError", "manifest id");
  await refused((vc) => vc.flush("m9", 5 as never), "InvalidArgumentError", "flush", "change set");
  await refused((vc) => vc.flush("m9", { tensors: 5 } as never), "InvalidArgumentError", "tensors");
  await refused((vc) => vc.flush("m9", { tensors: { x: 1 } } as never), "InvalidArgumentError", "tensor \"x\"");
  await refused((vc) => vc.flush("m9", { tensors: { x: { added: [3, 1] } } }), "InvalidArgumentError", "tensor \"x\"", "added", "[3,1]");
  await refused((vc) => vc.flush("m9", { tensors: { x: { added: [-1, 2] } } }), "InvalidArgumentError", "added");
  await refused((vc) => vc.flush("m9", { tensors: { x: { created: "yes" } } } as never), "InvalidArgumentError", "created");
  await refused((vc) => vc.flush("m9", { tensors: { x: { updatedIndices: [1] } } } as never), "InvalidArgumentError", "updatedIndices", "Float64Array");
  await refused((vc) => vc.flush("m9", { tensors: { x: { deletedIds: [1] } } } as never), "InvalidArgumentError", "deletedIds", "BigUint64Array");
  await refused(
    (vc) => vc.flush("m9", { tensors: { x: { updatedIndices: Float64Array.of(1, 2), updatedIds: BigUint64Array.of(5n) } } }),
    "InvalidArgumentError", "tensor \"x\"", "updatedIndices (2)", "updatedIds (1)",
  );
  await refused((vc) => vc.flush("m9", { dataset: { renamed: { a: 5 } } } as never), "InvalidArgumentError", "renamed");
  // A string would have been spread into one deleted tensor per character.
  await refused((vc) => vc.flush("m9", { dataset: { deleted: "xy" } } as never), "InvalidArgumentError", "deleted");
  await refused((vc) => vc.flush("m9", { dataset: { infoUpdated: 1 } } as never), "InvalidArgumentError", "infoUpdated");
  await refused((vc) => vc.commit(42 as never), "InvalidArgumentError", "message");
  await refused((vc) => vc.commit("x", { manifest: "" }), "InvalidArgumentError", "commit", "manifest id");
  await refused((vc) => vc.commit("x", { changes: { tensors: { x: { added: [1] } } } as never }), "InvalidArgumentError", "commit", "added");
  await refused((vc) => vc.commit("x", { mergeParent: "nope" }), "MergeError", "nope");
  const { vc } = await fixture();
  await vc.commit("flushed work");
  const clean = stateOf(vc);
  const err = await vc.commit("again").catch((e: unknown) => e) as { code?: string };
  assert.is(err.code, "EmptyCommitError");
  assert.is(stateOf(vc), clean);
});

test("checkout: unknown addresses, invalid and existing branch names", async () => {
  for (const bad of ["", 5, null, undefined]) await refused((vc) => vc.checkout(bad as never), "CheckoutError", "checkout");
  await refused((vc) => vc.checkout("nope"), "CheckoutError", "nope");
  await refused((vc) => vc.checkout("0".repeat(40)), "CheckoutError", "0000");
  await refused((vc) => vc.checkout("a/b"), "CheckoutError", "a/b");
  await refused((vc) => vc.checkout("../x", { reset: true }), "CheckoutError", "../x");
  await refused((vc) => vc.checkout("main", { create: true }), "BranchExistsError", "main");
  await refused((vc) => vc.checkout("side", { create: true }), "BranchExistsError", "side");
  for (const bad of ["a/b", "", ".x", "x..y", "HEAD", "a b", "x.", "f".repeat(40), 5]) {
    await refused((vc) => vc.checkout(bad as never, { create: true }), "InvalidBranchNameError", "invalid branch name");
  }
  await refused((vc, first) => vc.checkout(first, { create: true }), "InvalidBranchNameError", "commit id");
});

test("deleteBranch, getCommitDetails, commits/log, diff, prepareMerge, reset", async () => {
  await refused((vc) => vc.deleteBranch("main"), "CommitError", "main");
  await refused((vc) => vc.deleteBranch("ghost"), "CommitError", "ghost", "does not exist");
  await refused((vc) => vc.deleteBranch(5 as never), "InvalidBranchNameError", "5");
  await refused((vc) => vc.deleteBranch(""), "InvalidBranchNameError", "1 to 100");
  await refused((vc) => vc.getCommitDetails("f".repeat(40)), "CheckoutError", "ffff");
  await refused((vc) => vc.getCommitDetails(null as never), "CheckoutError", "null");
  await refused((vc) => vc.getCommitDetails("../x"), "CheckoutError", "../x");
  await refused((vc) => vc.commits({ limit: -1 }), "InvalidArgumentError", "limit", "-1");
  await refused((vc) => vc.commits({ limit: 1.5 }), "InvalidArgumentError", "limit");
  await refused((vc) => vc.log({ limit: "all" as never }), "InvalidArgumentError", "limit");
  await refused((vc) => vc.diff(undefined, "main"), "InvalidArgumentError", "id2");
  await refused((vc) => vc.diff("nope"), "CheckoutError", "diff", "nope");
  await refused((vc, first) => vc.diff(first, "nope"), "CheckoutError", "diff", "nope");
  await refused((vc) => vc.diff(5 as never), "CheckoutError", "diff");
  await refused((vc) => vc.prepareMerge("main"), "MergeError", "main", "itself");
  await refused((vc) => vc.prepareMerge("nope"), "CheckoutError", "merge", "nope");
  await refused((vc) => vc.prepareMerge(""), "CheckoutError", "merge");
  // The checked-out branch cannot be deleted.
  const { vc, first } = await fixture();
  await vc.checkout("side");
  const onSide = stateOf(vc);
  const d = await vc.deleteBranch("side").catch((x: unknown) => x) as { code?: string; message: string };
  assert.is(d.code, "CommitError");
  assert.match(d.message, /"side" is checked out/);
  assert.is(stateOf(vc), onSide);
  assert.equal(await vc.branches(), ["main", "side"]);
  // At a past commit: merging is refused and nothing moves.
  await vc.checkout(first);
  const past = stateOf(vc);
  const e = await vc.prepareMerge("side").catch((x: unknown) => x) as { code?: string; message: string };
  assert.is(e.code, "MergeError");
  assert.match(e.message, /past commit/);
  assert.is(stateOf(vc), past);
  assert.is(await vc.reset(), undefined, "reset at a past commit drops nothing");
  assert.is(stateOf(vc), past);
});

test("read-only: every write is refused and nothing is written", async () => {
  const { store, first } = await fixture();
  const stored = await snapshot(store);
  const ro = await VersionControl.open(store, { readOnly: true });
  const writes: [string, () => Promise<unknown>][] = [
    ["flush", () => ro.flush("m9")], ["commit", () => ro.commit("x", { allowEmpty: true })], ["checkout create", () => ro.checkout("nb", { create: true })],
    ["deleteBranch", () => ro.deleteBranch("side")], ["reset", () => ro.reset()], ["prepareMerge", () => ro.prepareMerge("side")], ["fixVc", () => ro.fixVc()],
  ];
  for (const [what, fn] of writes) {
    const e = await fn().then(() => undefined, (x: unknown) => x) as { code?: string; message: string } | undefined;
    assert.is(e?.code, "ReadOnlyModeError", `${what}: ${e?.message}`);
    assert.match(e!.message, /read-only/);
  }
  assert.is(await ro.checkout(first), first, "reading an old commit is allowed");
  assert.is(await snapshot(store), stored);
});

test("pure helpers: planMerge, diffAsDict, formatDiff, formatLog, toRanges, assertBranchName", () => {
  const throws = (fn: () => unknown, code: string, ...mentions: string[]) => {
    let e: { code?: string; message: string } | undefined;
    try {
      fn();
    } catch (x) {
      e = x as { code?: string; message: string };
    }
    assert.is(e?.code, code, e?.message ?? "no error");
    for (const m of mentions) assert.ok(e!.message.includes(m), e!.message);
  };
  const side = { ids: { x: BigUint64Array.of(1n, 2n) }, changes: [] };
  throws(() => planMerge(null as never), "InvalidArgumentError", "ours");
  throws(() => planMerge({ ours: side } as never), "InvalidArgumentError", "theirs");
  throws(() => planMerge({ ours: { ids: { x: [1, 2] }, changes: [] }, theirs: side } as never), "InvalidArgumentError", "ours.ids[\"x\"]", "BigUint64Array");
  throws(() => planMerge({ ours: side, theirs: { ids: {}, changes: [null] } } as never), "InvalidArgumentError", "theirs.changes[0]");
  throws(() => planMerge({ ours: side, theirs: side }, { conflictResolution: "mine" as never }), "InvalidArgumentError", "conflictResolution", "mine");
  throws(() => diffAsDict(null as never), "InvalidArgumentError", "diffAsDict");
  throws(() => diffAsDict({ mode: "pair" } as never), "InvalidArgumentError", "DiffResult");
  throws(() => formatDiff({ mode: "single" } as never), "InvalidArgumentError", "formatDiff");
  throws(() => formatLog(null as never), "InvalidArgumentError", "formatLog");
  throws(() => formatLog([{ commit: "c", time: 0 }] as never), "InvalidArgumentError", "entry 0");
  throws(() => toRanges(null as never), "InvalidArgumentError", "toRanges");
  throws(() => toRanges([1, Number.NaN]), "InvalidArgumentError", "NaN");
  throws(() => toRanges([0, 1.5]), "InvalidArgumentError", "1.5");
  throws(() => assertBranchName(5), "InvalidBranchNameError", "strings");
  throws(() => assertBranchName("x".repeat(101)), "InvalidBranchNameError", "1 to 100");
  assert.equal(toRanges([-1, -1]), [[-1, 0]], "deleted samples are recorded at -1; that is still accepted");
});

test.run();
