/**
 * `importDeepLake`: converts a Deep Lake 3.x (or hub 2.x) dataset into a new shoal dataset, tensor by tensor and a
 * few source chunks at a time (memory stays bounded by the chunks in flight), keeping sample-compressed files
 * byte for byte, and committing once at the end. A failed import deletes what it wrote at the destination.
 * @module
 */
import { InvalidArgumentError, isShoalError, ndarray, viewAs } from "@shoal/core";
import { checkWorkers, eachConcurrent } from "./parallel.ts";
import {
  type DeepLakeCreateTensorOptions, type DeepLakeDataset, type DeepLakeTensor, DeepLakeUnsupportedError, type MissingChunkError,
  openDeepLake,
} from "@shoal/deeplake-compat";
import type { SampleInput } from "@shoal/htypes";
import type { Store } from "@shoal/storage";
import type { CreateTensorOpts, Dataset } from "./dataset.ts";
import { toPlainJson } from "./deeplake-json.ts";
import { type EmptyOptions, type StoreCreds, empty, resolveStore } from "./open.ts";
import type { Tensor } from "./tensor.ts";

/** Samples of one source chunk that could not be read because the chunk is absent (imported as empty samples). */
export interface MissingSamples {
  tensor: string;
  /** Store key of the missing chunk in the source. */
  key: string;
  /** First sample index of the chunk. */
  start: number;
  /** Samples of the chunk (all left empty at the destination). */
  count: number;
}

export interface ImportDeepLakeOptions extends EmptyOptions {
  /** Source branch whose HEAD to import (default main). */
  branch?: string;
  /** Source commit to import; wins over `branch`. */
  commitId?: string;
  /** Visible tensors to import (default: all of them). Deep Lake's hidden tensors are never copied. */
  tensors?: readonly string[];
  /**
   * Import the samples of chunks missing from the source as empty samples (rows stay aligned with the source) instead
   * of failing with the reader's MissingChunkError; each such chunk is passed to `onMissing`.
   */
  skipMissing?: boolean;
  onMissing?: (missing: MissingSamples) => void;
  /** Samples copied so far, over every imported tensor. */
  onProgress?: (done: number, total: number) => void;
  /** Credentials of the source store when they differ from the destination's `creds`. */
  sourceCreds?: StoreCreds;
  /** Tensors copied at once (default 1): their chunk reads overlap, which is what an import from S3 waits on. */
  numWorkers?: number;
}

/** Source chunks read per batch: enough to overlap reads (the reader loads them concurrently), few enough to bound memory. */
const CHUNKS_PER_BATCH = 4;

type ReadMode = "stored" | "link" | "json" | "values";

interface TensorPlan {
  src: DeepLakeTensor;
  create: CreateTensorOpts;
  mode: ReadMode;
}

/**
 * Imports the Deep Lake dataset at `src` (path, URL or Store) into a new shoal dataset at `dest` and commits it with a
 * message naming the source and its commit id. Returns the dataset, open for writing (close it when done).
 * Nothing is written before the source has been opened and every tensor checked; if copying fails (a missing chunk
 * without `skipMissing`, a storage error, an abort), the destination is deleted and the error rethrown unchanged.
 * @example const ds = await importDeepLake("./my_deeplake", "./my_shoal", { onProgress: (d, t) => bar(d / t) });
 */
export async function importDeepLake(src: string | Store, dest: string | Store, opts: ImportDeepLakeOptions = {}): Promise<Dataset> {
  checkOptions(src, dest, opts);
  const { signal } = opts;
  const lanes = checkWorkers(opts.numWorkers, "importDeepLake");
  const source = await resolveStore(src, { creds: opts.sourceCreds ?? opts.creds, storeOptions: opts.storeOptions, signal });
  // Every chunk is read once, so caching decoded chunks would only hold memory.
  const dl = await openDeepLake(source.store, { branch: opts.branch, commitId: opts.commitId, cacheBytes: 0, signal });
  const plans = pickTensors(dl, opts.tensors).map(planTensor);
  const { branch: _b, commitId: _c, tensors: _t, skipMissing: _s, onMissing: _m, onProgress: _p, sourceCreds: _sc, ...emptyOpts } = opts;
  const ds = await empty(dest, emptyOpts);
  try {
    for (const g of groupsFor(dl, plans, opts.tensors === undefined)) ds.createGroup(g, { existOk: true });
    for (const p of plans) {
      const t = await ds.createTensor(p.src.name, p.create);
      const info = withoutClassNames(p.src.info);
      // Python's NaN and revived ndarrays/bytes become plain JSON, which is what info holds.
      if (Object.keys(info).length > 0) t.info.update(toPlainJson(info) as Record<string, unknown>);
    }
    if (Object.keys(dl.info).length > 0) ds.info.update(toPlainJson({ ...dl.info }) as Record<string, unknown>);
    const total = plans.reduce((n, p) => n + p.src.length, 0);
    let done = 0;
    let skipped = 0;
    opts.onProgress?.(0, total);
    await eachConcurrent(plans, lanes, async (p) => {
      await copyTensor(p, ds.tensor(p.src.name), {
        signal,
        skipMissing: opts.skipMissing === true,
        onMissing: (m) => {
          skipped += m.count;
          opts.onMissing?.(m);
        },
        onBatch: (n) => opts.onProgress?.((done += n), total),
      });
    });
    const from = typeof src === "string" ? src : "a store";
    const note = skipped > 0 ? `; ${skipped} samples of missing chunks left empty` : "";
    await ds.commit(`Imported Deep Lake dataset ${from} at commit ${dl.commitId} (branch ${dl.branch}, written by deeplake ${dl.formatVersion})${note}`, { allowEmpty: true, signal });
    return ds;
  } catch (e) {
    await discard(ds);
    throw e;
  }
}

