import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, isShoalError } from "@shoal/core";
import { dataloader } from "../src/index.ts";
import { conformanceSource } from "./helpers/fixtures.ts";

async function indices(loader: AsyncIterable<unknown>): Promise<number[]> {
  const out: number[] = [];
  for await (const b of loader) out.push(...Array.from(((b as Record<string, NDArray>).index!).data as Uint32Array));
  return out;
}

test("query: only the matching rows, root indices, length after prepare()", async () => {
  const loader = dataloader(conformanceSource()).query("select * where labels == 2").batch(3).numpy({ returnIndex: true });
  await loader.prepare();
  assert.is(loader.length, 2);
  assert.equal(await indices(loader), [2, 5, 8, 11]);
});

test("query then offset and shards work on the query result", async () => {
  const base = dataloader(conformanceSource()).query("select * where contains(categories, 'cat')").offset(2).batch(2);
  assert.equal(await indices(base.numpy({ returnIndex: true })), [5, 6, 9, 0, 3]);
  const r0 = await indices(base.numpy({ returnIndex: true, distributed: { rank: 0, worldSize: 2 } }));
  const r1 = await indices(base.numpy({ returnIndex: true, distributed: { rank: 1, worldSize: 2 } }));
  assert.equal([...r0, ...r1].sort((a, b) => a - b), [0, 3, 5, 6, 9]);
});

test("sampleBy: weights pick rows (with replacement by default)", async () => {
  const weights = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  assert.equal(await indices(dataloader(conformanceSource()).sampleBy(weights).batch(5).numpy({ returnIndex: true })), new Array(12).fill(2));
  const distinct = await indices(dataloader(conformanceSource()).sampleBy("max_weight(labels == 'cat': 10, labels == 'dog': 1)", { replace: false, size: 8 }).batch(8).numpy({ returnIndex: true }));
  assert.equal([...distinct].sort((a, b) => a - b), [0, 1, 3, 4, 6, 7, 9, 10]);
});

test("bad TQL fails the epoch with the views' typed error", async () => {
  try {
    for await (const _ of dataloader(conformanceSource()).query("select * wher labels == 1").numpy()) void _;
    assert.unreachable();
  } catch (e) {
    assert.ok(isShoalError(e), String(e));
  }
});

test.run();
