// The chunk-boundary properties, parametrised by store: chunk-boundaries.test.ts runs them on a MemoryStore (every
// runtime, browsers included), chunk-boundaries-fs.test.ts on a FileStore (node:fs).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type DType, type NDArray, allocTyped, dtypeInfo, ndarray, shapeSize } from "@shoal/core";
import type { Store } from "@shoal/storage";
import { DatasetEngine, type TensorEngine, type TensorSpec } from "../src/index.ts";

/** mulberry32: a seeded generator, so a failure names the seed that reproduces it. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function randomArray(dtype: DType, shape: number[], rand: (n: number) => number): NDArray {
  const out = allocTyped(dtype, shapeSize(shape)) as unknown as { [i: number]: number; length: number };
  // Low-entropy runs so lz4 chunks really compress, with noise so misplaced bytes show.
  for (let i = 0; i < out.length; i++) out[i] = rand(4) === 0 ? rand(200) : (i >> 3) % 50;
  return ndarray(dtype, shape, out as never);
}

const MAX = 1024;

interface Case {
  name: string;
  spec: TensorSpec;
  /** One random sample (the expected read value is the sample itself unless `expect` says otherwise). */
  sample(rand: (n: number) => number): unknown;
  /** Whether extendBatch applies (array tensors), and the dtype/rank of its batches. */
  batch?: { dtype: DType; inner: (rand: (n: number) => number) => number[] };
}

const dims = (rand: (n: number) => number, bytesPerItem: number, maxBytes: number): number[] => {
  // Mostly small samples, some around the chunk size, a few well past it.
  const bytes = [rand(64), rand(700), 900 + rand(400), 1500 + rand(2500)][rand(8) < 5 ? 0 : rand(3) + 1]!;
  const items = Math.max(0, Math.min(maxBytes, bytes) / bytesPerItem) | 0;
  const w = 1 + rand(4);
  return [Math.ceil(items / w), w];
};

const cases: Case[] = [
  {
    name: "raw uint8",
    spec: { dtype: "uint8", maxChunkSize: MAX, tilingThreshold: -1 },
    sample: (rand) => (rand(20) === 0 ? null : randomArray("uint8", dims(rand, 1, 4000), rand)),
    batch: { dtype: "uint8", inner: (rand) => dims(rand, 1, 4000) },
  },
  {
    name: "raw float32",
    spec: { dtype: "float32", maxChunkSize: MAX, tilingThreshold: -1 },
    sample: (rand) => randomArray("float32", dims(rand, 4, 4000), rand),
    batch: { dtype: "float32", inner: (rand) => dims(rand, 4, 4000) },
  },
  {
    name: "raw float64 scalars",
    spec: { dtype: "float64", maxChunkSize: MAX },
    sample: (rand) => ndarray("float64", [], Float64Array.of(rand(1e6) / 7)),
    batch: { dtype: "float64", inner: () => [] },
  },
  {
    name: "lz4 chunk-compressed uint16",
    spec: { dtype: "uint16", chunkCompression: "lz4", maxChunkSize: MAX, tilingThreshold: -1 },
    sample: (rand) => randomArray("uint16", dims(rand, 2, 4000), rand),
    batch: { dtype: "uint16", inner: (rand) => dims(rand, 2, 4000) },
  },
  {
    name: "deflate chunk-compressed uint8",
    spec: { dtype: "uint8", chunkCompression: "deflate", maxChunkSize: MAX, tilingThreshold: -1 },
    sample: (rand) => randomArray("uint8", dims(rand, 1, 3000), rand),
    batch: { dtype: "uint8", inner: (rand) => dims(rand, 1, 3000) },
  },
  {
    name: "lz4 sample-compressed uint8",
    spec: { dtype: "uint8", sampleCompression: "lz4", maxChunkSize: MAX, tilingThreshold: -1 },
    sample: (rand) => randomArray("uint8", dims(rand, 1, 4000), rand),
    batch: { dtype: "uint8", inner: (rand) => dims(rand, 1, 4000) },
  },
  {
    name: "tiled uint8 (samples past maxChunkSize are tiled)",
    spec: { dtype: "uint8", maxChunkSize: MAX },
    sample: (rand) => randomArray("uint8", dims(rand, 1, 5000), rand),
    batch: { dtype: "uint8", inner: (rand) => dims(rand, 1, 5000) },
  },
  {
    name: "tiled, lz4 sample-compressed int16",
    spec: { dtype: "int16", sampleCompression: "lz4", maxChunkSize: MAX },
    sample: (rand) => randomArray("int16", dims(rand, 2, 5000), rand),
  },
  {
    name: "text",
    spec: { encoding: "text", maxChunkSize: MAX },
    sample: (rand) => "ab🌊é-".repeat(rand(4) === 0 ? 100 + rand(400) : rand(30)) + String(rand(1000)),
  },
  {
    name: "json",
    spec: { encoding: "json", maxChunkSize: MAX },
    sample: (rand) => (rand(15) === 0 ? null : { id: rand(1000), tags: Array.from({ length: rand(4) === 0 ? 100 + rand(200) : rand(8) }, (_, i) => `t${i}`) }),
  },
  {
    name: "list",
    spec: { encoding: "list", maxChunkSize: MAX },
    sample: (rand) => Array.from({ length: rand(4) === 0 ? 200 + rand(200) : rand(6) }, (_, i) => i * 3),
  },
];

