import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { MemoryStore } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FileDataset } from "../src/node.ts";
import { keys } from "../src/layout.ts";
import type { DatasetState } from "../src/types.ts";
import { sandbox } from "./helpers.ts";
import { expectCode as rejects } from "@shoal/testing";


test("a tampered state with ../ or absolute entry paths never writes outside the target (zip-slip)", async () => {
  const sb = sandbox();
  try {
    sb.write("in/a.txt", "payload");
    const storage = new MemoryStore();
    const ds = await FileDataset.create({ storage, local: sb.local, project: "p", name: "slip" });
    await ds.addFiles(join(sb.dir, "in"));
    await ds.finalize({ autoUpload: true });
    // Without its seal: the forged records below are unsealed ones, as a writer predating seals would leave.
    const { xxh32: _seal, ...raw } = JSON.parse(new TextDecoder().decode(await storage.get(keys.state(ds.id)))) as DatasetState & { xxh32: string };
    for (const evil of ["../../escaped.txt", "/tmp/abs-escape.txt", "C:/win.txt", "a/../../x.txt"]) {
      const state = { ...raw, files: [{ ...(raw.files[0] as DatasetState["files"][number]), path: evil }] };
      const victim = await FileDataset.create({ storage, local: sb.local, project: "p", name: `slip-${evil.length}` });
      await victim.finalize();
      // Forge the finalized state directly in the store, as an attacker with write access could.
      await storage.set(keys.state(victim.id), new TextEncoder().encode(JSON.stringify({ ...state, id: victim.id })));
      const loaded = await FileDataset.get({ storage, local: sb.local, id: victim.id });
      await rejects(loaded.getLocalCopy(), "InvalidPathError");
      await rejects(loaded.getMutableLocalCopy(join(sb.dir, "target")), "InvalidPathError");
    }
    assert.not.ok(existsSync(join(sb.dir, "escaped.txt")));
    assert.not.ok(existsSync(join(sb.dir, ".cache", "escaped.txt")));
    assert.not.ok(existsSync("/tmp/abs-escape.txt"));
    assert.equal(readdirSync(join(sb.dir, ".cache", "views")).filter((n) => n.startsWith(".tmp")), [], "temp views cleaned up");
  } finally {
    sb.cleanup();
  }
});

test("the browser-safe core refuses local operations with a typed error", async () => {
  const { FileDataset: Core } = await import("../src/index.ts");
  const storage = new MemoryStore();
  const ds = await Core.create({ storage, project: "p", name: "core" });
  await rejects(ds.addFiles("."), "UnsupportedError");
  await rejects(ds.syncFolder("."), "UnsupportedError");
  await ds.finalize();
  await rejects(ds.getLocalCopy(), "UnsupportedError");
});

test("bad arguments get typed errors and leave the store unchanged", async () => {
  const storage = new MemoryStore();
  await rejects(FileDataset.create(undefined as never), "InvalidArgumentError");
  await rejects(FileDataset.create({ storage, name: "", project: "p" }), "InvalidArgumentError");
  await rejects(FileDataset.create({ storage, name: "n", project: "p", tags: [1 as never] }), "InvalidArgumentError");
  await rejects(FileDataset.create({ storage, name: "n", project: "p", parents: ["missing"] }), "DatasetNotFoundError");
  const before: string[] = [];
  for await (const k of storage.list("")) before.push(k);
  assert.equal(before, [], "failed creates wrote nothing");
  const ds = await FileDataset.create({ storage, project: "p", name: "n" });
  await rejects(ds.addFiles(""), "InvalidArgumentError");
  await rejects(ds.addExternalFiles(["a", "b"], { datasetPath: ["x"] }), "InvalidArgumentError");
  await rejects(ds.readFile("../x"), "InvalidPathError");
  await rejects(ds.readFile("absent"), "InvalidArgumentError");
  await rejects(ds.diff("nope"), "DatasetNotFoundError");
  await rejects(ds.getMutableLocalCopy(""), "DatasetNotFinalError");
  await rejects(ds.upload({ compression: "zstd" as never }), "InvalidArgumentError");
  await rejects(FileDataset.importOfflineSession({ storage, session: new MemoryStore() }), "InvalidArgumentError");
  await rejects(FileDataset.rename({ storage, project: "p", name: "n", newName: "" }), "InvalidArgumentError");
  await ds.finalize();
  await rejects(ds.finalize(), "DatasetFinalizedError");
  await rejects(ds.upload(), "DatasetFinalizedError");
  await rejects(ds.addExternalFiles("file:///x"), "DatasetFinalizedError");
  await rejects(ds.syncFolder("."), "DatasetFinalizedError");
  const delta: string[] = [];
  for await (const k of storage.list("")) if (!before.includes(k)) delta.push(k);
  assert.ok(delta.every((k) => k.startsWith(`ids/${ds.id}/`) || k.startsWith("names/") || k === "shoal-files.json"), delta.join(","));
});

test.run();
