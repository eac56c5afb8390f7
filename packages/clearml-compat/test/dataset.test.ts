import { readFileSync, rmSync, writeFileSync, chmodSync, renameSync } from "node:fs";
import { join } from "node:path";
import { MemoryStore } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FileDataset } from "../src/node.ts";
import { keys } from "../src/layout.ts";
import { noise, sandbox } from "./helpers.ts";
import { expectCode as rejects } from "@shoal/testing";

test("create, add, upload, finalize, get back the exact files", async () => {
  const sb = sandbox();
  try {
    sb.write("src/a.txt", "alpha");
    sb.write("src/sub/b.bin", noise(300_000));
    sb.write("src/sub/empty", "");
    const storage = new MemoryStore();
    const ds = await FileDataset.create({ storage, local: sb.local, project: "vision", name: "pets", tags: ["raw"] });
    assert.is(ds.version, "1.0.0");
    assert.is(ds.isDirty(), false);
    const added = await ds.addFiles(join(sb.dir, "src"));
    assert.equal(added, { added: 3, modified: 0 });
    assert.ok(ds.isDirty());
    await rejects(ds.finalize(), "PendingUploadsError");
    const progress: number[][] = [];
    const up = await ds.upload({ chunkSizeMB: 0.1, onProgress: (d, t) => progress.push([d, t]) });
    assert.ok(up.packs >= 3, `packs ${up.packs}`);
    assert.equal(progress[progress.length - 1], [300_005, 300_005]);
    assert.is(ds.isDirty(), false);
    await ds.finalize();
    assert.ok(ds.isFinal());
    await rejects(ds.addFiles(join(sb.dir, "src")), "DatasetFinalizedError");
    await rejects(ds.removeFiles("*"), "DatasetFinalizedError");

    const again = await FileDataset.get({ storage, local: sb.local, project: "vision", name: "pets" });
    assert.is(again.id, ds.id);
    assert.equal(again.listFiles(), ["a.txt", "sub/b.bin", "sub/empty"]);
    const copy = await again.getLocalCopy();
    assert.is(readFileSync(join(copy, "a.txt"), "utf8"), "alpha");
    assert.equal(new Uint8Array(readFileSync(join(copy, "sub/b.bin"))), noise(300_000));
    assert.is(readFileSync(join(copy, "sub/empty")).length, 0);
    assert.is(await again.getLocalCopy(), copy, "cached view is reused");
    assert.equal(await again.verifyDatasetHash(), []);
    assert.equal(new TextDecoder().decode(await again.readFile("a.txt")), "alpha");
    assert.is(again.getNumChunks({ includeParents: false }), up.packs);
  } finally {
    sb.cleanup();
  }
});