function checkOptions(src: string | Store, dest: string | Store, opts: ImportDeepLakeOptions): void {
  if (typeof opts !== "object" || opts === null) throw new InvalidArgumentError("[shoal] importDeepLake: options must be an object");
  if (opts.skipMissing !== undefined && typeof opts.skipMissing !== "boolean") throw new InvalidArgumentError(`[shoal] importDeepLake: skipMissing must be a boolean, got ${JSON.stringify(opts.skipMissing)}`);
  if (opts.onMissing !== undefined && typeof opts.onMissing !== "function") throw new InvalidArgumentError("[shoal] importDeepLake: onMissing must be a function");
  if (opts.onProgress !== undefined && typeof opts.onProgress !== "function") throw new InvalidArgumentError("[shoal] importDeepLake: onProgress must be a function");
  if (opts.tensors !== undefined && (!Array.isArray(opts.tensors) || opts.tensors.some((n) => typeof n !== "string"))) {
    throw new InvalidArgumentError("[shoal] importDeepLake: tensors must be an array of tensor names");
  }
  if (src === dest) throw new InvalidArgumentError("[shoal] importDeepLake: source and destination are the same location");
  if (typeof src === "string" && typeof dest === "string") {
    const a = normalizeLocation(src);
    const b = normalizeLocation(dest);
    // `overwrite` empties the destination first: a destination at or above the source would erase it.
    if (a === b || a.startsWith(`${b}/`)) throw new InvalidArgumentError(`[shoal] importDeepLake: destination ${JSON.stringify(dest)} contains the source ${JSON.stringify(src)}`);
  }
}

function normalizeLocation(p: string): string {
  return p.replace(/^file:\/\//, "").replace(/\/+$/, "").replace(/^\.\//, "") || ".";
}

function pickTensors(dl: DeepLakeDataset, names: readonly string[] | undefined): DeepLakeTensor[] {
  if (names === undefined) return dl.tensorNames().map((n) => dl.tensor(n));
  if (new Set(names).size !== names.length) throw new InvalidArgumentError(`[shoal] importDeepLake: tensors lists a name twice: ${names.join(", ")}`);
  return names.map((n) => {
    const t = dl.tensor(n);
    if (!dl.tensorNames().includes(n)) throw new InvalidArgumentError(`[shoal] importDeepLake: ${JSON.stringify(n)} is a hidden Deep Lake tensor; shoal builds its own shape and id tensors`);
    return t;
  });
}

/** Groups to create: every source group (empty ones too) for a whole import, those holding a selected tensor otherwise. */
function groupsFor(dl: DeepLakeDataset, plans: readonly TensorPlan[], whole: boolean): string[] {
  return whole ? [...dl.groups] : dl.groups.filter((g) => plans.some((p) => p.src.name.startsWith(`${g}/`)));
}

function planTensor(src: DeepLakeTensor): TensorPlan {
  const o: DeepLakeCreateTensorOptions = src.createTensorOptions();
  if (o.htype.startsWith("sequence[")) throw new DeepLakeUnsupportedError("htype", `tensor ${JSON.stringify(src.name)}`, `${o.htype} tensors cannot be imported yet`);
  // Deep Lake's image chunk compression (one png/jpeg canvas per chunk) has no shoal counterpart: each sample is
  // stored in that format instead. lz4 maps as it is.
  const canvas = o.chunkCompression !== null && o.chunkCompression !== "lz4";
  const create: CreateTensorOpts = {
    htype: o.htype,
    ...(o.dtype === null ? {} : { dtype: o.dtype }),
    sampleCompression: canvas ? o.chunkCompression : o.sampleCompression,
    chunkCompression: canvas ? null : o.chunkCompression,
    ...(o.maxChunkSize === null ? {} : { maxChunkSize: o.maxChunkSize }),
    ...(o.tilingThreshold === null ? {} : { tilingThreshold: o.tilingThreshold }),
    ...(o.verify === undefined ? {} : { verify: o.verify }),
    ...(o.classNames ? { classNames: o.classNames } : {}),
    ...(o.coords ? { coords: o.coords } : {}),
    ...(o.keypoints ? { keypoints: o.keypoints } : {}),
    ...(o.connections ? { connections: o.connections as [number, number][] } : {}),
    ...(o.intrinsics ? { intrinsics: o.intrinsics } : {}),
  };
  const isLink = o.htype.startsWith("link[");
  // Files (jpeg, png, wav…) are copied as stored; lz4 is a byte codec shoal applies itself, so those samples go decoded.
  const stored = o.sampleCompression !== null && o.sampleCompression !== "lz4";
  const json = o.htype === "json" || o.htype === "list";
  return { src, create, mode: isLink ? "link" : stored ? "stored" : json ? "json" : "values" };
}

function withoutClassNames(info: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { class_names: _, ...rest } = info;
  return rest;
}

interface CopyContext {
  signal: AbortSignal | undefined;
  skipMissing: boolean;
  onMissing: (m: MissingSamples) => void;
  onBatch: (samples: number) => void;
}

/** `[start, end)` of the samples of each source chunk, from the per-sample chunk rows. */
function chunkRanges(rows: Uint32Array): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    if (i === rows.length || rows[i] !== rows[start]) {
      out.push([start, i]);
      start = i;
    }
  }
  return out;
}

