import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, isShoalError } from "@shoal/core";
import { dataloader } from "../src/index.ts";
import { numberedSource } from "./helpers/fixtures.ts";

type B = Record<string, NDArray>;

/** Copies of every batch's `x` and `id` values, plus the ArrayBuffer each `x` batch lived in. */
async function drain(loader: AsyncIterable<unknown>): Promise<{ xs: number[][]; ids: number[][]; buffers: ArrayBufferLike[] }> {
  const xs: number[][] = [];
  const ids: number[][] = [];
  const buffers: ArrayBufferLike[] = [];
  for await (const raw of loader) {
    const b = raw as B;
    xs.push(Array.from(b.x!.data as Float32Array));
    ids.push(Array.from(b.id!.data as Uint32Array));
    buffers.push(b.x!.data.buffer);
  }
  return { xs, ids, buffers };
}

test("fixed-shape samples are gathered into one [n, ...shape] array per batch", async () => {
  const loader = dataloader(numberedSource(40, 16)).batch(8).numpy();
  let rows = 0;
  for await (const raw of loader) {
    const { x, id } = raw as B;
    assert.equal(x!.shape, [8, 2]);
    const ids = id!.data as Uint32Array;
    const data = x!.data as Float32Array;
    for (let j = 0; j < 8; j++) assert.equal([data[2 * j], data[2 * j + 1]], [ids[j], -ids[j]!]);
    rows += 8;
  }
  assert.is(rows, 40);
});

test("reuseBatches: same batches as fresh arrays, from a few recycled buffers", async () => {
  const make = (reuseBatches: boolean) => dataloader(numberedSource(200, 16)).batch(8).shuffle({ seed: 9, bufferSizeMB: 0.001 }).numpy({ reuseBatches });
  const fresh = await drain(make(false));
  const reused = await drain(make(true));
  assert.equal(reused.xs, fresh.xs);
  assert.equal(reused.ids, fresh.ids);
  assert.is(fresh.buffers.length, 25);
  assert.is(new Set(fresh.buffers).size, 25);
  assert.ok(new Set(reused.buffers).size < 10, `recycled buffers: ${new Set(reused.buffers).size}`);
});

test("reuseBatches: a batch stays intact until the next one is requested", async () => {
  const loader = dataloader(numberedSource(64, 16)).batch(8).numpy({ reuseBatches: true });
  for await (const raw of loader) {
    const { x, id } = raw as B;
    const before = Array.from(x!.data as Float32Array);
    await new Promise((r) => setTimeout(r, 1)); // prefetch work runs meanwhile and must not touch this batch
    assert.equal(Array.from(x!.data as Float32Array), before);
    assert.is((x!.data as Float32Array)[0], (id!.data as Uint32Array)[0]);
  }
});

test("reuseBatches: rejects a non-boolean", () => {
  assert.throws(() => dataloader(numberedSource(4)).numpy({ reuseBatches: 1 as unknown as boolean }), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
});

test.run();
