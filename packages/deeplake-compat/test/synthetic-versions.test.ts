// SYNTHETIC version trees (written by the Deep Lake builder of @shoal/testing from the notes §5): copy-on-write chunks, a chunk_set
// entry naming another commit and key, two branches, and a tree rebuilt from commit_info.json files.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { NDArray } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { query } from "@shoal/views";
import { openDeepLake } from "../src/index.ts";
import { FIRST, chunk, chunkIds, json, prefixOf, writeDatasetMeta, writeTensor } from "@shoal/testing";

const C2 = "c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2";
const C3 = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3";
const D1 = "d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1";

const int32Chunk = (values: number[]) => chunk(values.map((v) => ({ bytes: new Uint8Array(new Int32Array([v]).buffer), shape: [1] })));
const labelsOf = async (ds: Awaited<ReturnType<typeof openDeepLake>>) => [...(await ds.tensor("vals").column())!.data];

async function build(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const vals = { key: "vals", htype: "class_label", dtype: "uint32", minShape: [1], maxShape: [1], info: { class_names: ["zero", "one", "two", "three", "four", "five", "six", "seven"] } };
  // FIRST (sealed): [0, 1, 2, 3, 4] in chunk a1 at the root.
  await writeTensor(store, FIRST, { ...vals, length: 5, ids: chunkIds([[0xa1n, 4]]), chunks: { a1: int32Chunk([0, 1, 2, 3, 4]) } });
  await writeDatasetMeta(store, FIRST, ["vals"]);
  // C2 (sealed, main): a1 copied on write (sample 2 → 6) plus a new chunk b2; both listed in its chunk_set.
  await writeTensor(store, C2, { ...vals, length: 7, ids: chunkIds([[0xa1n, 4], [0xb2n, 6]]), chunks: { a1: int32Chunk([0, 1, 6, 3, 4]), b2: int32Chunk([5, 6]) } });
  await store.set(`${prefixOf(C2)}vals/chunk_set`, new TextEncoder().encode("a1,b2"));
  // A chunk of another tensor key in C2, which the dev branch borrows through a long chunk_set entry (as merge writes).
  await store.set(`${prefixOf(C2)}other/chunks/dd`, int32Chunk([7]));
  await writeDatasetMeta(store, C2, ["vals"]);
  // C3 (HEAD of main): same encoders as C2, empty chunk_set: every chunk resolves to C2.
  await writeTensor(store, C3, { ...vals, length: 7, ids: chunkIds([[0xa1n, 4], [0xb2n, 6]]) });
  await store.set(`${prefixOf(C3)}vals/chunk_set`, new Uint8Array(0));
  await writeDatasetMeta(store, C3, ["vals"]);
  // D1 (HEAD of dev, child of FIRST): a1 from the root, dd from C2's "other" tensor.
  await writeTensor(store, D1, { ...vals, length: 6, ids: chunkIds([[0xa1n, 4], [0xddn, 5]]) });
  await store.set(`${prefixOf(D1)}vals/chunk_set`, new TextEncoder().encode(`dd:${C2}:other`));
  await writeDatasetMeta(store, D1, ["vals"]);

  const node = (branch: string, parent: string | null, children: string[], time: number | null, message: string | null) => ({
    branch, parent, children, commit_message: message, commit_time: time, commit_user_name: time === null ? null : "alice",
  });
  const commits = {
    [FIRST]: node("main", null, [C2, D1], 1700000000.5, "first"),
    [C2]: node("main", FIRST, [C3], 1700000100.5, "second"),
    [C3]: node("main", C2, [], null, null),
    [D1]: node("dev", FIRST, [], null, null),
  };
  await store.set("version_control_info.json", new TextEncoder().encode(JSON.stringify({ commits, branches: { main: C3, dev: D1 } })));
  for (const [id, c] of Object.entries(commits)) await store.set(`${prefixOf(id)}commit_info.json`, json(c));
  return store;
}

test("SYNTHETIC: each commit and branch reads its own chunk versions", async () => {
  const store = await build();
  const head = await openDeepLake(store);
  assert.is(head.commitId, C3);
  assert.equal(await labelsOf(head), [0, 1, 6, 3, 4, 5, 6]);
  assert.equal(await labelsOf(await head.checkout(C2)), [0, 1, 6, 3, 4, 5, 6]);
  assert.equal(await labelsOf(await head.checkout(FIRST)), [0, 1, 2, 3, 4]);
  const dev = await head.checkout("dev");
  assert.is(dev.commitId, D1);
  assert.is(dev.branch, "dev");
  assert.equal(await labelsOf(dev), [0, 1, 2, 3, 4, 7]);
  assert.equal(dev.log().map((c) => c.commitId), [D1, FIRST]);
  assert.equal(head.log().map((c) => c.message), [null, "second", "first"]);
  assert.equal(head.branches, { main: C3, dev: D1 });
  assert.equal(head.commits.length, 4);
});

test("SYNTHETIC: class-name queries differ by commit", async () => {
  const store = await build();
  const head = await openDeepLake(store);
  assert.equal([...(await query(head, "select * where vals == 'six'")).indices()], [2, 6]);
  const first = await openDeepLake(store, { commitId: FIRST });
  assert.equal([...(await query(first, "select * where vals == 'six'")).indices()], []);
  assert.equal([...(await query(await openDeepLake(store, { branch: "dev" }), "select * where vals == 'seven'")).indices()], [5]);
});

test("SYNTHETIC: without version_control_info.json the tree is rebuilt from commit_info.json", async () => {
  const store = await build();
  await store.delete("version_control_info.json");
  const ds = await openDeepLake(store);
  assert.is(ds.commitId, C3);
  assert.equal(ds.branches, { main: C3, dev: D1 });
  assert.equal(((await ds.tensor("vals").read(6)) as NDArray).data[0], 6);
  // An unreadable file falls back the same way.
  await store.set("version_control_info.json", new TextEncoder().encode("{not json"));
  assert.is((await openDeepLake(store, { branch: "dev" })).commitId, D1);
});

test.run();