/** What a read returns for a written sample. */
function expected(c: Case, s: unknown, rank: number): unknown {
  if (s !== null) return s;
  if (c.spec.encoding === "json") return null;
  if (c.spec.encoding === "list") return [];
  const dtype = c.spec.dtype as DType;
  return ndarray(dtype, new Array<number>(rank).fill(0), new (dtypeInfo(dtype).ArrayType)(0) as never);
}

function shapeOfExpected(c: Case, v: unknown): readonly number[] {
  if (c.spec.encoding === "text") return [1];
  // An empty json sample (null) stores no bytes and shape [0].
  if (c.spec.encoding === "json") return v === null ? [0] : [1];
  if (c.spec.encoding === "list") return [(v as unknown[]).length];
  return (v as NDArray).shape;
}

async function checkAll(c: Case, t: TensorEngine, want: unknown[], ds: DatasetEngine, where: string): Promise<void> {
  assert.is(t.length, want.length, `${where}: length`);
  for (let i = 0; i < want.length; i++) {
    assert.equal(await t.read(i), want[i], `${where}: read(${i})`);
    assert.equal([...(await t.shape(i))], [...shapeOfExpected(c, want[i])], `${where}: shape(${i})`);
  }
  const order = Array.from({ length: want.length }, (_, i) => (i * 7919) % want.length);
  assert.equal(await t.readMany(order), order.map((i) => want[i]), `${where}: readMany`);
  assert.equal(await t.readRange(0, want.length), want, `${where}: readRange`);
  const bytes = await t.readBytesMany(order);
  const single = await Promise.all(order.map((i) => t.readBytes(i)));
  assert.equal(bytes.map((b) => [...b.bytes]), single.map((b) => [...b.bytes]), `${where}: readBytesMany`);
  if (c.spec.encoding === undefined && want.length > 0) {
    const shapes = await t.readMany(order);
    const first = (shapes[0] as NDArray).shape;
    const same = order.filter((_, k) => (shapes[k] as NDArray).shape.join() === first.join());
    const out = allocTyped(c.spec.dtype as DType, same.length * shapeSize(first));
    assert.equal([...(await t.readManyInto(same, out as never))], [...first], `${where}: readManyInto shape`);
    const flat: number[] = [];
    for (const i of same) flat.push(...Array.from((want[i] as NDArray).data as ArrayLike<number>));
    assert.equal(Array.from(out as ArrayLike<number>), flat, `${where}: readManyInto`);
  }
  const shapeTensor = t.linkedTensors().shape;
  if (shapeTensor) {
    const stored = (await shapeTensor.readMany(order)).map((a) => Array.from((a as NDArray).data as Uint32Array));
    assert.equal(stored, order.map((i) => [...shapeOfExpected(c, want[i])]), `${where}: hidden shape tensor`);
  }
  const ids = t.linkedTensors().id;
  if (ids) assert.is(new Set((await ids.column())!.data as BigUint64Array).size, want.length, `${where}: hidden ids`);
  void ds;
}

