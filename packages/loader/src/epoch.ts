/**
 * One epoch: read runs of the epoch order (chunk by chunk, bounded look-ahead), pass records through the shuffle
 * buffer, cut batches, decode them (workers or in-thread, bounded prefetch), then drop failures, transform and
 * collate. Payloads of records waiting in the buffer are the only per-sample state; `into` tensors hold none, their
 * samples are read when the batch is cut.
 * @module
 */
import { type NDArray, ShapeError, type TypedArray, bytesOf, dtypeInfo, equalShapes, ndarray, shapeSize } from "@shoal/core";
import { collateValues, defaultCollate, dropSamples, imagesOf, isNDArray, sampleOf } from "./collate.ts";
import { SampleReadError } from "./errors.ts";
import type { BatchBuffers } from "./batch-buffers.ts";
import type { SamplePool } from "./sample-pool.ts";
import type { ShuffleBuffer } from "./shuffle-buffer.ts";
import type { TensorPlan } from "./tensor-plan.ts";
import type { Batch, Transform } from "./types.ts";
import { decodeJob } from "./workers/decode-core.ts";
import type { WorkerPool } from "./workers/pool.ts";
import type { DecodeJob, DecodedTensor } from "./workers/protocol.ts";

export interface EpochContext {
  /** Positions (of the loader's view) in this rank's epoch order, before the shuffle buffer. */
  order: Uint32Array;
  /** Dense chunk number per view position: runs never cross a chunk. */
  chunkOf: Uint32Array;
  /** Root row index per view position. */
  roots: Uint32Array;
  tensors: TensorPlan[];
  batchSize: number;
  dropLast: boolean;
  buffer: ShuffleBuffer | null;
  ignoreErrors: boolean;
  numThreads: number;
  prefetch: number;
  pool: WorkerPool | null;
  transform: Transform | null;
  collate: ((samples: unknown[]) => unknown) | null;
  returnIndex: boolean;
  signal: AbortSignal | undefined;
  /** Where batch arrays are allocated (fresh, or recycled with `reuseBatches`). */
  buffers: BatchBuffers;
  onSkip(count: number): void;
  log(message: string): void;
}

interface RunResult {
  start: number;
  end: number;
  /** Per payload tensor, one value per record of the run (undefined where it failed). */
  values: unknown[][];
  failed: Uint8Array | null;
}

interface RawBatch {
  ids: Int32Array;
  /** Per payload tensor: the gathered batch value, or packed bytes for worker-decoded tensors. */
  payload: unknown[];
  /** Batch positions whose run read failed (ignoreErrors), ascending: dropped with the decode failures. */
  failed: number[];
}

interface DecodedBatch {
  ids: Int32Array;
  values: unknown[];
  /** Batch positions that failed, ascending. */
  failed: number[];
}

const RUN_BYTES = 16 * 1024 * 1024;

/**
 * Optional bulk form of `readBytes` on a stored column (root-row indices): the stored bytes of many samples with one
 * ranged read per chunk. Feature-detected; without it each sample is one `readBytes` call.
 */