async function copyTensor(plan: TensorPlan, dst: Tensor, ctx: CopyContext): Promise<void> {
  const { src } = plan;
  if (src.length === 0) return;
  const ranges = chunkRanges(await src.chunkIds({ signal: ctx.signal }));
  for (let r = 0; r < ranges.length; r += CHUNKS_PER_BATCH) {
    ctx.signal?.throwIfAborted();
    const group = ranges.slice(r, r + CHUNKS_PER_BATCH);
    const start = group[0]![0];
    const end = group[group.length - 1]![1];
    let samples: SampleInput[];
    try {
      samples = await readSamples(plan, start, end, ctx.signal);
    } catch (e) {
      if (!ctx.skipMissing || !isShoalError(e, "MissingChunkError")) throw e;
      // Chunk by chunk, to import every chunk of the batch that is there.
      samples = [];
      for (const [s, t] of group) {
        try {
          samples.push(...(await readSamples(plan, s, t, ctx.signal)));
        } catch (inner) {
          if (!isShoalError(inner, "MissingChunkError")) throw inner;
          ctx.onMissing({ tensor: src.name, key: (inner as MissingChunkError).key, start: s, count: t - s });
          for (let i = s; i < t; i++) samples.push(null);
        }
      }
    }
    await dst.extend(samples, { signal: ctx.signal });
    ctx.onBatch(end - start);
  }
}

async function readSamples(plan: TensorPlan, start: number, end: number, signal: AbortSignal | undefined): Promise<SampleInput[]> {
  const indices = new Uint32Array(end - start);
  for (let k = 0; k < indices.length; k++) indices[k] = start + k;
  const { src } = plan;
  if (plan.mode === "stored") {
    const stored = await src.readBytesMany(indices, { signal });
    const out: SampleInput[] = new Array(stored.length);
    for (let k = 0; k < stored.length; k++) {
      const s = stored[k]!;
      if (s.bytes.length === 0) out[k] = null;
      else if (s.compression) out[k] = { bytes: s.bytes, compression: s.compression };
      // Tiled samples exist only reassembled (raw elements): shoal compresses the array again.
      else out[k] = ndarray(src.meta.dtype!, await src.shape(start + k, { signal }), viewAs(src.meta.dtype!, s.bytes) as never);
    }
    return out;
  }
  const values = (await src.readMany(indices, { signal })) as SampleInput[];
  if (plan.mode === "link") return values.map((v) => (typeof v === "string" && v !== "" ? { url: v, credsKey: null } : null));
  if (plan.mode === "json") return values.map((v) => toPlainJson(v) as SampleInput);
  return values;
}

/** Removes a failed import: pending chunk writes land first (flush), so deleting leaves nothing behind. */
async function discard(ds: Dataset): Promise<void> {
  try {
    await ds.flush();
  } catch {
    // The store may be what failed; delete what can be deleted.
  }
  try {
    await ds.delete({ largeOk: true });
  } catch {
    await ds.close().catch(() => undefined);
  }
}
