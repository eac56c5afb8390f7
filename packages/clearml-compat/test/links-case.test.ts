import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { MemoryStore } from "@shoal/storage";
import { startHttpServer } from "@shoal/testing/node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FileDataset } from "../src/node.ts";
import { keys } from "../src/layout.ts";
import { codeOf, noise, sandbox } from "./helpers.ts";

test("http links: size from a real server's HEAD, bytes fetched on getLocalCopy, errors typed", async () => {
  const sb = sandbox();
  const body = noise(70_000, 4);
  const server = await startHttpServer((req) => {
    if (req.url === "/data/labels.csv") return { status: 200, body: "id,label\n1,cat\n" };
    if (req.url === "/data/blob.bin") return { status: 200, body };
    return { status: 404, body: "not found" };
  });
  try {
    const storage = new MemoryStore();
    const ds = await FileDataset.create({ storage, local: sb.local, project: "p", name: "http" });
    assert.is(await ds.addExternalFiles([`${server.url}/data/labels.csv`, `${server.url}/data/blob.bin`], { datasetPath: "remote" }), 2);
    assert.equal(
      ds.linkEntries.map((l) => [l.path, l.size]),
      [
        ["remote/blob.bin", 70_000],
        ["remote/labels.csv", 15],
      ],
    );
    assert.ok(server.requests.every((r) => r.method === "HEAD"), "adding copies no bytes");
    const before = await storage.get(keys.state(ds.id));
    assert.is(await codeOf(ds.addExternalFiles(`${server.url}/missing.txt`)), "StorageError");
    assert.equal(await storage.get(keys.state(ds.id)), before, "a failed add changes nothing");
    assert.is(ds.linkEntries.length, 2);
    await ds.finalize({ autoUpload: true });

    const copy = await ds.getLocalCopy();
    assert.is(readFileSync(join(copy, "remote/labels.csv"), "utf8"), "id,label\n1,cat\n");
    assert.equal(new Uint8Array(readFileSync(join(copy, "remote/blob.bin"))), body);
    assert.is(server.requests.filter((r) => r.method === "GET").length, 2);
  } finally {
    await server.stop();
    sb.cleanup();
  }
});

test("entries differing only by case are refused (typed, nothing changed) unless allowed", async () => {
  const sb = sandbox();
  try {
    sb.write("d/Photo.jpg", "upper");
    sb.write("d/photo.jpg", "lower");
    sb.write("d/other.txt", "x");
    const storage = new MemoryStore();
    const ds = await FileDataset.create({ storage, local: sb.local, project: "p", name: "case" });
    const before = await storage.get(keys.state(ds.id));
    let error: unknown;
    try {
      await ds.addFiles(join(sb.dir, "d"));
    } catch (e) {
      error = e;
    }
    assert.is((error as { code?: string }).code, "CaseCollisionError");
    assert.ok(["Photo.jpg", "photo.jpg"].includes((error as { path: string }).path));
    assert.equal(ds.listFiles(), []);
    assert.not.ok(ds.isDirty());
    assert.equal(await storage.get(keys.state(ds.id)), before);

    assert.equal(await ds.addFiles(join(sb.dir, "d"), { allowCaseCollisions: true }), { added: 3, modified: 0 });
    await ds.finalize({ autoUpload: true });
    // This disk tells them apart, so both land.
    const copy = await ds.getLocalCopy();
    assert.is(readFileSync(join(copy, "Photo.jpg"), "utf8"), "upper");
    assert.is(readFileSync(join(copy, "photo.jpg"), "utf8"), "lower");

    // A child adding a case variant of an inherited path is refused; the inherited pair does not block it.
    const child = await FileDataset.create({ storage, local: sb.local, parents: [ds.id] });
    sb.write("e/OTHER.txt", "y");
    assert.is(await codeOf(child.addFiles(join(sb.dir, "e"))), "CaseCollisionError");
    assert.is(await codeOf(child.addExternalFiles(join(sb.dir, "e", "OTHER.txt"))), "CaseCollisionError");
    assert.equal(child.listFiles(), ["Photo.jpg", "other.txt", "photo.jpg"]);
    sb.write("e/new.txt", "z");
    assert.equal(await child.addFiles(join(sb.dir, "e", "new.txt")), { added: 1, modified: 0 });

    // A case-only rename through syncFolder works: the old name goes before the new one is checked.
    const renamed = await FileDataset.create({ storage, local: sb.local, project: "p", name: "rename" });
    sb.write("f/readme.md", "r");
    await renamed.addFiles(join(sb.dir, "f"));
    await renamed.finalize({ autoUpload: true });
    const next = await FileDataset.create({ storage, local: sb.local, parents: [renamed.id] });
    sb.write("g/README.md", "r");
    assert.equal(await next.syncFolder(join(sb.dir, "g")), { removed: 1, added: 1, modified: 0 });
    await next.finalize({ autoUpload: true });
    assert.equal(readdirSync(await next.getLocalCopy()).filter((n) => !n.startsWith(".")), ["README.md"]);
  } finally {
    sb.cleanup();
  }
});

test.run();
