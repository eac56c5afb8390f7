// importDeepLake over the real Deep Lake 3.x datasets written by Python (read in place, never written), into temp
// folders: byte-identical media, equal values, missing chunks (fail and clean up, or skip and report), and the
// read-only openDeepLake source under query and the data loader.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NDArray, isShoalError } from "@shoal/core";
import { FileStore } from "@shoal/storage/fs";
import { MemoryStore } from "@shoal/storage";
import { sharedFixture, testWithFixture, vendoredFixture } from "@shoal/testing/node";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  type MissingSamples, DeepLakeDatasetError, dataloader, dataset, empty, importDeepLake, load, openDeepLake, query,
} from "../src/index.ts";
import { arr, rejects } from "./helpers.ts";

// The hub 2.0.6 dataset is vendored (MPL-2.0); the other two live only in shared/ (no licence to redistribute).
const FIXTURES = vendoredFixture("deeplake-v3");
const IMAGES = vendoredFixture("deeplake-v3", "images-classlabel-2.0.6");
const CHAT_PATH = sharedFixture("fixtures", "deeplake-v3", "chat-with-docs-3.8.8");
const TRANSCRIBE_PATH = sharedFixture("fixtures", "deeplake-v3", "transcribebot-3.4.0-versioned");
const CHAT = CHAT_PATH ?? "";
const TRANSCRIBE = TRANSCRIBE_PATH ?? "";

const t = suite("importDeepLake");
const chatTest = testWithFixture(t, CHAT_PATH, "chat-with-docs-3.8.8");
const transcribeTest = testWithFixture(t, TRANSCRIBE_PATH, "transcribebot-3.4.0-versioned");
let root = "";
let n = 0;
const fresh = () => join(root, `ds${n++}`);

t.before(async () => {
  root = await mkdtemp(join(tmpdir(), "shoal-dl-import-"));
});
t.after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file under `dir` (relative paths), or [] when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  try {
    return ((await readdir(dir, { recursive: true, withFileTypes: true })) as { isFile(): boolean; name: string; parentPath?: string; path?: string }[])
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath ?? e.path ?? "", e.name));
  } catch {
    return [];
  }
}

t("hub 2.0.6 images: jpeg bytes identical to the source, labels, class names, commit naming the source", async () => {
  const src = await openDeepLake(IMAGES);
  const dest = fresh();
  const progress: [number, number][] = [];
  const ds = await importDeepLake(IMAGES, dest, { onProgress: (d, total) => progress.push([d, total]) });
  try {
    assert.equal(ds.tensorNames(), ["images", "labels"]);
    const images = ds.tensor("images");
    assert.is(images.htype, "image");
    assert.is(images.meta.sampleCompression, "jpeg");
    assert.is(images.length, 3);
    for (let i = 0; i < 3; i++) {
      const want = await src.tensor("images").readBytes(i);
      const got = await images.readBytes(i);
      assert.is(got.compression, "jpeg");
      assert.equal(got.bytes, want.bytes, `image ${i}`);
    }
    assert.equal(arr(await ds.tensor("labels").numpy()), [2, 0, 1]);
    assert.equal(ds.tensor("labels").info.get("class_names"), ["class0", "class1", "class2"]);
    assert.equal(((await ds.tensor("labels").data()) as { text: string[] }).text, ["class2", "class0", "class1"]);
    assert.equal(progress[progress.length - 1], [6, 6]);
    assert.ok(progress.every(([d], k) => k === 0 || d >= progress[k - 1]![0]), "progress never goes back");
    const [head] = await ds.commits();
    assert.ok(head!.message!.includes(IMAGES), head!.message!);
    assert.ok(head!.message!.includes(src.commitId), head!.message!);
    assert.ok(!ds.hasHeadChanges);
  } finally {
    await ds.close();
  }
  // Committed and reopenable; decoded pixels equal the reader's decode of the same files.
  const again = await load(dest, { readOnly: true });
  const pixels = (await again.tensor("images").numpy()) as NDArray;
  assert.equal(pixels.shape, [3, 200, 200, 3]);
  assert.equal(pixels.data, (await src.tensor("images").columnMatrix())!.data);
});

t("a query on the imported dataset", async () => {
  const ds = await importDeepLake(IMAGES, new MemoryStore());
  const labels = (await (await openDeepLake(IMAGES)).tensor("labels").column())!;
  const want = arr(labels).flatMap((v, i) => (v === 1 ? [i] : []));
  const view = await ds.query("select * where labels == 'class1'");
  assert.equal([...view.sampleIndices], want);
  assert.equal(arr(await view.tensor("labels").numpy()), [1]);
  await ds.close();
});

