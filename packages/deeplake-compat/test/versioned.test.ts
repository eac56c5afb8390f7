// The 3.4.0 fixture: a sealed FIRST commit at the root, HEAD under versions/<id>/ with empty chunk_sets, and one
// embedding chunk (samples 0..650) that was never stored.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import type { NDArray } from "@shoal/core";
import { FIRST_COMMIT_ID, MissingChunkError, openDeepLake } from "../src/index.ts";
import { TRANSCRIBE, TRANSCRIBE_HEAD, fixture, l2, rejects, transcribeTest } from "./helpers.ts";

const MISSING = "embedding/chunks/24d52ab1f89e462b";

transcribeTest("HEAD is the default: commit, branch, log", async () => {
  const ds = await openDeepLake(fixture(TRANSCRIBE));
  assert.is(ds.commitId, TRANSCRIBE_HEAD);
  assert.is(ds.branch, "main");
  assert.ok(ds.isHead);
  assert.is(ds.formatVersion, "3.4.0");
  assert.equal(ds.branches, { main: TRANSCRIBE_HEAD });
  assert.equal(ds.log().map((c) => c.commitId), [TRANSCRIBE_HEAD, FIRST_COMMIT_ID]);
  const first = ds.commits.find((c) => c.commitId === FIRST_COMMIT_ID)!;
  assert.is(first.author, "public");
  assert.is(first.time, 1683296630.895629);
  assert.equal([...ds.tensorNames()], ["text", "metadata", "embedding", "ids"]);
  assert.is(ds.length, 683);
  for (const n of ds.tensorNames()) assert.is(ds.tensor(n).length, 683, n);
  assert.is(ds.tensor("embedding").meta.htype, "generic");
  assert.is(ds.tensor("embedding").meta.dtype, "float64");
});

transcribeTest("HEAD reads metas from versions/<id>/ and falls through its empty chunk_set to the root's chunks", async () => {
  const store = fixture(TRANSCRIBE);
  const ds = await openDeepLake(store);
  const text = (await ds.tensor("text").read(0)) as string;
  assert.type(text, "string");
  assert.ok(store.gets.includes(`versions/${TRANSCRIBE_HEAD}/text/tensor_meta.json`));
  assert.ok(store.gets.includes(`versions/${TRANSCRIBE_HEAD}/text/chunks_index/unsharded`));
  assert.ok(store.gets.includes(`versions/${TRANSCRIBE_HEAD}/text/chunk_set`));
  assert.ok(store.gets.includes("text/chunks/cf6fb993c6564d67"));
  assert.ok(!store.gets.includes("text/tensor_meta.json"), "the root meta belongs to FIRST, not HEAD");
});

transcribeTest("FIRST commit and HEAD read the same data; checkout shares the tree", async () => {
  const store = fixture(TRANSCRIBE);
  const head = await openDeepLake(store);
  const first = await openDeepLake(fixture(TRANSCRIBE), { commitId: FIRST_COMMIT_ID });
  assert.is(first.commitId, FIRST_COMMIT_ID);
  assert.not.ok(first.isHead);
  assert.equal(first.log().map((c) => c.commitId), [FIRST_COMMIT_ID]);
  const viaCheckout = await head.checkout(FIRST_COMMIT_ID);
  assert.is(viaCheckout.commitId, FIRST_COMMIT_ID);
  const back = await viaCheckout.checkout("main");
  assert.is(back.commitId, TRANSCRIBE_HEAD);
  const rows = [0, 1, 341, 682];
  for (const name of ["text", "metadata", "ids"]) {
    assert.equal(await first.tensor(name).readMany(rows), await head.tensor(name).readMany(rows), name);
  }
  assert.equal(await first.tensor("embedding").read(682), await head.tensor("embedding").read(682));
});

transcribeTest("every text, json and id sample reads", async () => {
  const ds = await openDeepLake(fixture(TRANSCRIBE));
  const all = [...Array(683).keys()];
  const text = (await ds.tensor("text").readMany(all)) as string[];
  assert.ok(text.every((s) => typeof s === "string"));
  assert.ok(text[0]!.startsWith("hello my name is andre"));
  const meta = (await ds.tensor("metadata").readMany(all)) as Record<string, unknown>[];
  assert.ok(meta.every((m) => typeof m.source === "string"));
  const ids = (await ds.tensor("ids").readMany(all)) as string[];
  assert.ok(ids.every((s) => /^[0-9a-f-]{36}$/.test(s)));
  assert.is(new Set(ids).size, 683);
});

transcribeTest("embedding samples 0..650 raise MissingChunkError naming tensor, sample and key; 651..682 read", async () => {
  const ds = await openDeepLake(fixture(TRANSCRIBE));
  const emb = ds.tensor("embedding");
  for (const i of [0, 1, 325, 650]) {
    await rejects(emb.read(i), (e) => e instanceof MissingChunkError && e.key === MISSING && e.tensor === "embedding" && e.index === i && isShoalError(e, "MissingChunkError") && e.message.includes(MISSING), `sample ${i}`);
  }
  await rejects(emb.readMany([681, 3]), (e) => e instanceof MissingChunkError && e.index === 3, "readMany");
  await rejects(emb.columnMatrix(), (e) => e instanceof MissingChunkError, "columnMatrix");
  const tail = (await emb.readMany([...Array(32).keys()].map((k) => 651 + k))) as NDArray[];
  for (const a of tail) {
    assert.equal(a.shape, [1536]);
    assert.instance(a.data, Float64Array);
    assert.ok((a.data as Float64Array).every(Number.isFinite));
    assert.ok(Math.abs(l2(a.data as Float64Array) - 1) < 1e-3, `norm ${l2(a.data as Float64Array)}`);
  }
  // The shape and chunk of a missing sample are known from the indexes alone.
  assert.equal(await emb.shape(0), [1536]);
  const chunks = await emb.chunkIds();
  assert.is(chunks[650], 0);
  assert.is(chunks[651], 1);
});

transcribeTest("unknown commits and branches are typed errors listing the branches", async () => {
  await rejects(openDeepLake(fixture(TRANSCRIBE), { commitId: "0".repeat(40) }), (e) => isShoalError(e, "DeepLakeVersionNotFoundError") && (e as Error).message.includes("main"), "commit");
  await rejects(openDeepLake(fixture(TRANSCRIBE), { branch: "dev" }), (e) => isShoalError(e, "DeepLakeVersionNotFoundError"), "branch");
  const ds = await openDeepLake(fixture(TRANSCRIBE));
  await rejects(ds.checkout("nope"), (e) => isShoalError(e, "DeepLakeVersionNotFoundError"), "checkout");
  await rejects(ds.checkout(""), (e) => isShoalError(e, "InvalidArgumentError"), "checkout empty");
});

test.run();
