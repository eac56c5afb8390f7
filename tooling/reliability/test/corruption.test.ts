// Every stored object of a shoal dataset and of a Deep Lake 3.x dataset is deleted, truncated and bit-flipped in
// turn; every read must then return exactly the original data or raise a typed error.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type CorruptionRun, corruptionTrials, snapshot } from "../src/corrupt.ts";
import { buildDeepLakeDataset, readDeepLake } from "../src/deeplake-fixture.ts";
import { Rng, scale, seedBase } from "../src/mutate.ts";
import { formatTally } from "../src/outcome.ts";
import { report } from "../src/results.ts";
import { buildShoalDataset, readEverything } from "../src/shoal-fixture.ts";

const flips = scale(3);

/** Object kinds: uids, commit ids and seqs folded, tensor folders merged. */
const shoalKind = (k: string): string | null =>
  k.startsWith("locks/") ? null : k.replace(/[0-9a-f]{32}|[0-9a-f]{40}|first[0-9a-f]{35}|\d{10}/g, "*").replace(/^tensors\/[^/]+\//, "tensors/*/").replace(/^versions\/(refs|branches)\/[^/]+/, "versions/$1/*");

// Deleting a branch marker is how a branch is deleted (FORMAT.md §7.6): the dataset without it is a valid one, in
// which that branch no longer exists. Every other damage to every object must read right or fail typed: binary
// objects carry xxh32 checksums, JSON records end with their xxh32 seal.
const isBranchDeletion = (failure: string) => /^silent: delete of versions\/branches\/[^/]+\.json$/.test(failure);

function explain(run: CorruptionRun): string {
  return [...run.byKind].map(([k, t]) => `${formatTally(k, t)}\n${t.failures.map((f) => `    ${f}`).join("\n")}`).join("\n");
}

test("shoal dataset: each kind of stored object, deleted, truncated, bit-flipped: right data or a typed error", async () => {
  const snap = await snapshot(await buildShoalDataset());
  const run = await corruptionTrials(snap, { kindOf: shoalKind, readAll: readEverything, rng: new Rng(seedBase()), flips });
  await report("corruption shoal", { ...run.total, failures: run.total.failures.slice(0, 10), kinds: Object.fromEntries([...run.byKind].map(([k, t]) => [k, { tried: t.tried, typed: t.typed, same: t.same, silent: t.silent, crash: t.crash, unnamed: t.unnamed }])) });
  assert.ok([...run.byKind.keys()].some((k) => k.includes("chunks")) && run.byKind.size >= 10, `kinds: ${[...run.byKind.keys()]}`);
  assert.is(run.total.crash, 0, explain(run));
  for (const [kind, t] of run.byKind) {
    const wrong = t.failures.filter((f) => f.startsWith("silent") && !isBranchDeletion(f));
    assert.equal(wrong, [], `${kind}: ${t.failures.join("\n")}`);
    assert.is(t.silent, t.failures.filter(isBranchDeletion).length, `${kind}: every silent read is listed`);
  }
  assert.is(run.total.unnamed, 0, `typed errors that do not name the damaged object:\n${explain(run)}`);
});

test("Deep Lake 3.x dataset: each stored file, deleted, truncated, bit-flipped: typed errors, never a crash", async () => {
  const snap = await snapshot(await buildDeepLakeDataset());
  const run = await corruptionTrials(snap, { kindOf: (k) => k.replace(/chunks\/[0-9a-f]+$/, "chunks/*").replace(/^[a-z_/]+?\/(?=tensor_meta|chunks|tiles_index|tensor_info)/, "*/"), readAll: readDeepLake, rng: new Rng(seedBase() + 1), flips: flips * 2 });
  await report("corruption deeplake", { ...run.total, failures: run.total.failures.slice(0, 10) });
  assert.ok(run.byKind.size >= 5, `kinds: ${[...run.byKind.keys()]}`);
  assert.is(run.total.crash, 0, explain(run));
  // Deep Lake 3.x stores no checksums, so a flipped payload bit reads as a different value; deletions and
  // truncations must all be caught.
  const structural = run.total.failures.filter((f) => f.startsWith("silent") && !/flip bit/.test(f));
  assert.equal(structural, [], explain(run));
});

test.run();
