// The reader as a TensorSource, end to end: TQL queries and views from @shoal/views over the real fixtures.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { NDArray } from "@shoal/core";
import { query, view } from "@shoal/views";
import { openDeepLake } from "../src/index.ts";
import { CHAT, IMAGES, TRANSCRIBE, chatTest, fixture, transcribeTest } from "./helpers.ts";

test("class-label queries by class name over the 2.0.6 fixture (labels [2, 0, 1])", async () => {
  const ds = await openDeepLake(fixture(IMAGES));
  assert.equal([...(await query(ds, "select * where labels == 'class1'")).indices()], [2]);
  assert.equal([...(await query(ds, "select * where labels == 'class2'")).indices()], [0]);
  assert.equal([...(await query(ds, "select * where labels != 'class0' order by labels")).indices()], [2, 0]);
  const v = await query(ds, "select images where labels == 'class0'");
  assert.equal([...v.indices()], [1]);
  const img = (await v.tensor("images").read(0)) as NDArray;
  assert.equal(img.shape, [200, 200, 3]);
});

chatTest("json and text predicates over the 3.8.8 fixture", async () => {
  const ds = await openDeepLake(fixture(CHAT));
  const pages = (await ds.tensor("metadata").readMany([...Array(11).keys()])) as { page: number }[];
  const expected = pages.flatMap((m, i) => (m.page >= 5 ? [i] : []));
  assert.ok(expected.length > 0 && expected.length < 11);
  const r = await query(ds, "select * where metadata['page'] >= 5");
  assert.equal([...r.indices()], expected);
  const t = await query(ds, "select * where contains(text, 'Bitcoin')");
  assert.ok([...t.indices()].includes(0));
});

chatTest("vector search over float32 embeddings: the nearest row to itself is itself", async () => {
  const ds = await openDeepLake(fixture(CHAT));
  const e = (await ds.tensor("embedding").read(7)) as NDArray;
  const vec = Array.from(e.data as Float32Array, (x) => x.toString()).join(", ");
  const r = await query(ds, `select * order by l2_norm(embedding - ARRAY[${vec}]) asc limit 3`);
  assert.is(r.indices()[0], 7);
  assert.is(r.length, 3);
});

transcribeTest("views slice and filter a versioned dataset without touching the missing chunk", async () => {
  const ds = await openDeepLake(fixture(TRANSCRIBE));
  const tail = view(ds).slice(651, 683);
  assert.is(tail.length, 32);
  const m = (await tail.tensor("embedding").numpy()) as NDArray | NDArray[];
  const rows = Array.isArray(m) ? m.length : m.shape[0];
  assert.is(rows, 32);
  const q = await query(ds, "select * where row_number() >= 680");
  assert.equal([...q.indices()], [680, 681, 682]);
});

test.run();
