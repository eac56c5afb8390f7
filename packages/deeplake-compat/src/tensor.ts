/**
 * `DeepLakeTensor`: one tensor of a Deep Lake 3.x dataset at one commit, read lazily through its chunk-id encoder
 * (loaded on first use) and a shared chunk cache. Implements `TensorColumn` for views, queries and the loader.
 * @module
 */
import {
  type ColumnMeta, type DType, DtypeError, type NDArray, type ReadIntoOptions, type ReadOptions, type SampleValue, ShapeError, type StoredBytes,
  type TensorColumn, type TypedArray, allocTyped, dtypeInfo, equalShapes, ndarray, shapeSize,
} from "@shoal/core";
import type { Store } from "@shoal/storage";
import type { ChunkCache } from "./chunk-cache.ts";
import { searchLast } from "./binary.ts";
import { chunkSampleShape } from "./chunk.ts";
import { type DecodePlan, type LoadedChunk, decodeArray, decodeLocal, loadChunk, localBytes, localShape, makePlan, placeTile } from "./decode.ts";
import { type ChunkIdTable, type ChunkRows, type TileLayout, type TileTable, locateSample, parseChunkIds, parseTiles, tileGrid } from "./encoders.ts";
import { DeepLakeFormatError, DeepLakeIndexError, DeepLakeUnsupportedError, MissingChunkError } from "./errors.ts";
import { type TensorMeta, commitPrefix, elementDType } from "./meta.ts";
import type { ChunkLocator } from "./version-control.ts";

export interface StreamOptions extends ReadOptions {
  onProgress?: (done: number, total: number) => void;
}

/** A sample's stored bytes with its shape (what an importer appends to keep media byte-identical). */
export interface StoredSample extends StoredBytes {
  shape: number[];
}

/** The subset of shoal's CreateTensorOptions a Deep Lake tensor determines. */
export interface DeepLakeCreateTensorOptions {
  htype: string;
  dtype: string | null;
  sampleCompression: string | null;
  chunkCompression: string | null;
  maxChunkSize: number | null;
  tilingThreshold: number | null;
  hidden: boolean;
  verify?: boolean;
  classNames?: readonly string[];
  coords?: { type?: string; mode?: string };
  keypoints?: readonly string[];
  connections?: readonly (readonly [number, number])[];
  intrinsics?: readonly (readonly number[])[];
}

/** What a tensor shares with its dataset. */
export interface TensorContext {
  readonly store: Store;
  readonly commitId: string;
  readonly locator: ChunkLocator;
  readonly cache: ChunkCache<LoadedChunk>;
}

interface Index {
  ids: ChunkIdTable;
  tiles: TileTable;
}

/** Chunk groups are loaded this many at a time: enough to overlap I/O, few enough to bound memory. */
const CHUNK_CONCURRENCY = 4;

export class DeepLakeTensor implements TensorColumn {
  /** Visible name (group paths joined with '/'). */
  readonly name: string;
  /** Storage key (the folder); differs from the name after a rename. */
  readonly key: string;
  readonly meta: ColumnMeta;
  readonly length: number;
  /** `tensor_meta.json` as Deep Lake wrote it (with old-version defaults filled in). */
  readonly deeplakeMeta: TensorMeta;
  /** `tensor_info.json`: the user dict (class_names, coords, ...). */
  readonly info: Readonly<Record<string, unknown>>;
  readonly #ctx: TensorContext;
  readonly #dtypeError: unknown;
  #index: Promise<Index> | undefined;
  #plan: Promise<DecodePlan> | undefined;

