// Mergers SIGKILLed at seeded random points, most of them inside `merge` (the kill lands at a random time after
// "merging k", scaled to how long merges take): afterwards the dataset opens for writing, main holds exactly the rows
// its commit log accounts for, every commit the merger reported is there, and fixVc() repairs the leftovers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { empty, load } from "shoal/node";
import { repairsOf, runAndKill } from "../src/kill.ts";
import { Rng, scale, seedBase } from "../src/mutate.ts";
import { report } from "../src/results.ts";

const child = new URL("./fixtures/crash-merge-child.mjs", import.meta.url).pathname;
const trials = scale(20);

/** The rows main must hold given its first-parent log: one per "main k", two per "Merge bk". */
function expectedRows(messages: string[]): number[] {
  const values: number[] = [];
  for (const m of messages) {
    const main = /^main (\d+)$/.exec(m);
    const merge = /^Merge b(\d+)$/.exec(m);
    if (main) values.push(-(Number(main[1]) + 1));
    if (merge) values.push(Number(merge[1]) * 10 + 1, Number(merge[1]) * 10 + 2);
  }
  return values.sort((a, b) => a - b);
}

test(`${trials} mergers SIGKILLed mid-merge: main reads exactly its last committed state, no reported commit is lost`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "shoal-reliability-merge-"));
  const rng = new Rng(seedBase() + 2025);
  let insideMerge = 0;
  let merges = 0;
  let commits = 0;
  let lost = 0;
  let repaired = 0;
  let mergeMs = 150;
  try {
    const path = join(dir, "ds");
    const ds = await empty(path);
    await ds.createTensor("x", { dtype: "int32", maxChunkSize: 4096 });
    await ds.createTensor("label", { htype: "text" });
    await ds.close();
    const reported: string[] = [];
    for (let i = 0; i < trials; i++) {
      // Kill inside the 1st, 2nd or 3rd merge of this run, at a random point of a typical merge's duration.
      const target = rng.nextUint32() % 3;
      const delay = Math.floor((rng.nextUint32() % 1000) / 1000 * mergeMs * 1.2);
      let started = 0;
      const t = await runAndKill(child, [path, String(i)], (line) => {
        // How long merges take here and now (the machine may be busy) sets the window the next kills are drawn from.
        if (line[0] === "merged" && started) mergeMs = Math.max(20, Math.min(2000, 0.7 * mergeMs + 0.3 * (Date.now() - started)));
        if (line[0] !== "merging") return undefined;
        started = Date.now();
        return Number(line[1]) % 100 === target ? delay : undefined;
      });
      assert.not.ok(t.exited, `merger ${i} exited by itself: ${t.stderr}`);
      const last = t.lines[t.lines.length - 1]!;
      if (last[0] === "merging") insideMerge++;
      for (const line of t.lines) {
        if (line[0] === "merged") merges++;
        if (line[0] === "branch" || line[0] === "main" || line[0] === "merged") reported.push(line[2]!);
      }
      commits = reported.length;
      const after = await load(path, { branch: "main" }); // for writing: the dead merger's lock must not block it
      const log = await after.commits();
      const ids = new Set(log.map((c) => c.commit));
      // Branch commits are reachable from main only once merged: check every reported one resolves at all.
      const missing: string[] = [];
      for (const id of reported) if (!ids.has(id)) await after.getCommitDetails(id).catch(() => missing.push(id));
      lost += missing.length;
      assert.equal(missing, [], `trial ${i}: reported commits lost`);
      for (const line of t.lines) if (line[0] === "main" || line[0] === "merged") assert.ok(ids.has(line[2]!), `trial ${i}: ${line.join(" ")} is not in main's log`);
      const check = async (what: string) => {
        const values = [...((await after.tensor("x").numpy()) as { data: Int32Array }).data].filter((_, k) => k % 4 === 0).sort((a, b) => a - b);
        assert.equal(values, expectedRows(log.map((c) => c.message ?? "")), `trial ${i} ${what}: main's rows are what its log accounts for`);
        assert.is(after.tensor("label").length, values.length, "every tensor ends at the same row");
      };
      assert.not.ok(after.hasHeadChanges, `trial ${i}: main has uncommitted changes after the kill`);
      await check("after the kill");
      const fix = await after.fixVc();
      repaired += repairsOf(fix);
      await check("after fixVc");
      await after.close();
    }
    const figures = { trials, insideMerge, merges, commits, lostCommits: lost, fixVcRepairs: repaired, typicalMergeMs: Math.round(mergeMs) };
    console.log(JSON.stringify(figures));
    await report("crash merge", figures);
    assert.ok(insideMerge >= trials / 3, `only ${insideMerge} of ${trials} kills landed inside a merge`);
    assert.ok(merges >= 1, "no merge completed before a kill");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
