import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, type TensorColumn, type TensorSource, isShoalError } from "@shoal/core";
import type { Store } from "@shoal/storage";
import { openDatasetEngine } from "@shoal/chunks";
import { dataloader } from "../src/index.ts";
import { engineDataset } from "./helpers/into.ts";

/** `inner` seen as a remote store (what S3Store and HttpStore report), counting its reads. */
function remote(inner: Store): Store & { gets: number } {
  const store = {
    gets: 0,
    get: (key: string, opts?: Parameters<Store["get"]>[1]) => (store.gets++, inner.get(key, opts)),
    set: inner.set.bind(inner),
    delete: inner.delete.bind(inner),
    list: inner.list.bind(inner),
    head: inner.head.bind(inner),
    capabilities: { ...inner.capabilities, latency: "remote" as const },
  };
  return store;
}

async function rowsOf(loader: AsyncIterable<unknown>): Promise<{ index: number[]; x: number[]; sizes: number[] }> {
  const out = { index: [] as number[], x: [] as number[], sizes: [] as number[] };
  for await (const raw of loader) {
    const b = raw as Record<string, NDArray>;
    out.index.push(...(b.index!.data as Uint32Array));
    out.x.push(...Array.from(b.x!.data as Float32Array).filter((_, k) => k % 16 === 0));
    out.sizes.push(b.x!.shape[0]!);
  }
  return out;
}

test("remote store: raw samples read ahead with one request per chunk by default, same batches as batch reads", async () => {
  const { store } = await engineDataset(100);
  const far = remote(store);
  const near = await openDatasetEngine(store);
  const ds = await openDatasetEngine(far);
  assert.is(ds.tensor("x").remote, true);
  assert.is(near.tensor("x").remote, false);
  const make = (src: typeof ds, batchReads?: boolean) => dataloader(src).batch(8).shuffle({ seed: 2, bufferSizeMB: 0.002 }).numpy({ returnIndex: true, tensors: ["x"], batchReads });
  const want = await rowsOf(make(near));
  await rowsOf(make(ds)); // headers and shapes load once
  const before = far.gets;
  const got = await rowsOf(make(ds));
  assert.equal(got, want);
  assert.equal(got.x, got.index);
  const chunks = new Set(await ds.tensor("x").chunkIds!()).size;
  assert.is(far.gets - before, chunks);
  const forced = far.gets;
  assert.equal(await rowsOf(make(ds, true)), want);
  assert.ok(far.gets - forced > chunks, `batch reads: ${far.gets - forced} requests`);
});

test("remote store: a sample of another length than the tensor's shape fails with its index, skipped with ignoreErrors", async () => {
  const { store } = await engineDataset(40);
  const ds = await openDatasetEngine(remote(store));
  const col = ds.tensor("x");
  // The shape index claims 15 elements per sample, the chunks hold 16.
  const lie: TensorColumn = {
    meta: { ...col.meta, minShape: [15], maxShape: [15] },
    length: col.length,
    remote: col.remote,
    read: (i, o) => col.read(i, o),
    readMany: (ix, o) => col.readMany(ix, o),
    shape: (i, o) => col.shape(i, o),
    chunkIds: (o) => col.chunkIds(o),
    readBytes: (i, o) => col.readBytes(i, o),
    readBytesMany: (ix, o) => col.readBytesMany(ix, o),
  };
  const lying: TensorSource = { length: ds.length, tensorNames: () => ["x"], tensor: () => lie };
  try {
    for await (const _ of dataloader(lying).batch(4).numpy()) void _;
    assert.unreachable();
  } catch (e) {
    assert.ok(isShoalError(e, "SampleReadError"), String(e));
    assert.ok(isShoalError((e as Error).cause, "ShapeError"));
  }
  const loader = dataloader(lying, { ignoreErrors: true }).batch(4).numpy();
  let n = 0;
  for await (const _ of loader) n++;
  assert.is(loader.skipped, 40);
  assert.is(n, 10);
});

test.run();