  constructor(ctx: TensorContext, name: string, key: string, meta: TensorMeta, info: Record<string, unknown>) {
    this.#ctx = ctx;
    this.name = name;
    this.key = key;
    this.deeplakeMeta = meta;
    this.info = info;
    this.length = meta.length;
    let dtype: DType | undefined;
    try {
      dtype = elementDType(meta);
    } catch (e) {
      this.#dtypeError = new DeepLakeUnsupportedError("dtype", `tensor ${JSON.stringify(name)} (${commitPrefix(ctx.commitId)}${key}/tensor_meta.json)`, `${JSON.stringify(meta.dtype)} has no shoal dtype`, { cause: e });
    }
    const classNames = Array.isArray(info.class_names) && info.class_names.every((c) => typeof c === "string") ? (info.class_names as string[]) : undefined;
    this.meta = {
      name,
      htype: meta.isLink ? `link[${meta.htype}]` : meta.isSequence ? `sequence[${meta.htype}]` : meta.htype,
      dtype,
      classNames,
      sampleCompression: meta.sampleCompression,
      chunkCompression: meta.chunkCompression,
      minShape: meta.minShape,
      maxShape: meta.maxShape,
    };
  }

  /** True for Deep Lake's companion tensors (`_x_shape`, `_x_id`, `_x_info`). */
  get hidden(): boolean {
    return this.deeplakeMeta.hidden;
  }

  // ---------- index and chunks ----------