chatTest("deeplake 3.8.8: text, json and float32 embeddings equal the reader's values; tensor info kept; hidden tensors not copied", async () => {
  const src = await openDeepLake(CHAT);
  const ds = await importDeepLake(CHAT, fresh());
  try {
    assert.equal(ds.tensorNames(), ["text", "metadata", "embedding", "id"]);
    const all = [...Array(src.length).keys()];
    assert.equal(await ds.tensor("text").text(), await src.tensor("text").readMany(all));
    assert.equal(await ds.tensor("id").text(), await src.tensor("id").readMany(all));
    assert.equal(await ds.tensor("metadata").dict(), await src.tensor("metadata").readMany(all));
    const emb = (await ds.tensor("embedding").numpy()) as NDArray;
    const want = (await src.tensor("embedding").columnMatrix())!;
    assert.is(emb.dtype, "float32");
    assert.equal(emb.shape, want.shape);
    assert.equal(emb.data, want.data);
    assert.is(ds.tensor("embedding").htype, "embedding");
    assert.equal(ds.tensor("embedding").info.get("embedding"), src.tensor("embedding").info.embedding);
    // shoal's own shape tensor replaces Deep Lake's `_embedding_shape`, and it agrees with the samples.
    assert.equal(ds.tensor("embedding").shape, [11, 1536]);
  } finally {
    await ds.close();
  }
});

transcribeTest("deeplake 3.4.0 with a missing chunk: MissingChunkError naming tensor, index and key; the destination is deleted", async () => {
  const dest = fresh();
  const e = (await rejects(importDeepLake(TRANSCRIBE, dest), "MissingChunkError")) as { tensor: string; index: number; key: string; message: string };
  assert.is(e.tensor, "embedding");
  assert.is(e.index, 0);
  assert.ok(e.key.endsWith("embedding/chunks/24d52ab1f89e462b"), e.key);
  assert.match(e.message, /24d52ab1f89e462b/);
  assert.equal(await filesUnder(dest), []);
  await rejects(load(dest), "DatasetNotFoundError");
});

transcribeTest("deeplake 3.4.0 with skipMissing: every other sample imported, the missing ones empty and reported", async () => {
  const src = await openDeepLake(TRANSCRIBE);
  const missing: MissingSamples[] = [];
  const ds = await importDeepLake(TRANSCRIBE, fresh(), { skipMissing: true, onMissing: (m) => missing.push(m) });
  try {
    assert.is(missing.length, 1);
    assert.is(missing[0]!.tensor, "embedding");
    assert.is(missing[0]!.start, 0);
    assert.ok(missing[0]!.key.endsWith("24d52ab1f89e462b"));
    const skipped = missing[0]!.count;
    assert.ok(skipped > 0 && skipped < src.length);
    const all = [...Array(src.length).keys()];
    for (const name of ["text", "ids"]) assert.equal(await ds.tensor(name).text(), await src.tensor(name).readMany(all), name);
    assert.equal(await ds.tensor("metadata").dict(), await src.tensor("metadata").readMany(all));
    const emb = ds.tensor("embedding");
    assert.is(emb.length, src.length);
    assert.equal(await emb.shapes(), [...Array(skipped).fill([0]), ...Array(src.length - skipped).fill([1536])]);
    const tail = all.slice(skipped);
    const got = (await emb.slice(skipped).numpy()) as NDArray;
    const want = (await src.tensor("embedding").readMany(tail)) as NDArray[];
    assert.is(got.dtype, "float64");
    assert.equal(arr(got), want.flatMap(arr));
    const [head] = await ds.commits();
    assert.ok(head!.message!.includes(`${skipped} samples of missing chunks`), head!.message!);
    assert.ok(head!.message!.includes(src.commitId), head!.message!);
  } finally {
    await ds.close();
  }
});

transcribeTest("commitId, tensors and a Store destination", async () => {
  const store = new MemoryStore();
  const src = await openDeepLake(TRANSCRIBE);
  const first = src.log().at(-1)!.commitId;
  const ds = await importDeepLake(TRANSCRIBE, store, { commitId: first, tensors: ["ids"] });
  assert.equal(ds.tensorNames(), ["ids"]);
  const at = await src.checkout(first);
  assert.equal(await ds.tensor("ids").text(), await at.tensor("ids").readMany([...Array(at.length).keys()]));
  assert.ok((await ds.commits())[0]!.message!.includes(first));
  await ds.close();
});