async function run(c: Case, makeStore: () => Store, seed: number): Promise<void> {
  const rand = rng(seed);
  const store = makeStore();
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("x", c.spec);
  const want: unknown[] = [];
  let rank = -1;
  const rankOf = (s: unknown) => (s !== null && typeof s === "object" && "shape" in s ? (s as NDArray).shape.length : -1);
  const calls = 6 + rand(6);
  for (let k = 0; k < calls; k++) {
    // Odd seeds open with an extendBatch into the empty tensor (the case that once lost the rank of later chunks).
    const op = k === 0 && seed % 2 === 1 && c.batch ? 3 : rand(c.batch ? 4 : 3);
    if (op === 0) {
      const s = c.sample(rand);
      await t.append(s);
      want.push(s);
    } else if (op === 3) {
      const b = c.batch!;
      const inner = b.inner(rand);
      const n = 1 + rand(rand(3) === 0 ? 200 : 12);
      const whole = randomArray(b.dtype, [n, ...inner], rand);
      await t.extendBatch(whole);
      const per = shapeSize(inner);
      for (let i = 0; i < n; i++) want.push(ndarray(b.dtype, inner, whole.data.slice(i * per, (i + 1) * per) as never));
    } else {
      const batch = Array.from({ length: 1 + rand(rand(3) === 0 ? 60 : 8) }, () => c.sample(rand));
      await t.extend(batch);
      want.push(...batch);
    }
    if (rand(4) === 0) await ds.flush();
  }
  for (const s of want) if (rank < 0) rank = rankOf(s);
  const values = want.map((s) => expected(c, s, Math.max(rank, 0)));
  const where = `${c.name}, seed ${seed}`;
  await checkAll(c, t, values, ds, `${where}, before flush`);
  await ds.flush();
  await checkAll(c, t, values, ds, `${where}, after flush`);
  const again = await DatasetEngine.open(store);
  await checkAll(c, again.tensor("x"), values, again, `${where}, reopened`);
  again.clearCache();
  const reversed = Array.from({ length: values.length }, (_, i) => values.length - 1 - i);
  assert.equal(await again.tensor("x").readMany(reversed), reversed.map((i) => values[i]), `${where}, reopened cold: readMany`);
}

export function boundaryTests(stores: [string, () => Store][]): void {
  for (const [storeName, makeStore] of stores) {
    for (const c of cases) {
      test(`${c.name} round-trips across chunk boundaries (${storeName})`, async () => {
        for (const seed of [1, 2, 3]) await run(c, makeStore, seed * 1000 + c.name.length);
      });
    }

    test(`one extendBatch spanning many chunks reads back (${storeName})`, async () => {
      const ds = await DatasetEngine.create(makeStore());
      const t = await ds.createTensor("x", { dtype: "float32", maxChunkSize: 1024 });
      const data = Float32Array.from({ length: 150 * 16 }, (_, i) => i * 0.5);
      await t.extendBatch(ndarray("float32", [150, 16], data));
      const check = async (tensor: TensorEngine) => {
        assert.equal(await tensor.read(16), ndarray("float32", [16], data.slice(16 * 16, 17 * 16)));
        assert.equal([...(await tensor.shape(140))], [16]);
        const all = await tensor.readRange(0, 150);
        all.forEach((v, i) => assert.equal(v, ndarray("float32", [16], data.slice(i * 16, (i + 1) * 16)), `sample ${i}`));
        // 64 bytes a sample, 1024 a chunk: 16 per chunk.
        const ids = await tensor.chunkIds();
        assert.is(ids[15], ids[0]);
        assert.is.not(ids[16], ids[15]);
      };
      await check(t);
      await ds.flush();
      await check(t);
      await check((await DatasetEngine.open(ds.store)).tensor("x"));
    });
  }
}
