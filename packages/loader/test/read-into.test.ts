import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, isShoalError } from "@shoal/core";
import type { TensorColumn, TensorSource } from "@shoal/views";
import { MemorySource } from "@shoal/views";
import { dataloader } from "../src/index.ts";
import { flakySource, numberedSource } from "./helpers/fixtures.ts";
import { engineDataset, withInto, withoutInto } from "./helpers/into.ts";

type Plain = Record<string, { shape: number[]; data: number[] }>;

/** Every batch as plain shapes and values (copied, so recycled buffers cannot change what was seen). */
async function batches(loader: AsyncIterable<unknown>): Promise<Plain[]> {
  const out: Plain[] = [];
  for await (const raw of loader) {
    const b: Plain = {};
    for (const [k, v] of Object.entries(raw as Record<string, NDArray>)) b[k] = { shape: [...v.shape], data: Array.from(v.data as ArrayLike<number>) };
    out.push(b);
  }
  return out;
}

const rows = (bs: Plain[], key = "index"): number[] => bs.flatMap((b) => b[key]!.data);
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

test("uniform: same batches as readMany, one readManyInto per batch and no readMany", async () => {
  const src = withInto(numberedSource(70, 16));
  const want = await batches(dataloader(numberedSource(70, 16)).batch(8).numpy({ returnIndex: true }));
  const got = await batches(dataloader(src).batch(8).numpy({ returnIndex: true }));
  assert.equal(got, want);
  assert.equal(src.calls.into.map((c) => c.length), [8, 8, 8, 8, 8, 8, 8, 8, 6]);
  assert.is(src.calls.readMany, 0);
  assert.equal(got[0]!.x!.shape, [8, 2]);
});

test("shuffled with a small buffer and an offset: same batches, every row once", async () => {
  const make = (s: TensorSource) => dataloader(s).batch(8).shuffle({ seed: 3, bufferSizeMB: 0.0004 }).offset(5).numpy({ returnIndex: true });
  const src = withInto(numberedSource(100, 16));
  const got = await batches(make(src));
  assert.equal(got, await batches(make(numberedSource(100, 16))));
  assert.equal(sorted(rows(got)), Array.from({ length: 100 }, (_, i) => i));
  assert.ok(src.calls.into.length > 0);
});

test("distributed ranks and dropLast: same batches per rank, shards disjoint", async () => {
  const make = (s: TensorSource, rank: number) =>
    dataloader(s).batch(8, { dropLast: true }).shuffle({ seed: 11, bufferSizeMB: 0.001 }).numpy({ returnIndex: true, distributed: { rank, worldSize: 2 } });
  const all: number[] = [];
  for (const rank of [0, 1]) {
    const got = await batches(make(withInto(numberedSource(75, 16)), rank));
    assert.equal(got, await batches(make(numberedSource(75, 16), rank)));
    assert.ok(got.every((b) => b.x!.shape[0] === 8));
    all.push(...rows(got));
  }
  assert.is(new Set(all).size, all.length);
  assert.is(all.length, 64);
});

test("ignoreErrors: the failing sample is found, skipped and counted, batches as with readMany", async () => {
  const make = (s: TensorSource) => dataloader(s, { ignoreErrors: true }).batch(4).shuffle({ seed: 5, bufferSizeMB: 0.0002 }).numpy({ returnIndex: true });
  const plain = make(flakySource(30, [13]));
  const into = make(withInto(flakySource(30, [13])));
  const got = await batches(into);
  assert.equal(got, await batches(plain));
  assert.is(into.skipped, 1);
  assert.is(plain.skipped, 1);
  // The failing sample leaves a gap in its batch: the batch count is still loader.length.
  assert.is(got.length, 8);
  assert.equal(got.map((b) => b.x!.shape[0]).filter((n) => n !== 4), [3, 2]);
  assert.equal(sorted(rows(got)), Array.from({ length: 30 }, (_, i) => i).filter((i) => i !== 13));
  assert.equal(sorted(rows(got, "x").filter((_, k) => k % 2 === 0)), sorted(rows(got)));
});

test("without ignoreErrors a failing batch read names the tensor and root index", async () => {
  try {
    await batches(dataloader(withInto(flakySource(20, [13]))).batch(4).numpy());
    assert.unreachable();
  } catch (e) {
    assert.ok(isShoalError(e, "SampleReadError"), String(e));
    assert.is((e as unknown as { tensor: string }).tensor, "x");
    assert.is((e as unknown as { index: number }).index, 13);
  }
});

test("reuseBatches: same batches, recycled buffers filled by readManyInto", async () => {
  const make = (s: TensorSource, reuseBatches: boolean) => dataloader(s).batch(8).shuffle({ seed: 9, bufferSizeMB: 0.001 }).numpy({ reuseBatches });
  const seen: ArrayBufferLike[] = [];
  const got: Plain[] = [];
  for await (const raw of make(withInto(numberedSource(200, 16)), true)) {
    const x = (raw as Record<string, NDArray>).x!;
    seen.push(x.data.buffer);
    got.push({ x: { shape: [...x.shape], data: Array.from(x.data as Float32Array) } });
  }
  const want = (await batches(make(numberedSource(200, 16), false))).map((b) => ({ x: b.x! }));
  assert.equal(got, want);
  assert.ok(new Set(seen).size < 10, `buffers: ${new Set(seen).size}`);
});