interface BulkBytes {
  readBytesMany?(indices: ArrayLike<number>, opts?: { signal?: AbortSignal }): Promise<{ bytes: Uint8Array; compression: string | null }[]>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Tensors read at run time (into the shuffle buffer); `column` and `into` tensors are read when a batch is cut. */
function isPayload(t: TensorPlan): boolean {
  return t.kind !== "column" && t.kind !== "into";
}

/** Splits the order into runs that stay inside one chunk and hold about RUN_BYTES of samples. */
function runsOf(ctx: EpochContext, payloadTensors: TensorPlan[]): Uint32Array {
  const perSample = payloadTensors.reduce((s, t) => s + t.estimateBytes, 0);
  const maxRun = payloadTensors.length === 0 ? 65536 : Math.max(1, Math.min(65536, Math.floor(RUN_BYTES / Math.max(1, perSample))));
  const bounds: number[] = [0];
  const { order, chunkOf } = ctx;
  let start = 0;
  for (let k = 1; k <= order.length; k++) {
    if (k === order.length || k - start >= maxRun || chunkOf[order[k]!] !== chunkOf[order[k - 1]!]) {
      bounds.push(k);
      start = k;
    }
  }
  if (order.length === 0) return new Uint32Array(1);
  return Uint32Array.from(bounds);
}

/** A sample of another shape than its tensor's fixed shape (the column's shape metadata was wrong). */
function shapeMismatch(plan: TensorPlan, root: number, shape: readonly number[]): ShapeError {
  return new ShapeError(`[shoal] tensor ${JSON.stringify(plan.name)}: sample ${root} is [${shape.join(", ")}], the tensor's samples are [${plan.sampleShape.join(", ")}]`);
}

/**
 * The samples of a run for a `pooled` tensor: each copied once by the stored column (`readManyInto`, root rows) into
 * a recycled array. One call per sample, so a failure names its sample; the chunk is fetched and decoded once.
 */
function readPooled(ctx: EpochContext, plan: TensorPlan, pool: SamplePool, positions: Uint32Array, fail: (j: number, cause: unknown) => void): Promise<unknown[]> {
  plan.assertValid();
  const roots = Uint32Array.from(positions, (p) => ctx.roots[p]!);
  const signal = ctx.signal;
  return Promise.all(
    Array.from(roots, async (root, j) => {
      const array = pool.take();
      try {
        const shape = await plan.base.readManyInto!(roots.subarray(j, j + 1), array, { signal });
        if (!equalShapes(shape, plan.sampleShape)) throw shapeMismatch(plan, root, shape);
        return ndarray(plan.dtype!, plan.sampleShape, array as never) as NDArray;
      } catch (e) {
        pool.give(array);
        if (signal?.aborted) throw e;
        fail(j, e);
        return undefined;
      }
    }),
  );
}

async function fetchRun(ctx: EpochContext, payloadTensors: TensorPlan[], pools: (SamplePool | null)[], start: number, end: number): Promise<RunResult> {
  const positions = ctx.order.subarray(start, end);
  const n = end - start;
  let failed: Uint8Array | null = null;
  const fail = (t: TensorPlan, j: number, cause: unknown): void => {
    if (!ctx.ignoreErrors) throw new SampleReadError(t.name, ctx.roots[positions[j]!]!, "read", { cause });
    failed ??= new Uint8Array(n);
    failed[j] = 1;
  };
  const opts = { signal: ctx.signal };
  const values = await Promise.all(
    payloadTensors.map(async (t, i) => {
      if (t.kind === "pooled") return readPooled(ctx, t, pools[i]!, positions, (j, e) => fail(t, j, e));
      if (t.kind === "read") {
        try {
          return await t.col.readMany(positions, opts);
        } catch (e) {
          if (ctx.signal?.aborted) throw e;
          // Find the failing samples one by one, so the error (or the skip) names the right index.
          const out: unknown[] = new Array(n);
          for (let j = 0; j < n; j++) {
            try {
              out[j] = await t.col.read(positions[j]!, opts);
            } catch (err) {
              fail(t, j, err);
            }
          }
          return out;
        }
      }
      const bytes = await readStoredBytes(ctx, t, positions, (j, e) => fail(t, j, e));
      if (t.kind === "ranged") {
        // Raw samples are copied into the batch by length: one of another length (a stale shape index) fails here.
        const want = shapeSize(t.sampleShape) * dtypeInfo(t.dtype!).itemSize;
        for (let j = 0; j < n; j++) {
          const b = bytes[j];
          if (b && b.byteLength !== want) {
            bytes[j] = undefined;
            fail(t, j, new ShapeError(`[shoal] tensor ${JSON.stringify(t.name)}: sample ${ctx.roots[positions[j]!]} holds ${b.byteLength} bytes, its shape [${t.sampleShape.join(", ")}] needs ${want}`));
          }
        }
      }
      return bytes;
    }),
  );
  return { start, end, values, failed };
}

/** The stored bytes of a run: one call per run where the stored column has `readBytesMany`, else one per sample. */
async function readStoredBytes(ctx: EpochContext, t: TensorPlan, positions: Uint32Array, fail: (j: number, cause: unknown) => void): Promise<(Uint8Array | undefined)[]> {
  const opts = { signal: ctx.signal };
  const many = (t.base as BulkBytes).readBytesMany;
  if (many) {
    // One request per chunk instead of one per sample.
    const roots = Uint32Array.from(positions, (p) => ctx.roots[p]!);
    try {
      return (await many.call(t.base, roots, opts)).map((r) => r.bytes);
    } catch (e) {
      if (ctx.signal?.aborted) throw e;
      // Fall through to per-sample reads, which name the failing sample.
    }
  }
  // `ranged` plans read root rows from the stored column; the others read view positions from the view's column.
  const read = t.kind === "ranged" ? (p: number) => t.base.readBytes!(ctx.roots[p]!, opts) : (p: number) => t.col.readBytes!(p, opts);
  return Promise.all(
    Array.from(positions, (p, j) =>
      read(p).then(
        (r) => r.bytes,
        (err: unknown) => {
          if (ctx.signal?.aborted) throw err;
          fail(j, err);
          return undefined;
        },
      ),
    ),
  );
}

/** Runs read ahead, at most `numThreads` in flight, yielded in order. */
async function* readRuns(ctx: EpochContext, payloadTensors: TensorPlan[], pools: (SamplePool | null)[]): AsyncGenerator<RunResult> {
  const bounds = runsOf(ctx, payloadTensors);
  const inflight: Promise<RunResult>[] = [];
  let next = 0;
  const count = bounds.length - 1;
  const start = (): void => {
    const p = fetchRun(ctx, payloadTensors, pools, bounds[next]!, bounds[next + 1]!);
    p.catch(() => undefined);
    inflight.push(p);
    next++;
  };
  const lookahead = payloadTensors.length === 0 ? 1 : ctx.numThreads;
  while (next < count && inflight.length < lookahead) start();
  while (inflight.length > 0) {
    const r = await inflight.shift()!;
    if (next < count) start();
    yield r;
  }
}

function sizeOf(v: unknown): number {
  if (v instanceof Uint8Array) return v.byteLength;
  if (isNDArray(v)) return v.data.byteLength;
  if (typeof v === "string") return v.length;
  if (Array.isArray(v)) return v.reduce((s: number, x) => s + sizeOf(x), 0);
  return 8;
}

/** A run whose samples still wait in the shuffle buffer (or in the batch being cut). */
interface HeldRun {
  start: number;
  values: unknown[][];
  failed: Uint8Array | null;
  left: number;
}

/**
 * The samples of a batch for one tensor: one array when all are NDArrays of one dtype and shape, else the list.
 * Failed samples (undefined) leave their slot unwritten; the batch drops them later.
 */
function gather(buffers: BatchBuffers, n: number, at: (j: number) => unknown): unknown {
  let first: NDArray | undefined;
  for (let j = 0; j < n; j++) {
    const v = at(j);
    if (v === undefined) continue;
    if (!isNDArray(v)) return Array.from({ length: n }, (_, k) => at(k));
    if (!first) first = v;
    else if (v.dtype !== first.dtype || !equalShapes(v.shape, first.shape)) return Array.from({ length: n }, (_, k) => at(k));
  }
  if (!first) return Array.from({ length: n }, (_, k) => at(k));
  const each = first.data.length;
  const out = buffers.alloc(first.dtype, n * each);
  for (let j = 0; j < n; j++) {
    const v = at(j) as NDArray | undefined;
    if (v) out.set(v.data as never, j * each);
  }
  return ndarray(first.dtype, [n, ...first.shape], out as never);
}

/** Raw samples of a `ranged` tensor (views of their run's read) copied once into one batch array; failed ones skipped. */
function gatherRaw(buffers: BatchBuffers, plan: TensorPlan, n: number, at: (j: number) => unknown): NDArray {
  const size = shapeSize(plan.sampleShape);
  const out = buffers.alloc(plan.dtype!, n * size);
  const bytes = bytesOf(out);
  const each = size * out.BYTES_PER_ELEMENT;
  for (let j = 0; j < n; j++) {
    const v = at(j) as Uint8Array | undefined;
    if (v) bytes.set(v, j * each);
  }
  return ndarray(plan.dtype!, [n, ...plan.sampleShape], out as never) as NDArray;
}

/** The compressed samples of a batch packed back to back (one buffer, transferred to a worker); failed ones empty. */
function packBytes(n: number, at: (j: number) => unknown): { bytes: Uint8Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(n + 1);
  for (let j = 0; j < n; j++) offsets[j + 1] = offsets[j]! + ((at(j) as Uint8Array | undefined)?.byteLength ?? 0);
  const bytes = new Uint8Array(offsets[n]!);
  for (let j = 0; j < n; j++) {
    const b = at(j) as Uint8Array | undefined;
    if (b) bytes.set(b, offsets[j]!);
  }
  return { bytes, offsets };
}

async function* rawBatches(ctx: EpochContext): AsyncGenerator<RawBatch> {
  const payloadTensors = ctx.tensors.filter(isPayload);
  const pools = payloadTensors.map((t) => t.pool);
  const fixedBytes = ctx.tensors.reduce((s, t) => s + (isPayload(t) ? 0 : t.estimateBytes), 0);
  // Record k (a position in the epoch order) lives in run held[runOf[k]] until its batch is cut: no per-sample objects.
  const runOf = payloadTensors.length > 0 ? new Uint32Array(ctx.order.length) : null;
  const held: (HeldRun | undefined)[] = [];
  const B = ctx.batchSize;
  const ready: Int32Array[] = [];
  let cur = new Int32Array(B);
  let fill = 0;
  const emit = (k: number): void => {
    cur[fill++] = k;
    if (fill === B) {
      ready.push(cur);
      cur = new Int32Array(B);
      fill = 0;
    }
  };
  const take = (ids: Int32Array): RawBatch => {
    if (!runOf) return { ids, payload: [], failed: [] };
    const n = ids.length;
    const failed: number[] = [];
    for (let j = 0; j < n; j++) {
      const k = ids[j]!;
      const run = held[runOf[k]!]!;
      if (run.failed?.[k - run.start]) failed.push(j);
    }
    const payload: unknown[] = new Array(payloadTensors.length);
    for (let t = 0; t < payloadTensors.length; t++) {
      const at = (j: number): unknown => {
        const k = ids[j]!;
        const run = held[runOf[k]!]!;
        return run.values[t]![k - run.start];
      };
      const kind = payloadTensors[t]!.kind;
      payload[t] =
        kind === "read" || kind === "pooled"
          ? gather(ctx.buffers, n, at)
          : kind === "ranged"
            ? gatherRaw(ctx.buffers, payloadTensors[t]!, n, at)
            : kind === "codec"
              ? packBytes(n, at)
              : Array.from({ length: n }, (_, j) => at(j));
      const pool = pools[t];
      if (pool && isNDArray(payload[t])) {
        // Copied into the batch: the sample arrays serve the next run.
        for (let j = 0; j < n; j++) {
          const v = at(j) as NDArray | undefined;
          if (v) pool.give(v.data as TypedArray);
        }
      }
    }
    for (let j = 0; j < n; j++) {
      const r = runOf[ids[j]!]!;
      if (--held[r]!.left === 0) held[r] = undefined;
    }
    return { ids, payload, failed };
  };
  const buffer = ctx.buffer;
  let runNo = 0;
  for await (const run of readRuns(ctx, payloadTensors, pools)) {
    const r = runNo++;
    if (runOf) held[r] = { start: run.start, values: run.values, failed: run.failed, left: 0 };
    for (let k = run.start; k < run.end; k++) {
      const j = k - run.start;
      // A failed record still takes its place in the buffer and its batch (where it is dropped), so a failure found
      // at run time and one found when the batch is cut (`into` tensors, decoding) shape the epoch alike.
      if (runOf) {
        runOf[k] = r;
        held[r]!.left++;
      }
      if (buffer) {
        let size = fixedBytes;
        for (let t = 0; t < run.values.length; t++) {
          const v = run.values[t]![j];
          size += v === undefined ? payloadTensors[t]!.estimateBytes : sizeOf(v);
        }
        buffer.push(k, size, emit);
      } else emit(k);
    }
    if (runOf && held[r]!.left === 0) held[r] = undefined;
    for (const ids of ready) yield take(ids);
    ready.length = 0;
  }
  if (buffer) {
    if (buffer.tooSmall > 0) ctx.log(`shuffle buffer too small: ${buffer.tooSmall} samples passed through unshuffled`);
    buffer.drain(emit);
  }
  for (const ids of ready) yield take(ids);
  if (fill > 0 && !ctx.dropLast) yield take(cur.subarray(0, fill));
}

function fromDecoded(d: DecodedTensor, method: string): unknown {
  if (d.stacked) {
    const array = ndarray(d.stacked.dtype, d.stacked.shape, d.stacked.data as never) as NDArray;
    return method === "image" ? imagesOf(array) : array;
  }
  const list = (d.ragged ?? []).map((r) => (r ? (ndarray(r.dtype, r.shape, r.data as never) as NDArray) : null));
  if (method !== "image") return list;
  return list.map((a) => (a ? imagesOf(ndarray("uint8", [1, ...a.shape], a.data as never))[0] : null));
}

/**
 * The samples of a batch copied straight into one batch array by the stored column (`readManyInto`, root rows): one
 * copy per sample. When the batch read fails, each sample is read on its own to name (or skip) the failing ones.
 */
async function readInto(ctx: EpochContext, plan: TensorPlan, ids: Int32Array): Promise<{ value: NDArray; failed: number[] }> {
  plan.assertValid();
  const n = ids.length;
  const dtype = plan.dtype!;
  const size = shapeSize(plan.sampleShape);
  const out = ctx.buffers.alloc(dtype, n * size);
  const value = ndarray(dtype, [n, ...plan.sampleShape], out as never) as NDArray;
  const roots = new Uint32Array(n);
  for (let j = 0; j < n; j++) roots[j] = ctx.roots[ctx.order[ids[j]!]!]!;
  const base = plan.base;
  const signal = ctx.signal;
  const expect = (shape: readonly number[], root: number): void => {
    if (!equalShapes(shape, plan.sampleShape)) throw shapeMismatch(plan, root, shape);
  };
  try {
    expect(await base.readManyInto!(roots, out, { signal }), roots[0]!);
    return { value, failed: [] };
  } catch (e) {
    if (signal?.aborted) throw e;
  }
  // Ascending order: a sample larger than its slot can only spill into slots not yet read (and a sample near the end
  // is rejected before anything is written), so every kept slot holds its own sample.
  const failed: number[] = [];
  for (let j = 0; j < n; j++) {
    try {
      expect(await base.readManyInto!(roots.subarray(j, j + 1), out, { signal, offset: j * size }), roots[j]!);
    } catch (e) {
      if (signal?.aborted) throw e;
      if (!ctx.ignoreErrors) throw new SampleReadError(plan.name, roots[j]!, "read", { cause: e });
      failed.push(j);
    }
  }
  return { value, failed };
}

async function decodeBatch(ctx: EpochContext, raw: RawBatch): Promise<DecodedBatch> {
  const n = raw.ids.length;
  const failed = new Set<number>(raw.failed);
  const values: unknown[] = new Array(ctx.tensors.length);
  const jobs: DecodeJob[] = [];
  const jobSlots: number[] = [];
  const reads: Promise<void>[] = [];
  let p = 0;
  for (let t = 0; t < ctx.tensors.length; t++) {
    const plan = ctx.tensors[t]!;
    if (plan.kind === "into") {
      reads.push(
        readInto(ctx, plan, raw.ids).then((r) => {
          values[t] = r.value;
          for (const j of r.failed) failed.add(j);
        }),
      );
      continue;
    }
    if (plan.kind === "column") {
      const dense = plan.dense!;
      const out = ctx.buffers.alloc(dense.dtype, n);
      const src = dense.data as TypedArray;
      for (let j = 0; j < n; j++) (out as Uint32Array)[j] = (src as Uint32Array)[ctx.order[raw.ids[j]!]!]!;
      values[t] = ndarray(dense.dtype, [n, ...plan.sampleShape], out as never);
      continue;
    }
    const samples = raw.payload[p++]!;
    if (plan.kind !== "codec") values[t] = samples;
    else {
      const { bytes, offsets } = samples as { bytes: Uint8Array; offsets: Uint32Array };
      jobs.push({ tensor: plan.name, codec: plan.codec!, method: plan.method === "image" ? "image" : "numpy", bytes, offsets });
      jobSlots.push(t);
    }
  }
  if (jobs.length > 0) {
    // Batch reads run while the workers decode.
    const pending = reads.length > 0 ? Promise.all(reads) : null;
    pending?.catch(() => undefined);
    const decoded = ctx.pool ? await ctx.pool.decode(jobs) : await Promise.all(jobs.map((j) => decodeJob(j)));
    if (pending) await pending;
    for (let i = 0; i < decoded.length; i++) {
      const d = decoded[i]!;
      const t = jobSlots[i]!;
      const plan = ctx.tensors[t]!;
      for (const f of d.failed) {
        if (!ctx.ignoreErrors) throw new SampleReadError(plan.name, ctx.roots[ctx.order[raw.ids[f.at]!]!]!, "decode", { cause: new Error(f.message) });
        failed.add(f.at);
      }
      values[t] = fromDecoded(d, plan.method);
    }
  } else if (reads.length > 0) await Promise.all(reads);
  return { ids: raw.ids, values, failed: [...failed].sort((a, b) => a - b) };
}

function indexArray(ctx: EpochContext, ids: Int32Array): NDArray {
  const out = ctx.buffers.alloc("uint32", ids.length) as Uint32Array;
  for (let j = 0; j < ids.length; j++) out[j] = ctx.roots[ctx.order[ids[j]!]!]!;
  return ndarray("uint32", [ids.length], out);
}

function finalize(ctx: EpochContext, d: DecodedBatch): unknown {
  let ids = d.ids;
  let values = d.values;
  if (d.failed.length > 0) {
    ctx.onSkip(d.failed.length);
    values = values.map((v) => dropSamples(v, d.failed, ids.length));
    const skip = new Set(d.failed);
    ids = ids.filter((_, j) => !skip.has(j));
  }
  const names = ctx.tensors.map((t) => t.name);
  const transform = ctx.transform;
  if (!transform && !ctx.collate) {
    const batch: Batch = {};
    for (let t = 0; t < names.length; t++) batch[names[t]!] = values[t] as Batch[string];
    if (ctx.returnIndex) batch.index = indexArray(ctx, ids);
    return batch;
  }
  const wantsIndex = ctx.returnIndex || (transform !== null && typeof transform !== "function" && "index" in transform);
  const index = wantsIndex ? indexArray(ctx, ids) : null;
  const n = ids.length;
  const rootOf = (j: number): number => ctx.roots[ctx.order[ids[j]!]!]!;
  const failedAt: number[] = [];
  const fail = (key: string, j: number, e: unknown): void => {
    if (!ctx.ignoreErrors) throw new SampleReadError(key, rootOf(j), "transform", { cause: e });
    ctx.log(`skipped sample ${rootOf(j)}: ${message(e)}`);
    failedAt.push(j);
  };
  const valueOf = (key: string): unknown => (key === "index" ? index : values[names.indexOf(key)]);
  if (transform && typeof transform !== "function" && !ctx.collate) {
    // Dict transform: each listed tensor through its function (or passed through as batched), nothing else.
    const results = new Map<string, unknown[]>();
    for (const [key, fn] of Object.entries(transform)) {
      if (!fn) continue;
      const batchValue = valueOf(key);
      const out: unknown[] = new Array(n);
      for (let j = 0; j < n; j++) {
        try {
          out[j] = fn(sampleOf(batchValue, j) as never);
        } catch (e) {
          fail(key, j, e);
        }
      }
      results.set(key, out);
    }
    const drop = [...new Set(failedAt)].sort((a, b) => a - b);
    if (drop.length) ctx.onSkip(drop.length);
    const batch: Record<string, unknown> = {};
    for (const key of Object.keys(transform)) {
      const r = results.get(key);
      batch[key] = r ? collateValues(dropSamples(r, drop, n) as unknown[]) : dropSamples(valueOf(key), drop, n);
    }
    return batch;
  }
  const kept: unknown[] = [];
  for (let j = 0; j < n; j++) {
    const sample: Record<string, unknown> = {};
    for (let t = 0; t < names.length; t++) sample[names[t]!] = sampleOf(values[t], j);
    if (index) sample.index = (index.data as Uint32Array)[j];
    let key = "transform";
    try {
      if (typeof transform === "function") kept.push(transform(sample as never));
      else if (transform) {
        const out: Record<string, unknown> = {};
        for (const [k, fn] of Object.entries(transform)) {
          key = k;
          out[k] = fn ? fn(sample[k] as never) : sample[k];
        }
        kept.push(out);
      } else kept.push(sample);
    } catch (e) {
      fail(key, j, e);
    }
  }
  if (failedAt.length) ctx.onSkip(failedAt.length);
  return (ctx.collate ?? defaultCollate)(kept);
}

/** The batches of one epoch, with at most `prefetch` batches decoding ahead of the consumer. */
export async function* runEpoch(ctx: EpochContext): AsyncGenerator<unknown> {
  const raw = rawBatches(ctx);
  const queue: Promise<DecodedBatch>[] = [];
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && queue.length < ctx.prefetch) {
        ctx.signal?.throwIfAborted();
        const r = await raw.next();
        if (r.done) {
          exhausted = true;
          break;
        }
        const p = decodeBatch(ctx, r.value);
        p.catch(() => undefined);
        queue.push(p);
      }
      const next = queue.shift();
      if (!next) return;
      const batch = finalize(ctx, await next);
      ctx.signal?.throwIfAborted();
      yield batch;
    }
  } finally {
    await raw.return(undefined);
  }
}
