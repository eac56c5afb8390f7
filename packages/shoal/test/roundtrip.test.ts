// End-to-end round trips on real storage: a temp folder (FileStore), a folder shared by the four runtimes (each
// reopens what the others wrote), and S3 (s3rver on 127.0.0.1), plus `shoal/node`'s read(path).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NDArray, ndarray } from "@shoal/core";
import { serveStore, startS3Server } from "@shoal/testing/node";
import { MemoryStore } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Dataset, type CommitLock, empty, load, read } from "../src/node.ts";
import { arr, pixels, pngFile, rejects } from "./helpers.ts";

const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : `node${process.versions.node.split(".")[0]}`;

/** The same small dataset, whoever writes it. */
async function fill(ds: Dataset): Promise<string> {
  await ds.createTensor("images", { htype: "image", sampleCompression: "png" });
  await ds.createTensor("labels", { htype: "class_label" });
  await ds.createTensor("emb", { dtype: "float32", chunkCompression: "lz4" });
  await ds.createTensor("caption", { htype: "text" });
  await ds.extend({
    images: await Promise.all([1, 2, 3].map(async (s) => read(await pngFile(5, 4, s), { name: `${s}.png` }))),
    labels: ["cat", "dog", "cat"],
    emb: [0, 1, 2].map((i) => ndarray("float32", [4], Float32Array.of(i, i + 0.5, -i, 1e-3))),
    caption: ["one", "two", "three"],
  });
  ds.info.set("source", runtime);
  const c = await ds.commit("three samples");
  await ds.tensor("labels").append("bird");
  await ds.flush();
  return c;
}

async function check(ds: Dataset, commit?: string): Promise<void> {
  assert.equal(ds.tensorNames(), ["images", "labels", "emb", "caption"]);
  if (commit) assert.is(ds.commitId, commit);
  assert.equal(arr(await ds.tensor("images").at(2).numpy()), arr(pixels(5, 4, 3, 3)));
  assert.equal(arr(await ds.tensor("labels").numpy()), [0, 1, 0, 2], "the flushed, uncommitted append is there");
  assert.equal(ds.tensor("labels").info.get("class_names"), ["cat", "dog", "bird"]);
  const emb = (await ds.tensor("emb").numpy()) as NDArray;
  assert.equal(emb.shape, [3, 4]);
  assert.equal(arr(emb).slice(4, 8), [1, 1.5, -1, Math.fround(1e-3)]);
  assert.equal(await ds.tensor("caption").text(), ["one", "two", "three"]);
}

test("FileStore: write, close, reopen, copy and rename", async () => {
  const dir = mkdtempSync(join(tmpdir(), "shoal-facade-"));
  try {
    const path = join(dir, "ds");
    const ds = await empty(path);
    const c = await fill(ds);
    await ds.close();
    await check(await load(path, { readOnly: true }), c);
    await rejects(empty(path), "InvalidArgumentError");
    const copy = await (await load(path)).copy(join(dir, "copy"));
    await check(copy, c);
    await copy.rename(join(dir, "moved"));
    assert.is(copy.path, join(dir, "moved"));
    assert.not.ok(existsSync(join(dir, "copy", "shoal.json")));
    await check(await load(join(dir, "moved"), { readOnly: true }), c);
    await copy.close();
    const again = await load(join(dir, "moved"));
    again.allowDelete = false;
    await again.flush();
    await rejects(again.delete(), "DatasetDeleteError");
    again.allowDelete = true;
    await again.delete();
    const files = existsSync(join(dir, "moved")) ? (readdirSync(join(dir, "moved"), { recursive: true, withFileTypes: true }) as { isFile(): boolean }[]).filter((f) => f.isFile()) : [];
    assert.is(files.length, 0, "no file is left");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(`a dataset written by ${runtime} is read back by every runtime that ran before`, async () => {
  // Each run writes a fresh folder and then names it in <runtime>.done, so a runtime running concurrently never
  // reads a half-written dataset; folders older than ten minutes are removed by their writer.
  const shared = join(tmpdir(), "shoal-facade-runtimes");
  mkdirSync(shared, { recursive: true });
  const name = `${runtime}-${Date.now()}`;
  const ds = await empty(join(shared, name));
  await fill(ds);
  await ds.close();
  writeFileSync(join(shared, `${runtime}.done`), name);
  for (const f of readdirSync(shared)) {
    if (f.startsWith(`${runtime}-`) && f !== name && Date.now() - Number(f.slice(runtime.length + 1)) > 600_000) rmSync(join(shared, f), { recursive: true, force: true });
  }
  let seen = 0;
  for (const f of readdirSync(shared)) {
    if (!f.endsWith(".done")) continue;
    const other = await load(join(shared, readFileSync(join(shared, f), "utf8")), { readOnly: true });
    await check(other);
    assert.is(other.info.get("source"), f.slice(0, -5));
    seen++;
  }
  assert.ok(seen >= 1);
});

test("S3 (s3rver): round trip with a commit lock; writing without one is refused", async () => {
  const s3 = await startS3Server({ bucket: "shoal-facade" });
  try {
    const creds = { ...s3.credentials, endpoint: s3.endpoint, forcePathStyle: true, region: "us-east-1" };
    const url = `s3://${s3.bucket}/${runtime}/ds`;
    let held = false;
    const commitLock: CommitLock = {
      async acquire() {
        while (held) await new Promise((r) => setTimeout(r, 1));
        held = true;
      },
      async release() {
        held = false;
      },
    };
    await rejects(empty(url, { creds }), "LockRequiredError");
    const ds = await empty(url, { creds, commitLock });
    const c = await fill(ds);
    await ds.close();
    await check(await load(url, { creds, readOnly: true }), c);
    const rw = await load(url, { creds, commitLock });
    await rw.tensor("caption").update(0, "uno");
    await rw.commit("edit");
    await rw.close();
    const ro = await load(url, { creds, readOnly: true });
    assert.equal(await ro.tensor("caption").text(), ["uno", "two", "three"]);
  } finally {
    await s3.stop();
  }
});

test("HTTP: a dataset served over http(s) opens read-only", async () => {
  const store = new MemoryStore();
  const ds = await empty(store);
  const c = await fill(ds);
  await ds.close();
  const server = await serveStore(store, { basePath: "/data/" });
  try {
    const remote = await load(`${server.url}/data`);
    assert.ok(remote.readOnly, "http stores are read-only");
    await check(remote, c);
    await rejects(remote.tensor("caption").append("x"), "ReadOnlyModeError");
  } finally {
    await server.stop();
  }
});

test("shoal/node read(path) reads and sniffs a file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "shoal-read-"));
  try {
    const file = join(dir, "a.png");
    writeFileSync(file, await pngFile(2, 2, 9));
    const s = read(file);
    assert.is(s.compression, "png");
    assert.throws(() => read(new Uint8Array([1, 2, 3])), (e: unknown) => (e as { code?: string }).code === "InvalidArgumentError");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