test("batchReads: false reads raw samples ahead through readMany, same batches; it must be a boolean", async () => {
  const make = (s: TensorSource, batchReads?: boolean) => dataloader(s).batch(8).shuffle({ seed: 4, bufferSizeMB: 0.001 }).numpy({ returnIndex: true, batchReads });
  const src = withInto(numberedSource(60, 16));
  const got = await batches(make(src, false));
  assert.equal(got, await batches(make(withInto(numberedSource(60, 16)))));
  assert.equal(src.calls.into, []);
  assert.ok(src.calls.readMany > 0);
  assert.throws(() => dataloader(numberedSource(4)).numpy({ batchReads: "yes" as unknown as boolean }), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
});

/** `inner` whose column `name` claims every sample is `shape` (its meta lies, as a stale shape index would). */
function claimingShape(inner: TensorSource, name: string, shape: number[]): TensorSource {
  return {
    length: inner.length,
    tensorNames: () => inner.tensorNames(),
    tensor(n: string): TensorColumn {
      const col = inner.tensor(n);
      return n === name ? { ...withInto(inner).tensor(n), meta: { ...col.meta, minShape: shape, maxShape: shape } } : col;
    },
  };
}

test("a sample of another shape than the tensor's fails with its index (skipped with ignoreErrors)", async () => {
  const inner = new MemorySource({ x: { dtype: "float32", samples: [[1, 2], [3, 4], [5, 6, 7], [8, 9]] } });
  const src = claimingShape(inner, "x", [2]);
  try {
    await batches(dataloader(src).batch(4).numpy());
    assert.unreachable();
  } catch (e) {
    assert.ok(isShoalError(e, "SampleReadError"), String(e));
    assert.is((e as unknown as { index: number }).index, 2);
    assert.ok(isShoalError((e as Error).cause, "ShapeError"));
  }
  const loader = dataloader(src, { ignoreErrors: true }).batch(4).numpy();
  const got = await batches(loader);
  assert.equal(got, [{ x: { shape: [3, 2], data: [1, 2, 3, 4, 8, 9] } }]);
  assert.is(loader.skipped, 1);
});

test("an aborted signal stops the epoch during batch reads", async () => {
  const ctl = new AbortController();
  let count = 0;
  try {
    for await (const _ of dataloader(withInto(numberedSource(64, 16))).batch(4).numpy({ signal: ctl.signal })) {
      if (++count === 2) ctl.abort(new Error("stop"));
    }
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /stop/);
  }
});

test("chunk engine: raw tensor read with readManyInto, same batches as readMany, on a query view", async () => {
  const { ds } = await engineDataset(150);
  const lines: string[] = [];
  const make = (s: TensorSource, verbose?: (m: string) => void) =>
    dataloader(s, { verbose }).query("select * where labels % 3 != 0").batch(16).shuffle({ seed: 2, bufferSizeMB: 0.002 }).numpy({ returnIndex: true, tensors: ["x", "labels"] });
  const got = await batches(make(ds, (m) => lines.push(m)));
  assert.equal(got, await batches(make(withoutInto(ds))));
  assert.ok(lines.some((l) => l.includes("x (into)")), lines.join("\n"));
  const index = rows(got);
  assert.equal(sorted(index), Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 3 !== 0));
  // Each x sample is its root row repeated, so the view's rows went through the base column with root indices.
  assert.equal(rows(got, "x"), index.flatMap((i) => new Array(16).fill(i)));
});

test("chunk engine: a corrupt chunk is skipped and counted alike on both paths", async () => {
  const { ds, store } = await engineDataset(64);
  let key: string | undefined;
  for await (const k of store.list("tensors/x/chunks/")) key ??= k;
  const bytes = (await store.get(key!))!.slice();
  bytes[bytes.length - 40]! ^= 0xff;
  await store.set(key!, bytes);
  const x = ds.tensor("x");
  const bad: number[] = [];
  for (let i = 0; i < 64; i++) await x.read(i).catch(() => bad.push(i));
  assert.ok(bad.length > 0 && bad.length < 64, `bad rows: ${bad.length}`);
  const make = (s: TensorSource) => dataloader(s, { ignoreErrors: true }).batch(8).shuffle({ seed: 7, bufferSizeMB: 0.002 }).numpy({ returnIndex: true, tensors: ["x"] });
  const into = make(ds);
  const plain = make(withoutInto(ds));
  const got = await batches(into);
  assert.equal(got, await batches(plain));
  assert.is(into.skipped, bad.length);
  assert.is(plain.skipped, bad.length);
  assert.equal(sorted(rows(got)), Array.from({ length: 64 }, (_, i) => i).filter((i) => !bad.includes(i)));
});

test("chunk engine: chunk-compressed samples go into the batch without a shuffle buffer, into pooled arrays with one", async () => {
  const { ds } = await engineDataset(80, "lz4");
  const plans = async (shuffle: boolean) => {
    const lines: string[] = [];
    const make = (s: TensorSource, verbose?: (m: string) => void) => {
      const l = dataloader(s, { verbose }).batch(16);
      return (shuffle ? l.shuffle({ seed: 1, bufferSizeMB: 0.002 }) : l).numpy({ returnIndex: true, tensors: ["x"] });
    };
    const got = await batches(make(ds, (m) => lines.push(m)));
    assert.equal(got, await batches(make(withoutInto(ds))));
    assert.equal(rows(got, "x"), rows(got).flatMap((i) => new Array(16).fill(i)));
    return lines.find((l) => l.startsWith("tensors:"));
  };
  assert.match((await plans(false))!, "x (into)");
  assert.match((await plans(true))!, "x (pooled)");
});

test.run();
