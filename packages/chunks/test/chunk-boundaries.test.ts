// Property-style checks of writes that cross chunk boundaries: random sample sizes and call mixes (append, extend,
// extendBatch, flushes in between) against a 1 KiB maxChunkSize, for every encoding, read back every way the engine
// offers before a flush, after it, and after a reopen from the store (here a MemoryStore; chunk-boundaries-fs.test.ts
// runs the same cases on a FileStore).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ndarray } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { DatasetEngine, type TensorEngine } from "../src/index.ts";
import { boundaryTests } from "./boundary-cases.ts";

boundaryTests([["MemoryStore", () => new MemoryStore()]]);

test("extendBatch onto a partly filled chunk of bigger samples keeps chunks within maxChunkSize", async () => {
  const ds = await DatasetEngine.create(new MemoryStore());
  const t = await ds.createTensor("x", { dtype: "uint8", maxChunkSize: 1024, createIdTensor: false, createShapeTensor: false });
  await t.extend([ndarray("uint8", [900], new Uint8Array(900).fill(1))]);
  await t.extendBatch(ndarray("uint8", [40, 100], new Uint8Array(4000).fill(2)));
  await ds.flush();
  const ids = await t.chunkIds();
  // 900 + 100 fits 1024; the next 10 of 100 bytes fill each later chunk.
  assert.is(ids[1], ids[0]);
  assert.is.not(ids[2], ids[1]);
  assert.is(ids[11], ids[2]);
  assert.is.not(ids[12], ids[11]);
  assert.equal(await t.read(1), ndarray("uint8", [100], new Uint8Array(100).fill(2)));
});

test("empty samples before the first array of a new tensor take its rank", async () => {
  const store = new MemoryStore();
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("x", { dtype: "uint8", maxChunkSize: 1024 });
  const a = ndarray("uint8", [2, 3], Uint8Array.of(1, 2, 3, 4, 5, 6));
  await t.extend([null, { kind: "empty" }, a, null]);
  const empty = ndarray("uint8", [0, 0], new Uint8Array(0));
  const check = async (tensor: TensorEngine) => {
    assert.equal(await tensor.readRange(0, 4), [empty, empty, a, empty]);
    assert.equal([...(await tensor.shape(0))], [0, 0]);
    assert.equal(tensor.meta.minShape, [0, 0]);
    assert.equal(tensor.meta.maxShape, [2, 3]);
  };
  await check(t);
  await ds.flush();
  await check((await DatasetEngine.open(store)).tensor("x"));
});

test.run();