t("load, dataset and empty refuse a Deep Lake folder with a typed error that says how to convert it", async () => {
  for (const open of [() => load(IMAGES), () => load(IMAGES, { readOnly: true }), () => dataset(IMAGES), () => empty(IMAGES)]) {
    const e = await rejects(open(), "DeepLakeDatasetError");
    assert.ok(e instanceof DeepLakeDatasetError);
    assert.is((e as DeepLakeDatasetError).version, "2.0.6");
    assert.match((e as Error).message, /importDeepLake/);
    assert.match((e as Error).message, /shoal import-deeplake/);
  }
});

t("openDeepLake: a read-only source for query and the data loader", async () => {
  const dl = await openDeepLake(IMAGES);
  const labels = arr((await dl.tensor("labels").column())!);
  assert.equal([...(await query(dl, "select * where labels == 'class2'")).indices()], labels.flatMap((v, i) => (v === 2 ? [i] : [])));
  const batches: Record<string, NDArray>[] = [];
  for await (const b of dataloader(dl).batch(2).numpy()) batches.push(b as Record<string, NDArray>);
  assert.equal(batches.map((b) => b.images!.shape), [[2, 200, 200, 3], [1, 200, 200, 3]]);
  assert.equal(batches.flatMap((b) => arr(b.labels)), labels);
  const pixels = (await dl.tensor("images").columnMatrix())!;
  assert.equal(batches[0]!.images!.data, (pixels.data as Uint8Array).subarray(0, 2 * 200 * 200 * 3));
  await rejects(openDeepLake(""), "InvalidArgumentError");
  await rejects(openDeepLake(root), "NotADeepLakeDatasetError");
});

t("bad input is refused before anything is written", async () => {
  const dest = fresh();
  await rejects(importDeepLake(IMAGES, dest, { skipMissing: "yes" as never }), "InvalidArgumentError");
  await rejects(importDeepLake(IMAGES, dest, { tensors: "labels" as never }), "InvalidArgumentError");
  await rejects(importDeepLake(IMAGES, dest, { tensors: ["labels", "labels"] }), "InvalidArgumentError");
  await rejects(importDeepLake(IMAGES, dest, { onProgress: 3 as never }), "InvalidArgumentError");
  await rejects(importDeepLake(IMAGES, dest, { tensors: ["nope"] }), "DeepLakeTensorNotFoundError");
  if (CHAT_PATH) await rejects(importDeepLake(CHAT, dest, { tensors: ["_embedding_shape"] }), "InvalidArgumentError");
  await rejects(importDeepLake(IMAGES, dest, { commitId: "0123" }), "DeepLakeVersionNotFoundError");
  await rejects(importDeepLake(root, dest), "NotADeepLakeDatasetError");
  await rejects(importDeepLake(IMAGES, IMAGES, { overwrite: true }), "InvalidArgumentError");
  await rejects(importDeepLake(IMAGES, FIXTURES, { overwrite: true }), "InvalidArgumentError");
  const store = new MemoryStore();
  await rejects(importDeepLake(store, store), "InvalidArgumentError");
  assert.equal(await filesUnder(dest), []);
});

t("an existing dataset at the destination is kept without overwrite, replaced with it", async () => {
  const dest = fresh();
  const old = await empty(dest);
  await old.createTensor("x");
  await old.commit("old");
  await old.close();
  await rejects(importDeepLake(IMAGES, dest), "InvalidArgumentError");
  assert.equal((await load(dest, { readOnly: true })).tensorNames(), ["x"]);
  const ds = await importDeepLake(IMAGES, dest, { overwrite: true });
  assert.equal(ds.tensorNames(), ["images", "labels"]);
  await ds.close();
});

chatTest("an abort mid-import rejects with the abort reason and deletes the destination", async () => {
  const dest = fresh();
  const ac = new AbortController();
  const e = await rejects(importDeepLake(CHAT, dest, { signal: ac.signal, onProgress: (d) => d > 0 && ac.abort() }));
  assert.is((e as Error).name, "AbortError");
  assert.not.ok(isShoalError(e));
  assert.equal(await filesUnder(dest), []);
  // The source was only read.
  assert.is((await openDeepLake(new FileStore(CHAT))).length, 11);
});

t.run();