test("children: parents merged in order, renames and re-adds store no bytes, removals do not come back", async () => {
  const sb = sandbox();
  try {
    const storage = new MemoryStore();
    const mk = async (name: string, files: Record<string, string>, parents: string[] = []) => {
      const folder = join(sb.dir, name);
      for (const [p, c] of Object.entries(files)) sb.write(`${name}/${p}`, c);
      const ds = await FileDataset.create({ storage, local: sb.local, project: "p", name: "d", parents });
      await ds.addFiles(folder);
      await ds.finalize({ autoUpload: true });
      return ds;
    };
    const p1 = await mk("p1", { "x.txt": "one", "shared.txt": "from p1" });
    const p2 = await mk("p2", { "y.txt": "two", "shared.txt": "from p2" });
    assert.is(p2.version, "1.0.1");
    const child = await FileDataset.create({ storage, local: sb.local, project: "p", name: "d", parents: [p1.id, p2] });
    assert.equal(child.listFiles(), ["shared.txt", "x.txt", "y.txt"]);
    const packsBefore = [...(await collect(storage.list("packs/")))].length;
    // Rename x.txt → moved/x2.txt with identical content, remove y.txt, modify nothing else.
    sb.write("c/moved/x2.txt", "one");
    await child.addFiles(join(sb.dir, "c"));
    assert.is(await child.removeFiles("x.txt"), 1);
    assert.is(await child.removeFiles("y.txt"), 1);
    await child.finalize({ autoUpload: true });
    assert.is([...(await collect(storage.list("packs/")))].length, packsBefore, "rename uploaded nothing");
    const d = await child.diff();
    assert.equal(d.removed, ["x.txt", "y.txt"]);
    assert.equal(d.added, ["moved/x2.txt"]);
    assert.equal(d.renamed, [["x.txt", "moved/x2.txt"]]);
    assert.equal(await child.listModifiedFiles(), [], "p2 wins over p1 at shared.txt, same as the baseline");
    assert.equal(await child.listModifiedFiles(p1.id), ["shared.txt"]);
    const copy = await child.getLocalCopy();
    assert.is(readFileSync(join(copy, "shared.txt"), "utf8"), "from p2");
    assert.is(readFileSync(join(copy, "moved/x2.txt"), "utf8"), "one");
    assert.equal(child.listFiles(), ["moved/x2.txt", "shared.txt"]);
    assert.equal(child.listFiles(undefined, { datasetId: child.id }), ["moved/x2.txt"]);
    const graph = child.getDependencyGraph();
    assert.equal(graph[child.id], [p1.id, p2.id]);
    assert.ok(!(p1.id in graph), "p1 content is no longer used");

    // Grandchild of a chain: a removal two levels up never reappears.
    const g = await FileDataset.create({ storage, local: sb.local, parents: [child.id] });
    assert.is(g.name, "d");
    sb.write("g/new.txt", "n");
    await g.addFiles(join(sb.dir, "g"), { datasetPath: "extra" });
    await g.finalize({ autoUpload: true });
    assert.equal(g.listFiles(), ["extra/new.txt", "moved/x2.txt", "shared.txt"]);
    const mutable = await g.getMutableLocalCopy(join(sb.dir, "out"));
    writeFileSync(join(mutable, "shared.txt"), "edited");
    assert.equal(await g.verifyDatasetHash({ localCopyPath: mutable }), ["shared.txt"]);
    assert.equal(await g.verifyDatasetHash({ localCopyPath: mutable, skipHash: true }), ["shared.txt"]);
    await rejects(g.getMutableLocalCopy(mutable), "InvalidArgumentError");
    await g.getMutableLocalCopy(mutable, { overwrite: true });
    assert.is(readFileSync(join(mutable, "shared.txt"), "utf8"), "from p2");
  } finally {
    sb.cleanup();
  }
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test("addFiles options: wildcard, non-recursive, localBaseFolder, single file; sync reports counts", async () => {
  const sb = sandbox();
  try {
    sb.write("d/a.jpg", "1");
    sb.write("d/b.txt", "2");
    sb.write("d/sub/c.jpg", "3");
    const storage = new MemoryStore();
    const ds = await FileDataset.create({ storage, local: sb.local, project: "p", name: "opts" });
    assert.equal(await ds.addFiles(join(sb.dir, "d"), { wildcard: "*.jpg", recursive: false }), { added: 1, modified: 0 });
    assert.equal(await ds.addFiles(join(sb.dir, "d"), { wildcard: "*.jpg" }), { added: 1, modified: 0 });
    assert.equal(await ds.addFiles(join(sb.dir, "d/b.txt"), { localBaseFolder: sb.dir, datasetPath: "root" }), { added: 1, modified: 0 });
    assert.equal(ds.listFiles(), ["a.jpg", "root/d/b.txt", "sub/c.jpg"]);
    await rejects(ds.addFiles(join(sb.dir, "d/b.txt"), { localBaseFolder: join(sb.dir, "d/sub") }), "InvalidPathError");
    await rejects(ds.addFiles(join(sb.dir, "d"), { datasetPath: "../escape" }), "InvalidPathError");
    await rejects(ds.addFiles(join(sb.dir, "missing")), "InvalidArgumentError");
    assert.equal(ds.listFiles(), ["a.jpg", "root/d/b.txt", "sub/c.jpg"], "failed adds changed nothing");

    sb.write("d/a.jpg", "changed");
    rmSync(join(sb.dir, "d/sub/c.jpg"));
    sb.write("d/new.txt", "4");
    assert.equal(await ds.syncFolder(join(sb.dir, "d"), { datasetPath: "" }), { removed: 2, added: 2, modified: 1 });
    assert.equal(ds.listFiles(), ["a.jpg", "b.txt", "new.txt"]);
    await rejects(ds.removeFiles(""), "InvalidArgumentError");
    assert.is(await ds.removeFiles("nomatch/"), 0);
  } finally {
    sb.cleanup();
  }
});

test("external links: local folder links are sized, not copied, and materialized on getLocalCopy", async () => {
  const sb = sandbox();
  try {
    sb.write("ext/one.csv", "a,b\n1,2\n");
    sb.write("ext/deep/two.csv", "x");
    const storage = new MemoryStore();
    const ds = await FileDataset.create({ storage, local: sb.local, project: "p", name: "links" });
    assert.is(await ds.addExternalFiles(`file://${join(sb.dir, "ext")}`, { datasetPath: "labels" }), 2);
    assert.equal(ds.linkEntries.map((l) => [l.path, l.size]), [["labels/deep/two.csv", 1], ["labels/one.csv", 8]]);
    assert.ok(ds.tags.includes("external files"));
    await rejects(ds.addExternalFiles([]), "InvalidArgumentError");
    await rejects(ds.addExternalFiles("s3://bucket/x"), "UnsupportedError");
    await ds.finalize({ autoUpload: true });
    assert.is([...(await collect(storage.list("packs/")))].length, 0, "links upload nothing");
    const copy = await ds.getLocalCopy();
    assert.is(readFileSync(join(copy, "labels/one.csv"), "utf8"), "a,b\n1,2\n");
  } finally {
    sb.cleanup();
  }
});

test("a changed file in the cache is found by verifyDatasetHash", async () => {
  const sb = sandbox();
  try {
    sb.write("v/a.txt", "good");
    sb.write("v/b.txt", "fine");
    const storage = new MemoryStore();
    const ds = await FileDataset.create({ storage, local: sb.local, project: "p", name: "v" });
    await ds.addFiles(join(sb.dir, "v"));
    await ds.finalize({ autoUpload: true });
    const copy = await ds.getLocalCopy();
    const target = join(copy, "a.txt");
    chmodSync(target, 0o644);
    writeFileSync(target, "evil");
    assert.equal(await ds.verifyDatasetHash(), ["a.txt"]);
    rmSync(join(copy, "b.txt"));
    assert.equal(await ds.verifyDatasetHash({ skipHash: true }), ["b.txt"]);
  } finally {
    sb.cleanup();
  }
});

test("metadata (JSON and CSV tables), tags, description", async () => {
  const storage = new MemoryStore();
  const ds = await FileDataset.create({ storage, project: "p", name: "m", description: "first" });
  await ds.setMetadata({ classes: ["cat", "dog"] });
  await ds.setMetadata([{ path: "a.jpg", label: "cat" }, { path: "b,c.jpg", label: "dog" }], "labels", { format: "csv" });
  await ds.finalize();
  await ds.addTags(["gold"]);
  await ds.setDescription("second");
  const again = await FileDataset.get({ storage, id: ds.id });
  assert.equal(await again.getMetadata(), { classes: ["cat", "dog"] });
  assert.equal(await again.getMetadata("labels"), [{ path: "a.jpg", label: "cat" }, { path: "b,c.jpg", label: "dog" }]);
  assert.is(await again.getMetadata("absent"), undefined);
  assert.equal(again.tags, ["gold"]);
  assert.is(again.description, "second");
  await rejects(ds.setMetadata(() => 1, "fn"), "InvalidArgumentError");
  await rejects(ds.setMetadata({}, ""), "InvalidArgumentError");
  await rejects(ds.setTags("x" as never), "InvalidArgumentError");
});

test("lookup, listing, versions, rename, move, delete rules", async () => {
  const storage = new MemoryStore();
  const a = await FileDataset.create({ storage, project: "team/vision", name: "cats", tags: ["t"] });
  await a.finalize();
  const b = await FileDataset.create({ storage, parents: [a.id] });
  assert.is(b.version, "1.0.1");
  await rejects(FileDataset.create({ storage, project: "team/vision", name: "cats", version: "1.0.0" }), "VersionExistsError");
  await rejects(FileDataset.create({ storage, parents: [b.id] }), "DatasetNotFinalError");
  await rejects(FileDataset.create({ storage, project: "p" }), "InvalidArgumentError");
  assert.is((await FileDataset.get({ storage, project: "team/vision", name: "cats" })).id, a.id, "by name: the latest final version");
  assert.is((await FileDataset.get({ storage, project: "team/vision", name: "cats", includeDrafts: true })).id, b.id, "drafts on request");
  assert.is((await FileDataset.get({ storage, name: "cats", version: "1.0.1" })).id, b.id, "an exact version may be a draft");
  assert.is((await FileDataset.get({ storage, project: "team/vision", name: "cats", onlyCompleted: true })).id, a.id);
  assert.is((await FileDataset.get({ storage, name: "cats", version: "1.0.0" })).id, a.id);
  await rejects(FileDataset.get({ storage, id: "nope" }), "DatasetNotFoundError");
  await rejects(FileDataset.get({ storage, id: "x", name: "y" }), "InvalidArgumentError");
  await rejects(FileDataset.get({ storage }), "InvalidArgumentError");
  const auto = await FileDataset.get({ storage, project: "p", name: "fresh", autoCreate: true });
  assert.is(auto.version, "1.0.0");
  const copy = await FileDataset.get({ storage, id: a.id, writableCopy: true });
  assert.equal(copy.parents, [a.id]);
  assert.is(copy.version, "1.0.2");

  assert.equal((await FileDataset.listDatasets({ storage, project: "team" })).map((d) => d.version), ["1.0.0"]);
  assert.equal((await FileDataset.listDatasets({ storage, project: "team", onlyCompleted: false })).map((d) => d.version).sort(), ["1.0.0", "1.0.1", "1.0.2"]);
  assert.equal(await FileDataset.listDatasets({ storage, project: "team", recursiveProjectSearch: false }), []);
  assert.is((await FileDataset.listDatasets({ storage, partialName: "^fr", onlyCompleted: false })).length, 1);
  await rejects(FileDataset.listDatasets({ storage, partialName: "(" }), "InvalidArgumentError");

  await rejects(FileDataset.delete({ storage, id: a.id }), "DatasetInUseError");
  assert.ok(await FileDataset.get({ storage, id: a.id }), "refused delete kept the parent");
  await a.publish();
  await rejects(b.publish(), "DatasetNotFinalError");

  assert.is(await FileDataset.rename({ storage, project: "team/vision", name: "cats", newName: "felines" }), 3);
  assert.is((await FileDataset.get({ storage, id: b.id })).name, "felines");
  await rejects(FileDataset.get({ storage, project: "team/vision", name: "cats" }), "DatasetNotFoundError");
  await FileDataset.moveToProject({ storage, project: "team/vision", name: "felines", newProject: "zoo" });
  assert.is((await FileDataset.get({ storage, project: "zoo", name: "felines", version: "1.0.0" })).id, a.id);
  await rejects(FileDataset.rename({ storage, project: "zoo", name: "nothing", newName: "x" }), "DatasetNotFoundError");

  const deleted = await FileDataset.delete({ storage, project: "zoo", name: "felines", entireDataset: true, force: true });
  assert.is(deleted.length, 3);
  await rejects(FileDataset.get({ storage, id: b.id }), "DatasetNotFoundError");
  await rejects(FileDataset.delete({ storage }), "InvalidArgumentError");
});

test("squash flattens versions with their removals and copies no bytes", async () => {
  const sb = sandbox();
  try {
    const storage = new MemoryStore();
    sb.write("s1/keep.txt", "k");
    sb.write("s1/gone.txt", "g");
    const a = await FileDataset.create({ storage, local: sb.local, project: "p", name: "s" });
    await a.addFiles(join(sb.dir, "s1"));
    await a.finalize({ autoUpload: true });
    const b = await FileDataset.create({ storage, local: sb.local, parents: [a.id] });
    await b.removeFiles("gone.txt");
    sb.write("s2/new.txt", "n");
    await b.addFiles(join(sb.dir, "s2"));
    await b.finalize({ autoUpload: true });
    const packs = (await collect(storage.list("packs/"))).length;
    const sq = await FileDataset.squash({ storage, local: sb.local, name: "flat", ids: [a.id, b.id] });
    assert.ok(sq.isFinal());
    assert.equal(sq.parents, []);
    assert.equal(sq.listFiles(), ["keep.txt", "new.txt"]);
    assert.is((await collect(storage.list("packs/"))).length, packs);
    const copy = await sq.getLocalCopy();
    assert.is(readFileSync(join(copy, "new.txt"), "utf8"), "n");
    await rejects(FileDataset.squash({ storage, name: "x", ids: [] }), "InvalidArgumentError");

    // Deleting the sources with deleteFiles keeps every pack the squashed version still uses.
    await FileDataset.delete({ storage, id: b.id, deleteFiles: true });
    await FileDataset.delete({ storage, id: a.id, deleteFiles: true });
    rmSync(join(sb.dir, ".cache"), { recursive: true, force: true });
    const reread = await FileDataset.get({ storage, local: sb.local, id: sq.id });
    const fresh = await reread.getLocalCopy();
    assert.is(readFileSync(join(fresh, "keep.txt"), "utf8"), "k");
    assert.ok((await FileDataset.gc({ storage })).length === 0);
  } finally {
    sb.cleanup();
  }
});

test("offline mode: drafts go to a session store and import into the real one", async () => {
  const sb = sandbox();
  try {
    sb.write("o/a.txt", "offline");
    const session = new MemoryStore();
    const storage = new MemoryStore();
    FileDataset.setOffline(true, { storage: session });
    try {
      assert.ok(FileDataset.isOffline());
      const ds = await FileDataset.create({ storage, local: sb.local, project: "p", name: "off" });
      assert.match(ds.id, /^offline-/);
      await ds.addFiles(join(sb.dir, "o"));
      await rejects(ds.finalize(), "OfflineModeError");
      await rejects(FileDataset.get({ storage, id: ds.id }), "OfflineModeError");
    } finally {
      FileDataset.setOffline(false);
    }
    assert.equal(await collect(storage.list("")), []);
    const imported = await FileDataset.importOfflineSession({ storage, session, local: sb.local, finalize: true });
    assert.not.match(imported.id, /offline/);
    assert.ok(imported.isFinal());
    assert.equal(imported.fileEntries.map((f) => f.origin), [imported.id]);
    const copy = await imported.getLocalCopy();
    assert.is(readFileSync(join(copy, "a.txt"), "utf8"), "offline");
  } finally {
    sb.cleanup();
  }
});

test("a draft whose file changed after addFiles refuses to upload it and keeps its state", async () => {
  const sb = sandbox();
  try {
    const p = sb.write("c/a.txt", "before");
    const storage = new MemoryStore();
    const ds = await FileDataset.create({ storage, local: sb.local, project: "p", name: "changed" });
    await ds.addFiles(join(sb.dir, "c"));
    writeFileSync(p, "after!");
    await rejects(ds.upload(), "FileChangedError");
    assert.ok(ds.isDirty());
    renameSync(p, `${p}.x`);
    await rejects(ds.upload(), "FileChangedError");
    await rejects(ds.upload({ chunkSizeMB: 0 }), "InvalidArgumentError");
    await rejects(ds.getLocalCopy(), "DatasetNotFinalError");
    assert.ok((await storage.get(keys.state(ds.id))) !== undefined);
  } finally {
    sb.cleanup();
  }
});

test.run();
