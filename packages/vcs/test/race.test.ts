// Two writers committing to one branch at once: exactly one wins each race, the loser retries, nothing is lost.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { MemoryStore, type Store } from "@shoal/storage";
import { FileStore } from "@shoal/storage/fs";
import { VersionControl } from "../src/version-control.ts";
import { tempDir } from "./helpers.ts";

async function races(store: Store, n: number): Promise<void> {
  const a = await VersionControl.open(store, { initialManifest: "m0", author: "a" });
  const b = await VersionControl.open(store, { author: "b" });
  const committed: string[] = [];
  for (let i = 0; i < n; i++) {
    await Promise.all([a.refresh(), b.refresh()]);
    const results = await Promise.allSettled([a.commit(`a${i}`, { manifest: `a${i}` }), b.commit(`b${i}`, { manifest: `b${i}` })]);
    const won = results.filter((r) => r.status === "fulfilled");
    assert.is(won.length, 1, `race ${i}: exactly one winner`);
    committed.push((won[0] as PromiseFulfilledResult<string>).value);
    const lost = results.findIndex((r) => r.status === "rejected");
    const reason = (results[lost] as PromiseRejectedResult).reason;
    assert.ok(isShoalError(reason, "ConcurrentWriteError"), String(reason));
    const loser = lost === 0 ? a : b;
    await loser.refresh();
    committed.push(await loser.commit(`${lost === 0 ? "a" : "b"}${i} retry`, { manifest: `${lost === 0 ? "a" : "b"}${i}` }));
  }
  const reader = await VersionControl.open(store);
  const history = (await reader.commits()).map((c) => c.commit).reverse();
  assert.equal(history, committed, "every commit is in the branch history, in order: 0 lost");
  const report = await reader.fixVc();
  assert.equal(report.orphanCommits, [], "losers left nothing behind");
}

test("100 races on MemoryStore", async () => {
  await races(new MemoryStore(), 100);
});

test("100 races on FileStore", async () => {
  const dir = await tempDir("race");
  try {
    await races(new FileStore(dir.path), 100);
  } finally {
    await dir.remove();
  }
});

test("concurrent flushes: one wins, the other's working state is not visible", async () => {
  const store = new MemoryStore();
  const a = await VersionControl.open(store, { initialManifest: "m0" });
  const b = await VersionControl.open(store);
  const r = await Promise.allSettled([a.flush("wa"), b.flush("wb")]);
  assert.is(r.filter((x) => x.status === "fulfilled").length, 1);
  const winner = r[0]!.status === "fulfilled" ? "wa" : "wb";
  assert.is((await VersionControl.open(store)).manifest, winner);
});

test.run();
