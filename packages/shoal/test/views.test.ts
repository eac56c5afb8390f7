// Views on the Dataset: slicing, filter, TQL queries, sampling, splits, saved views in the dataset's store, and
// the data loader.
import type { NDArray } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Dataset, empty, load } from "../src/index.ts";
import { arr, keysOf, rejects } from "./helpers.ts";

async function labelled(store = new MemoryStore()): Promise<Dataset> {
  const ds = await empty(store);
  await ds.createTensor("labels", { htype: "class_label", classNames: ["cat", "dog"] });
  await ds.createTensor("score", { dtype: "float32" });
  const labels = Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? "cat" : "dog"));
  await ds.extend({ labels, score: labels.map((_, i) => [i / 10]) });
  return ds;
}

test("slice/at views: sampleIndices, isView, per-tensor reads, nested slices, write-through update", async () => {
  const ds = await labelled();
  assert.is(ds.isView, false);
  const v = ds.slice(1, 9, 2);
  assert.ok(v.isView);
  assert.equal(Array.from(v.sampleIndices), [1, 3, 5, 7]);
  assert.is(v.numSamples, 4);
  assert.equal(Array.from(v.slice(null, null, -1).sampleIndices), [7, 5, 3, 1]);
  assert.equal(arr(await v.tensor("labels").numpy()), [1, 0, 1, 1]);
  assert.equal(Array.from(ds.at(-1).sampleIndices), [9]);
  await ds.slice(0, 2).update({ labels: ["dog", "dog"] });
  await rejects(ds.slice(2, 4).update({ labels: ["cat", "cat"], score: [[0.5], [[0.5]]] }), "SampleShapeError");
  assert.equal(arr(await ds.tensor("labels").slice(2, 4).numpy()), [1, 0], "a rejected view update changes no tensor");
  assert.equal(arr(await ds.tensor("labels").slice(0, 3).numpy()), [1, 1, 1]);
  assert.throws(() => ds.slice(0, 5, 0), (e: unknown) => ["InvalidArgumentError", "IndexError"].includes((e as { code?: string }).code ?? ""));
  assert.throws(() => ds.at(10), (e: unknown) => ["SampleIndexError", "IndexError"].includes((e as { code?: string }).code ?? ""));
});

test("filter (function and TQL), query, sampleBy, randomSplit", async () => {
  const ds = await labelled();
  const cats = await ds.filter("labels == 'cat'");
  assert.equal(Array.from(cats.sampleIndices), [0, 3, 6, 9]);
  assert.equal(await cats.tensor("labels").readMany([3, 0]), [await ds.tensor("labels").read(9), await ds.tensor("labels").read(0)]);
  assert.equal(cats.tensor("labels").meta.classNames, ["cat", "dog"]);
  assert.equal(arr(await cats.tensor("labels").numpy()), [0, 0, 0, 0]);
  assert.is(cats.numSamples, 4);
  const high = await ds.filter(async (row) => Number(((await row.read("score")) as NDArray).data[0]) > 0.65);
  assert.equal([...high.sampleIndices], [7, 8, 9]);
  const q = await ds.query("select * where labels == 'dog' order by score desc limit 2");
  assert.equal([...q.sampleIndices], [8, 7]);
  const sampled = await ds.sampleBy("max_weight(labels == 'cat': 1, labels == 'dog': 0)", { size: 5, seed: 1 });
  assert.ok([...sampled.sampleIndices].every((i) => i % 3 === 0));
  const [a, b] = await ds.randomSplit([0.7, 0.3], { seed: 3 });
  assert.is(a!.length + b!.length, 10);
  assert.equal([...a!.sampleIndices, ...b!.sampleIndices].sort((x, y) => x - y), Array.from({ length: 10 }, (_, i) => i));
  await rejects(ds.query("select * where nope == 1"), "TensorDoesNotExistError", "TQLSyntaxError", "TQLTypeError");
});

test("saved views: refused with uncommitted changes, stored under views/, reloaded at their commit, deleted", async () => {
  const store = new MemoryStore();
  const ds = await labelled(store);
  const cats = await ds.query("select * where labels == 'cat'");
  await rejects(ds.saveView(cats, { id: "cats" }), "DatasetViewSavingError");
  const c = await ds.commit("ten rows");
  const id = await (await ds.query("select * where labels == 'cat'")).saveView({ id: "cats", message: "only cats" });
  assert.is(id, "cats");
  const entry = await ds.getView("cats");
  assert.is(entry.commitId, c);
  assert.is(entry.length, 4);
  assert.is(entry.message, "only cats");
  assert.is(entry.toJSON().id, "cats");
  assert.ok((await keysOf(store, "views/")).includes("views/cats.json"));
  await rejects(ds.saveView(await ds.query("select * where labels == 'cat'"), { id: "cats" }), "DatasetViewSavingError");
  await ds.tensor("labels").append("cat");
  await ds.commit("eleven rows");
  const loaded = await ds.loadView("cats");
  assert.equal([...loaded.sampleIndices], [0, 3, 6, 9], "pinned to the commit it was saved at");
  assert.equal(arr(await loaded.tensor("labels").numpy()), [0, 0, 0, 0]);
  assert.equal((await ds.getViews()).map((v) => v.id), ["cats"]);
  assert.equal((await ds.getViews(c)).map((v) => v.id), ["cats"]);
  assert.equal(await ds.getViews("0000"), []);
  await ds.saveView(ds.slice(0, 2), { id: "first-two", optimize: true });
  assert.ok((await keysOf(store, "views/first-two/data/")).includes("views/first-two/data/shoal.json"));
  const optimized = await load(await (await import("@shoal/storage")).withPrefix(store, "views/first-two/data"), { readOnly: true });
  assert.equal(arr(await optimized.tensor("labels").numpy()), [0, 1]);
  await ds.deleteView("first-two");
  assert.equal(await keysOf(store, "views/first-two"), []);
  await rejects(ds.getView("first-two"), "ViewNotFoundError");
  await rejects(ds.deleteView("nope"), "ViewNotFoundError");
});

test("a view made before a write reports itself stale", async () => {
  const ds = await labelled();
  const v = ds.view();
  assert.ok(v.isValid);
  await ds.tensor("labels").append("cat");
  assert.not.ok(v.isValid);
});

test("dataloader: batches cover every row exactly once", async () => {
  const ds = await labelled();
  const seen: number[] = [];
  for await (const batch of ds.dataloader().batch(4).numpy({ tensors: ["score"] })) {
    const score = (batch as { score: NDArray }).score;
    seen.push(...arr(score).map((x) => Math.round(x * 10)));
  }
  assert.equal(seen, Array.from({ length: 10 }, (_, i) => i));
  let rows = 0;
  for await (const batch of ds.slice(0, 4).dataloader().batch(3).numpy({ tensors: ["labels"] })) rows += ((batch as { labels: NDArray }).labels.shape[0] ?? 0);
  assert.is(rows, 4);
});

test.run();
