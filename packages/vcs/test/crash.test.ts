// A writer that dies at any point of a commit leaves the previous commit readable; fixVc() removes the leftovers.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { MemoryStore } from "@shoal/storage";
import { FileStore } from "@shoal/storage/fs";
import { VersionControl } from "../src/version-control.ts";
import { Wrapped, tempDir } from "./helpers.ts";

const changes = { tensors: { t: { added: [1, 2] as [number, number], updatedIds: new BigUint64Array([7n]), updatedIndices: new Float64Array([0]) } } };

// commit({manifest, changes}) writes: change set, commit record, ref (the publish), hint.
for (let n = 0; n <= 3; n++) {
  test(`crash after ${n} writes of a commit`, async () => {
    const inner = new MemoryStore();
    const base = await VersionControl.open(inner, { initialManifest: "m0" });
    const first = await base.commit("first", { manifest: "m1" });
    const store = new Wrapped(inner);
    const vc = await VersionControl.open(store);
    store.failAfterWrites = store.writes + n;
    let threw = false;
    try {
      await vc.commit("second", { manifest: "m2", changes });
    } catch {
      threw = true;
    }
    const published = n >= 3; // the hint write failing does not undo the publish
    assert.is(threw, !published);
    const reopened = await VersionControl.open(inner);
    assert.is(reopened.manifest, published ? "m2" : "m1");
    assert.is((await reopened.commits()).at(-1)!.commit, first);
    const report = await reopened.fixVc();
    assert.equal(report.orphanCommits, []);
    const keys: string[] = [];
    for await (const k of inner.list("versions/commits/")) keys.push(k);
    assert.is(keys.length, published ? 2 : 1, "no commit record left unreferenced");
    const again = await VersionControl.open(inner);
    await again.commit("after", { manifest: "m3", changes });
    assert.is((await again.diff()).mode, "single");
  });
}

test("fixVc removes a commit record and change set whose publish never happened", async () => {
  const store = new MemoryStore();
  const vc = await VersionControl.open(store, { initialManifest: "m0" });
  await vc.commit("first", { manifest: "m1" });
  // An interrupted commit by another writer: records written, ref not.
  const crashed = new Wrapped(store);
  const other = await VersionControl.open(crashed);
  crashed.failAfterWrites = crashed.writes + 2;
  await other.commit("lost", { manifest: "m2", changes }).catch(() => undefined);
  const report = await vc.fixVc();
  // commit() cleans up after itself when it can; the wrapper let the deletes through, so fake a hard crash too:
  assert.equal(report.orphanCommits, []);
  await store.set("versions/commits/" + "a".repeat(40) + ".json", new TextEncoder().encode(JSON.stringify({
    format: 1, id: "a".repeat(40), parents: [], branch: "main", manifest: "mx", changes: "b".repeat(32), author: "x", time: 1, message: null, depth: 0, merge: null,
  })));
  await store.set("versions/changes/" + "b".repeat(32) + ".json", new TextEncoder().encode('{"format":1,"tensors":{},"dataset":{}}'));
  const r2 = await vc.fixVc();
  assert.equal(r2.orphanCommits, ["a".repeat(40)]);
  assert.equal(r2.orphanChanges, ["b".repeat(32)]);
  assert.ok(r2.liveManifests.includes("m1"));
  assert.not.ok(r2.liveManifests.includes("mx"));
});

test("fixVc rebuilds a lost hint and drops refs of a branch whose marker is gone", async () => {
  const store = new MemoryStore();
  const vc = await VersionControl.open(store, { initialManifest: "m0" });
  await vc.commit("one", { manifest: "m1" });
  await vc.checkout("x", { create: true });
  await vc.checkout("main");
  await store.delete("versions/refs/main/HEAD.json");
  await store.delete("versions/branches/x.json");
  const report = await vc.fixVc();
  assert.equal(report.branches, ["main"]);
  assert.is(report.staleRefs.length, 1);
  assert.ok(await store.get("versions/refs/main/HEAD.json"));
  assert.is((await VersionControl.open(store)).manifest, "m1");
});

test("a real process killed mid-commit on FileStore leaves the dataset readable", async () => {
  const dir = await tempDir("kill");
  try {
    const child = spawn("node", ["--import", "tsx", new URL("./fixtures/commit-loop.ts", import.meta.url).pathname, dir.path], { stdio: "ignore" });
    const commitsDir = join(dir.path, "versions", "commits");
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const n = await readdir(commitsDir).then((f) => f.length, () => 0);
      if (n >= 25) break;
    }
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const store = new FileStore(dir.path);
    const vc = await VersionControl.open(store);
    const history = await vc.commits();
    assert.ok(history.length >= 25, `${history.length} commits`);
    for (const c of history) assert.is((await vc.getCommitDetails(c.commit)).manifest, c.manifest);
    await vc.fixVc();
    const files = (await readdir(commitsDir)).filter((f) => !f.includes(".shoal-tmp"));
    assert.is(files.length, history.length, "no unreferenced commit record left");
    await vc.commit("after the crash", { manifest: "after", allowEmpty: true });
  } finally {
    await dir.remove();
  }
});

test.run();