  /** The chunk-id encoder of this tensor at the open commit: what errors about chunk lookup point at. */
  get #indexKey(): string {
    return `${commitPrefix(this.#ctx.commitId)}${this.key}/chunks_index/unsharded`;
  }

  #loadIndex(signal?: AbortSignal): Promise<Index> {
    if (!this.#index) {
      const p = (async (): Promise<Index> => {
        const prefix = `${commitPrefix(this.#ctx.commitId)}${this.key}`;
        const idKey = this.#indexKey;
        const tileKey = `${prefix}/tiles_index/unsharded`;
        const [idBytes, tileBytes] = await Promise.all([this.#ctx.store.get(idKey, { signal }), this.#ctx.store.get(tileKey, { signal })]);
        if (!idBytes) {
          if (this.length === 0) return { ids: { names: [], last: new Float64Array(0), rows: 0, idBytes: 8 }, tiles: new Map() };
          throw new DeepLakeFormatError(idKey, `chunk-id encoder of tensor ${JSON.stringify(this.name)} (${this.length} samples) is missing`);
        }
        const ids = parseChunkIds(idBytes, idKey);
        const covered = ids.rows === 0 ? 0 : ids.last[ids.rows - 1]! + 1;
        if (covered < this.length) throw new DeepLakeFormatError(idKey, `chunk-id encoder covers ${covered} samples, tensor_meta.json says ${this.length}`);
        const tiles = tileBytes && tileBytes.length > 0 ? parseTiles(tileBytes, tileKey) : new Map<number, TileLayout>();
        return { ids, tiles };
      })();
      p.catch(() => {
        if (this.#index === p) this.#index = undefined;
      });
      this.#index = p;
    }
    return this.#index;
  }

  #loadPlan(): Promise<DecodePlan> {
    if (this.#dtypeError) return Promise.reject(this.#dtypeError);
    this.#plan ??= makePlan(this.name, this.deeplakeMeta, this.meta.dtype);
    return this.#plan;
  }

  #check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new DeepLakeIndexError(this.name, index, this.length);
  }

  async #rowsOf(index: number, signal?: AbortSignal): Promise<{ idx: Index; at: ChunkRows }> {
    this.#check(index);
    const idx = await this.#loadIndex(signal);
    const at = locateSample(idx.ids, index);
    if (!at) throw new DeepLakeFormatError(this.#indexKey, `no chunk holds sample ${index}`);
    return { idx, at };
  }

  async #chunk(idx: Index, row: number, sample: number, plan: DecodePlan, signal?: AbortSignal): Promise<LoadedChunk> {
    signal?.throwIfAborted();
    const name = idx.ids.names[row]!;
    const key = await this.#ctx.locator.chunkKey(this.#ctx.commitId, this.key, name, signal);
    return this.#ctx.cache.get(key, async () => {
      const bytes = await this.#ctx.store.get(key, { signal });
      // Zero-byte chunk files come from truncated copies: as unreadable as absent ones.
      if (!bytes || bytes.length === 0) throw new MissingChunkError(key, this.name, sample, { namedBy: this.#indexKey });
      return loadChunk(bytes, key, plan);
    });
  }

  // ---------- TensorColumn ----------

  async read(index: number, opts?: ReadOptions): Promise<SampleValue> {
    const plan = await this.#loadPlan();
    const { idx, at } = await this.#rowsOf(index, opts?.signal);
    const tile = idx.tiles.get(index);
    if (tile) return this.#readTiled(idx, index, plan, opts?.signal);
    const chunk = await this.#chunk(idx, at.row, index, plan, opts?.signal);
    return decodeLocal(plan, chunk, at.local) as SampleValue;
  }

  async readMany(indices: ArrayLike<number>, opts?: ReadOptions): Promise<SampleValue[]> {
    const out = new Array<SampleValue>(indices.length);
    await this.#eachByChunk(indices, opts?.signal, (k, plan, chunk, local, index, idx) => {
      if (chunk) out[k] = decodeLocal(plan, chunk, local) as SampleValue;
      else return this.#readTiled(idx, index, plan, opts?.signal).then((a) => void (out[k] = a));
    });
    return out;
  }

  async shape(index: number, opts?: ReadOptions): Promise<readonly number[]> {
    const plan = await this.#loadPlan();
    if (plan.fixedShape) {
      this.#check(index);
      return [...plan.fixedShape];
    }
    const { idx, at } = await this.#rowsOf(index, opts?.signal);
    const tile = idx.tiles.get(index);
    if (tile) return [...tile.sampleShape];
    const chunk = await this.#chunk(idx, at.row, index, plan, opts?.signal);
    return sampleShapeOf(plan, chunk, at.local);
  }

  async shapes(opts?: ReadOptions): Promise<{ ndim: number; data: Uint32Array } | undefined> {
    const plan = await this.#loadPlan();
    const ndim = plan.ndim;
    const data = new Uint32Array(this.length * ndim);
    if (plan.fixedShape) {
      for (let i = 0; i < this.length; i++) data.set(plan.fixedShape, i * ndim);
      return { ndim, data };
    }
    const all = iota(0, this.length);
    let ragged = false;
    await this.#eachByChunk(all, opts?.signal, (_k, p, chunk, local, index, idx) => {
      const s = chunk ? sampleShapeOf(p, chunk, local) : idx.tiles.get(index)!.sampleShape;
      if (s.length !== ndim) ragged = true;
      else data.set(s, index * ndim);
    });
    return ragged ? undefined : { ndim, data };
  }

  async column(opts?: ReadOptions): Promise<NDArray | undefined> {
    const plan = await this.#loadPlan();
    if (!plan.fixedShape || shapeSize(plan.fixedShape) !== 1) return undefined;
    const m = await this.columnMatrix(opts);
    return m && ndarray(m.dtype, [this.length], m.data);
  }

  async columnMatrix(opts?: ReadOptions): Promise<NDArray | undefined> {
    const plan = await this.#loadPlan();
    if (!plan.fixedShape || plan.dtype === undefined) return undefined;
    const shape = plan.fixedShape;
    const out = allocTyped(plan.dtype, this.length * shapeSize(shape)) as TypedArray;
    await this.#scanInto(out, shape, plan, opts?.signal);
    return ndarray(plan.dtype, [this.length, ...shape], out as never);
  }

  async readManyInto(indices: ArrayLike<number>, out: TypedArray, opts?: ReadIntoOptions): Promise<readonly number[]> {
    const plan = await this.#loadPlan();
    if (plan.dtype === undefined) throw new DtypeError(`[shoal] Deep Lake tensor ${JSON.stringify(this.name)} (${this.meta.htype}) holds no arrays; use readMany`);
    const info = dtypeInfo(plan.dtype);
    if (!(out instanceof info.ArrayType)) throw new DtypeError(`[shoal] Deep Lake tensor ${JSON.stringify(this.name)} is ${plan.dtype}: out must be a ${info.ArrayType.name}, got ${out.constructor.name}`);
    const offset = opts?.offset ?? 0;
    if (!Number.isInteger(offset) || offset < 0) throw new ShapeError(`[shoal] readManyInto: offset must be a non-negative integer, got ${offset}`);
    let shape: readonly number[] | undefined = plan.fixedShape;
    if (!shape) {
      for (let k = 0; k < indices.length; k++) {
        const s = await this.shape(indices[k]!, opts);
        if (shape && !equalShapes(shape, s)) throw new ShapeError(`[shoal] readManyInto on Deep Lake tensor ${JSON.stringify(this.name)}: sample ${indices[k]} has shape [${s.join(", ")}], sample ${indices[0]} has [${shape.join(", ")}]`);
        shape = s;
      }
    } else {
      for (let k = 0; k < indices.length; k++) this.#check(indices[k]!);
    }
    shape ??= plan.fixedShape ?? [];
    const need = offset + indices.length * shapeSize(shape);
    if (need > out.length) throw new ShapeError(`[shoal] readManyInto on Deep Lake tensor ${JSON.stringify(this.name)}: out holds ${out.length} elements, ${need} needed`);
    await this.#intoBuffer(indices, out, offset, shape, plan, opts?.signal);
    return [...shape];
  }

  async readBytes(index: number, opts?: ReadOptions): Promise<StoredBytes> {
    const [b] = await this.readBytesMany([index], opts);
    return { bytes: b!.bytes.slice(), compression: b!.compression };
  }

  async readBytesMany(indices: ArrayLike<number>, opts?: ReadOptions): Promise<StoredBytes[]> {
    const out = new Array<StoredBytes>(indices.length);
    await this.#eachByChunk(indices, opts?.signal, (k, plan, chunk, local, index, idx) => {
      if (!chunk) {
        // Tiles are stored per chunk; the sample as a whole exists only reassembled.
        return this.#readTiled(idx, index, plan, opts?.signal).then((a) => void (out[k] = { bytes: new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), compression: null }));
      }
      if (chunk.canvas) {
        const a = decodeLocal(plan, chunk, local) as NDArray;
        out[k] = { bytes: new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), compression: null };
      } else {
        out[k] = { bytes: localBytes(plan, chunk, local), compression: plan.meta.sampleCompression };
      }
    });
    return out;
  }

  async chunkIds(opts?: ReadOptions): Promise<Uint32Array> {
    const { ids } = await this.#loadIndex(opts?.signal);
    const out = new Uint32Array(this.length);
    let prev = -1;
    for (let r = 0; r < ids.rows; r++) {
      const last = Math.min(ids.last[r]!, this.length - 1);
      if (last > prev) out.fill(r, prev + 1, last + 1);
      prev = Math.max(prev, last);
    }
    return out;
  }

  // ---------- streaming (for importers) ----------

  /**
   * Every sample in index order, one batch per chunk (one chunk read per batch; a tiled sample is a batch of its
   * own). `onProgress(done, length)` after each batch.
   */
  async *batches(opts?: StreamOptions): AsyncGenerator<{ start: number; samples: SampleValue[] }> {
    for await (const range of this.#chunkRanges(opts)) {
      yield { start: range[0], samples: await this.readMany(range[1], opts) };
      opts?.onProgress?.(range[0] + range[1].length, this.length);
    }
  }

  /**
   * Like `batches`, but each sample as its stored bytes: the compressed file of a sample-compressed tensor
   * (`compression` = the sample compression, byte-identical to what Deep Lake wrote), raw little-endian elements
   * (`compression: null`) otherwise, UTF-8/JSON text for text-like tensors; with the sample's shape.
   */
  async *storedBatches(opts?: StreamOptions): AsyncGenerator<{ start: number; samples: StoredSample[] }> {
    for await (const [start, indices] of this.#chunkRanges(opts)) {
      const out = new Array<StoredSample>(indices.length);
      await this.#eachByChunk(indices, opts?.signal, async (k, plan, chunk, local, index, idx) => {
        if (!chunk || chunk.canvas) {
          const a = chunk ? (decodeLocal(plan, chunk, local) as NDArray) : await this.#readTiled(idx, index, plan, opts?.signal);
          out[k] = { bytes: new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), compression: null, shape: [...a.shape] };
        } else {
          out[k] = { bytes: localBytes(plan, chunk, local), compression: plan.meta.sampleCompression, shape: sampleShapeOf(plan, chunk, local) };
        }
      });
      yield { start, samples: out };
      opts?.onProgress?.(start + indices.length, this.length);
    }
  }

  /** Consecutive index ranges, one per chunk-id row (tile continuation rows skipped). */
  async *#chunkRanges(opts?: StreamOptions): AsyncGenerator<[number, Uint32Array]> {
    const { ids } = await this.#loadIndex(opts?.signal);
    let next = 0;
    for (let r = 0; r < ids.rows && next < this.length; r++) {
      opts?.signal?.throwIfAborted();
      const last = Math.min(ids.last[r]!, this.length - 1);
      if (last < next) continue;
      yield [next, iota(next, last - next + 1)];
      next = last + 1;
    }
  }

  /**
   * Options to create the matching tensor (shoal's `createTensor(name, opts)`, Deep Lake's `create_tensor` names in
   * camelCase): htype (with `link[...]`/`sequence[...]`), dtype as Deep Lake recorded it, compressions, chunking,
   * and the info keys (class names, coords, keypoints, intrinsics).
   */
  createTensorOptions(): DeepLakeCreateTensorOptions {
    const m = this.deeplakeMeta;
    const raw = m.raw;
    const info = this.info;
    const out: DeepLakeCreateTensorOptions = {
      htype: this.meta.htype,
      dtype: m.dtype,
      sampleCompression: m.sampleCompression,
      chunkCompression: m.chunkCompression,
      maxChunkSize: typeof raw.max_chunk_size === "number" ? raw.max_chunk_size : null,
      tilingThreshold: typeof raw.tiling_threshold === "number" ? raw.tiling_threshold : null,
      hidden: m.hidden,
    };
    if (typeof raw.verify === "boolean" && m.isLink) out.verify = raw.verify;
    if (this.meta.classNames) out.classNames = this.meta.classNames;
    if (typeof info.coords === "object" && info.coords !== null && !Array.isArray(info.coords)) out.coords = info.coords as { type?: string; mode?: string };
    if (Array.isArray(info.keypoints)) out.keypoints = info.keypoints as string[];
    if (Array.isArray(info.connections)) out.connections = info.connections as [number, number][];
    if (Array.isArray(info.intrinsics)) out.intrinsics = info.intrinsics as number[][];
    return out;
  }

  // ---------- helpers ----------

  /**
   * Calls `fn` for every requested sample, chunk by chunk (each chunk loaded once, a few at a time); tiled samples
   * get `chunk === undefined`. `whole`, when given, may take a chunk's samples at once (returns true when it did).
   * `fn` is awaited only when it returns a promise, so the common decode path costs no microtask per sample.
   */
  async #eachByChunk(
    indices: ArrayLike<number>,
    signal: AbortSignal | undefined,
    fn: (k: number, plan: DecodePlan, chunk: LoadedChunk | undefined, local: number, index: number, idx: Index) => void | Promise<void>,
    whole?: (plan: DecodePlan, chunk: LoadedChunk, ks: readonly number[], locals: readonly number[]) => boolean,
  ): Promise<void> {
    const plan = await this.#loadPlan();
    for (let k = 0; k < indices.length; k++) this.#check(indices[k]!);
    if (indices.length === 0) return;
    const idx = await this.#loadIndex(signal);
    const { last, rows } = idx.ids;
    const groups = new Map<number, { ks: number[]; locals: number[] }>();
    let prevRow = -1;
    let prevGroup: { ks: number[]; locals: number[] } | undefined;
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      const row = searchLast(last, 1, rows, i);
      if (row >= rows) throw new DeepLakeFormatError(this.#indexKey, `no chunk holds sample ${i}`);
      let g = row === prevRow ? prevGroup : groups.get(row);
      if (!g) groups.set(row, (g = { ks: [], locals: [] }));
      g.ks.push(k);
      g.locals.push(i - (row === 0 ? 0 : last[row - 1]! + 1));
      prevRow = row;
      prevGroup = g;
    }
    const queue = [...groups.entries()];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [row, g] = next;
        const firstIndex = indices[g.ks[0]!]!;
        const chunk = idx.tiles.has(firstIndex) ? undefined : await this.#chunk(idx, row, firstIndex, plan, signal);
        if (chunk && whole?.(plan, chunk, g.ks, g.locals)) continue;
        for (let j = 0; j < g.ks.length; j++) {
          const k = g.ks[j]!;
          const index = indices[k]!;
          const r = fn(k, plan, chunk && !idx.tiles.has(index) ? chunk : undefined, g.locals[j]!, index, idx);
          if (r) await r;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHUNK_CONCURRENCY, queue.length) }, worker));
  }

  /** Every sample of a fixed-shape tensor into `out`, chunk row by chunk row: no per-sample bookkeeping. */
  async #scanInto(out: TypedArray, shape: readonly number[], plan: DecodePlan, signal?: AbortSignal): Promise<void> {
    const idx = await this.#loadIndex(signal);
    const each = shapeSize(shape);
    const sampleBytes = each * dtypeInfo(plan.dtype!).itemSize;
    const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    const jobs: [row: number, first: number, last: number][] = [];
    let next = 0;
    for (let r = 0; r < idx.ids.rows && next < this.length; r++) {
      const last = Math.min(idx.ids.last[r]!, this.length - 1);
      if (last < next) continue;
      jobs.push([r, next, last]);
      next = last + 1;
    }
    const worker = async (): Promise<void> => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const [row, first, last] = job;
        if (idx.tiles.has(first)) {
          const a = await this.#readTiled(idx, first, plan, signal);
          outBytes.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), first * sampleBytes);
          continue;
        }
        const chunk = await this.#chunk(idx, row, first, plan, signal);
        const n = last - first + 1;
        if (!chunk.canvas && !plan.sampleCodec) {
          if (n * sampleBytes > chunk.payload.length) throw new DeepLakeFormatError(chunk.parsed.key, `${n} samples of ${sampleBytes} bytes run past the ${chunk.payload.length}-byte data region`);
          outBytes.set(chunk.payload.subarray(0, n * sampleBytes), first * sampleBytes);
          continue;
        }
        for (let local = 0; local < n; local++) {
          const a = decodeLocal(plan, chunk, local) as NDArray;
          if (!equalShapes(a.shape, shape)) throw new ShapeError(`[shoal] Deep Lake tensor ${JSON.stringify(this.name)}: sample ${first + local} has shape [${a.shape.join(", ")}], expected [${shape.join(", ")}]`);
          outBytes.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), (first + local) * sampleBytes);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHUNK_CONCURRENCY, jobs.length) }, worker));
  }

  async #intoBuffer(indices: ArrayLike<number>, out: TypedArray, offset: number, shape: readonly number[], plan: DecodePlan, signal?: AbortSignal): Promise<void> {
    const each = shapeSize(shape);
    const itemSize = dtypeInfo(plan.dtype!).itemSize;
    const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    const raw = (p: DecodePlan, chunk: LoadedChunk) => !chunk.canvas && !p.sampleCodec && p.fixedShape !== undefined;
    // Raw fixed-shape samples: one copy from the cached chunk straight into the caller's buffer, one per run of
    // consecutive samples (a whole chunk for a column scan).
    const whole = (p: DecodePlan, chunk: LoadedChunk, ks: readonly number[], locals: readonly number[]): boolean => {
      if (!raw(p, chunk)) return false;
      const sampleBytes = each * itemSize;
      let j = 0;
      while (j < ks.length) {
        let n = 1;
        while (j + n < ks.length && ks[j + n] === ks[j]! + n && locals[j + n] === locals[j]! + n) n++;
        const src = locals[j]! * sampleBytes;
        if (src + n * sampleBytes > chunk.payload.length) throw new DeepLakeFormatError(chunk.parsed.key, `samples ${locals[j]}..${locals[j]! + n - 1} run past the ${chunk.payload.length}-byte data region`);
        outBytes.set(chunk.payload.subarray(src, src + n * sampleBytes), (offset + ks[j]! * each) * itemSize);
        j += n;
      }
      return true;
    };
    await this.#eachByChunk(indices, signal, (k, p, chunk, local, index, idx) => {
      const put = (a: NDArray): void => {
        if (!equalShapes(a.shape, shape)) throw new ShapeError(`[shoal] Deep Lake tensor ${JSON.stringify(this.name)}: sample ${index} has shape [${a.shape.join(", ")}], expected [${shape.join(", ")}]`);
        outBytes.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), (offset + k * each) * itemSize);
      };
      if (chunk) return put(decodeLocal(p, chunk, local) as NDArray);
      return this.#readTiled(idx, index, p, signal).then(put);
    }, whole);
  }

  async #readTiled(idx: Index, index: number, plan: DecodePlan, signal?: AbortSignal): Promise<NDArray> {
    const layout = idx.tiles.get(index)!;
    const at = locateSample(idx.ids, index)!;
    if (plan.dtype === undefined) throw new DeepLakeUnsupportedError("tiling", `tensor ${JSON.stringify(this.name)}`, "tiled text samples");
    const grid = tileGrid(layout);
    const tiles = shapeSize(grid);
    if (tiles !== at.count) throw new DeepLakeFormatError(this.#indexKey, `sample ${index} has ${at.count} tile chunks, its ${grid.join("×")} tile grid needs ${tiles}`);
    const out = allocTyped(plan.dtype, shapeSize(layout.sampleShape)) as TypedArray;
    const d = grid.length;
    const coords = new Array<number>(d).fill(0);
    for (let t = 0; t < tiles; t++) {
      const chunk = await this.#chunk(idx, at.row + t, index, plan, signal);
      const tileShape = chunkSampleShape(chunk.parsed, 0, d);
      const tile = chunk.canvas ?? decodeArray(plan, chunk.parsed.key, chunk.payload, tileShape, plan.sampleCodec);
      const origin = coords.map((c, k) => c * layout.tileShape[k]!);
      if (tile.shape.some((s, k) => origin[k]! + s > layout.sampleShape[k]!)) throw new DeepLakeFormatError(chunk.parsed.key, `tile ${t} of sample ${index} (${tile.shape.join("×")}) does not fit the ${layout.sampleShape.join("×")} sample`);
      placeTile(out, layout.sampleShape, tile, origin);
      for (let k = d - 1; k >= 0; k--) {
        if (++coords[k]! < grid[k]!) break;
        coords[k] = 0;
      }
    }
    return ndarray(plan.dtype, layout.sampleShape, out as never);
  }
}

/** `[start, start + n)` as a Uint32Array. */
function iota(start: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let k = 0; k < n; k++) out[k] = start + k;
  return out;
}

function sampleShapeOf(plan: DecodePlan, chunk: LoadedChunk, local: number): number[] {
  return localShape(plan, chunk, local);
}
