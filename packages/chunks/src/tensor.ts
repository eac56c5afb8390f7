/**
 * One tensor: its chunk index in memory, the open chunk being filled, reads by sample / range / index list /
 * sub-slice, update, pop and rechunk. Chunks are immutable: every change writes new chunk objects.
 * @module
 */
import type { ColumnMeta, DType, NDArray, ReadIntoOptions, ReadOptions, SampleValue, StoredBytes, TensorColumn, TypedArray } from "@shoal/core";
import {
  DtypeError, InvalidArgumentError, ShapeError, UnsupportedError, allocTyped, bytesOf, dtypeInfo, equalShapes, ndarray, sealJson, shapeSize, viewAs,
} from "@shoal/core";
import { type BuilderSpec, ChunkBuilder } from "./chunk-builder.ts";
import { type ChunkHeader, groupOf, parseHeader, sampleRange, sampleShape } from "./chunk-format.ts";
import type { Store } from "@shoal/storage";
import type { BytesCodec, SampleCodec } from "./codec-types.ts";
import { loadBytesCodec, loadCodec } from "./codecs.ts";
import type { DatasetEngine } from "./dataset.ts";
import { type DecodedChunk, chunkBytes, decodeChunk, decodeThrough } from "./decoded-chunk.ts";
import { CorruptChunkError, MissingChunkError, SampleIndexError, SampleShapeError } from "./errors.ts";
import { randomHex } from "./ids.ts";
import { type IndexRow, type TileLayout, decodeIndexSegment, encodeIndexSegment } from "./index-format.ts";
import { type EngineSample, type PrepareContext, type Stored, decodeStored, encodeRaw, isEmptySample, prepareSample } from "./sample.ts";
import { type ManifestTensor, type TensorChanges, type TensorMeta, emptyChanges, keys } from "./state.ts";
import { copyBox, extractBox, gridOf, tileBox, tileShapeFor } from "./tiles.ts";
import { SharedLoads } from "./shared-loads.ts";
import { planDirectReads } from "./direct-reads.ts";
import { xxh32 } from "@shoal/codecs";

/**
 * Byte gap between two needed ranges of a chunk below which one request reads both (and the bytes between), by the
 * store's `capabilities.latency`. Locally a request costs about as much as copying a few tens of KB, so only close
 * ranges merge (a 1 MiB gap made random batch reads from files read 1.58× the bytes needed). Remotely a request costs
 * a round trip, about what 1 MiB takes to transfer; larger gaps lost on S3 over loopback (4 MiB: half the samples/s
 * of 1 MiB with half the requests), since the needed ranges of one chunk are fetched in parallel anyway. Unknown
 * stores are treated as remote.
 */
const MERGE_GAP = { local: 16 << 10, remote: 1 << 20 } as const;

function mergeGapOf(store: Store): number {
  return MERGE_GAP[store.capabilities.latency ?? "remote"];
}

/** Views of some samples of one chunk; cached ones stay valid until `release()` (which the caller must call). */
interface RowViews {
  header: ChunkHeader | null;
  views: Uint8Array[];
  shapeOf: (j: number) => number[];
  cached: boolean;
  release: () => void;
}

const noop = (): void => {};

interface Row {
  id: string;
  count: number;
  headerLength: number;
  objectLength: number;
  tiles?: TileLayout;
}

interface Prepared extends Stored {
  tileChunks?: { layout: Omit<TileLayout, "ids">; bytes: Uint8Array[]; shapes: number[][] };
  /** A tiled sample carried over unchanged by a rewrite: its tile chunks are reused. */
  reuseTiles?: TileLayout;
}

export interface ExtendOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Per-sample info dicts for the hidden info tensor. */
  infos?: readonly Record<string, unknown>[];
}

/** A slice over the leading dims of one sample: an index keeps no axis, `[start, stop)` keeps one. */
export type SliceSpec = ReadonlyArray<number | readonly [number, number]>;

export class TensorEngine implements TensorColumn {
  readonly #ds: DatasetEngine;
  name: string;
  readonly key: string;
  tensorMeta: TensorMeta;
  #metaId: string | null;
  #rows: Row[] | null = null;
  #segments: { id: string; rows: number }[];
  #dirtyFrom = Number.POSITIVE_INFINITY;
  #starts: Float64Array | null = null;
  #length: number;
  minShape: number[];
  maxShape: number[];
  /** Rank of the samples; null while the tensor holds only empty samples stored before any rank was known (d = 0). */
  #rank: number | null;
  #open: ChunkBuilder | null = null;
  #changes: TensorChanges;
  #updatedIds = new Set<bigint>();
  #poppedIds = new Set<bigint>();
  #sampleCodec: SampleCodec | BytesCodec | null | undefined;
  #chunkCodec: BytesCodec | null | undefined;
  /** Chunk loads in flight, so concurrent reads of one chunk fetch and decode it once. */
  #chunkLoads = new SharedLoads<DecodedChunk>();
  #indexLoads = new SharedLoads<Row[]>();
  /** Header loads in flight, so concurrent reads of one cold chunk fetch its header once. */
  #headerLoads = new SharedLoads<ChunkHeader>();
  /**
   * Per chunk key, which checksum groups have been verified (one flag for a chunk-compressed chunk). Keyed by the
   * immutable object's key rather than its parsed header, so a header evicted and parsed again is not re-hashed.
   */
  #verified = new Map<string, Uint8Array>();
  /** Bumped by every change, so a cached column() of an older state is never served. */
  #generation = 0;
  #columnKey = "";
  /** Whether a chunk of this tensor was sealed at least half full in this session. */
  #filledChunk = false;

  constructor(ds: DatasetEngine, name: string, meta: TensorMeta, entry: ManifestTensor | null) {
    this.#ds = ds;
    this.name = name;
    this.key = meta.key;
    this.tensorMeta = meta;
    this.#metaId = entry?.meta ?? null;
    this.#segments = entry ? entry.index.map((id) => ({ id, rows: -1 })) : [];
    this.#length = entry?.length ?? 0;
    this.minShape = entry?.minShape ?? [];
    this.maxShape = entry?.maxShape ?? [];
    // Manifests without `ndim` predate rank-less empties: their rank is that of their shape bounds.
    this.#rank = entry ? (entry.ndim !== undefined ? entry.ndim : entry.length > 0 ? entry.minShape.length : null) : null;
    this.#changes = entry?.changes ?? emptyChanges(true, 0);
    if (!entry) this.#rows = [];
  }

  get length(): number {
    return this.#length;
  }

  /** TensorColumn.remote: the dataset's store answers each request with a round trip (S3, HTTP). */
  get remote(): boolean {
    return this.#ds.store.capabilities.latency === "remote";
  }

  /** Rank of the tensor's samples, null until its first non-empty sample. */
  get ndim(): number | null {
    return this.#rank;
  }

  /** A stored shape as readers see it: empty samples stored before the rank was known read as all zeros of it. */
  #present(shape: number[]): number[] {
    return shape.length === 0 && this.#rank !== null && this.#rank > 0 ? new Array<number>(this.#rank).fill(0) : shape;
  }

  /** Fixes the rank at the first non-empty sample; earlier (rank-less) empties count as zeros of it in the bounds. */
  #fixRank(shape: readonly number[]): void {
    if (this.#rank !== null) return;
    this.#rank = shape.length;
    // A chunk's samples share one ndim: one holding rank-less empties is sealed as it is.
    if (this.#open && this.#open.spec.ndim !== shape.length) this.#sealOpen();
    if (this.#length > 0) {
      this.minShape = new Array<number>(shape.length).fill(0);
      this.maxShape = new Array<number>(shape.length).fill(0);
    }
  }

  get meta(): ColumnMeta {
    const m = this.tensorMeta;
    const classNames = m.info.class_names;
    return {
      name: this.name, htype: m.htype, dtype: m.dtype ?? undefined, sampleCompression: m.sampleCompression, chunkCompression: m.chunkCompression,
      minShape: this.minShape, maxShape: this.maxShape, ...(Array.isArray(classNames) ? { classNames: classNames as string[] } : {}),
    };
  }

  /** Marks the meta as changed (info, htype args); written at the next flush. */
  touchMeta(kind: "info" | "meta"): void {
    this.#metaId = null;
    if (kind === "info") this.#changes.infoUpdated = true;
    else this.#changes.metaUpdated = true;
  }

  // ---------- loading ----------

  async #load(signal?: AbortSignal): Promise<Row[]> {
    if (this.#rows) return this.#rows;
    // Concurrent first reads share one fetch of the index segments.
    return this.#indexLoads.run("index", signal, (s) => this.#loadIndex(s));
  }

  async #loadIndex(signal?: AbortSignal): Promise<Row[]> {
    if (this.#rows) return this.#rows;
    const rows: Row[] = [];
    const parts = await Promise.all(this.#segments.map(async (s) => {
      const key = keys.index(this.key, s.id);
      const bytes = await this.#ds.store.get(key, { signal });
      if (!bytes) throw new MissingChunkError(key, `index segment of tensor ${JSON.stringify(this.name)}`);
      return decodeIndexSegment(bytes, key);
    }));
    parts.forEach((p, i) => {
      this.#segments[i]!.rows = p.length;
      for (const r of p) rows.push({ ...r });
    });
    this.#rows ??= rows;
    this.#dirtyFrom = Math.min(this.#dirtyFrom, this.#rows.length);
    let total = 0;
    for (const r of this.#rows) total += r.count;
    if (total !== this.#length) {
      throw new CorruptChunkError(keys.index(this.key, this.#segments[0]?.id ?? "-"), 0, `index covers ${total} samples, manifest says ${this.#length}`);
    }
    return this.#rows;
  }

  async #codecs(): Promise<{ sample: SampleCodec | BytesCodec | null; chunk: BytesCodec | null }> {
    if (this.#sampleCodec === undefined) {
      const name = this.tensorMeta.sampleCompression;
      this.#sampleCodec = name ? await loadCodec(name) : null;
    }
    if (this.#chunkCodec === undefined) {
      const name = this.tensorMeta.chunkCompression;
      this.#chunkCodec = name ? await loadBytesCodec(name) : null;
    }
    return { sample: this.#sampleCodec, chunk: this.#chunkCodec };
  }

  #builderSpec(chunk: BytesCodec | null): BuilderSpec {
    const m = this.tensorMeta;
    return {
      dtype: m.encoding === "array" ? m.dtype : null, encoding: m.encoding, ndim: this.#rank ?? 0,
      sampleCodec: m.sampleCompression ?? "", chunkCodecName: m.chunkCompression ?? "", chunkCodec: chunk, maxBytes: m.maxChunkSize,
    };
  }

  // ---------- writing ----------

  /** Validates and encodes samples without changing anything (phase 1 of an atomic extend). */
  async prepare(samples: readonly EngineSample[], firstIndex: number): Promise<Prepared[]> {
    this.#ds.assertWritable();
    const codecs = await this.#codecs();
    const dtypeBefore = this.tensorMeta.dtype;
    let ndim: number | null = this.#rank;
    const out: Prepared[] = [];
    // Empty samples met before the tensor has a rank: their shape gets the rank of the first real sample.
    const rankless: Prepared[] = [];
    // One context for the whole batch (index and rank updated per sample): no objects or closures per sample.
    const ctx: PrepareContext = { tensor: this.name, index: firstIndex, meta: this.tensorMeta, ndim, codecs: { sample: codecs.sample, other: loadCodec } };
    try {
      for (let i = 0; i < samples.length; i++) {
        ctx.index = firstIndex + i;
        ctx.ndim = ndim;
        const r = prepareSample(samples[i], ctx);
        const s: Prepared = r instanceof Promise ? await r : r;
        if (s.tileArray) s.tileChunks = this.#encodeTiles(s.tileArray, ctx);
        if (ndim === null) {
          if (isEmptySample(samples[i])) rankless.push(s);
          else {
            ndim = s.shape.length;
            for (const r of rankless) {
              r.shape = new Array<number>(ndim).fill(0);
              delete r.rankless;
            }
          }
        }
        out.push(s);
      }
    } catch (e) {
      this.tensorMeta.dtype = dtypeBefore;
      throw e;
    }
    return out;
  }

  #encodeTiles(array: NDArray, ctx: PrepareContext): NonNullable<Prepared["tileChunks"]> {
    const itemSize = dtypeInfo(array.dtype).itemSize;
    const tileShape = tileShapeFor(array.shape, itemSize, this.tensorMeta.maxChunkSize);
    const count = shapeSize(gridOf(array.shape, tileShape));
    const bytes: Uint8Array[] = [];
    const shapes: number[][] = [];
    for (let k = 0; k < count; k++) {
      const box = tileBox(k, array.shape, tileShape);
      const tile = extractBox(array, box.start, box.stop);
      bytes.push(encodeRaw(tile, bytesOf(tile.data as TypedArray), ctx));
      shapes.push([...tile.shape]);
    }
    return { layout: { shape: [...array.shape], tileShape }, bytes, shapes };
  }

  /** Phase 2: adds prepared samples. Cannot fail on validation; only I/O back-pressure awaits. */
  async push(prepared: readonly Prepared[]): Promise<void> {
    const rows = await this.#load();
    this.#generation++;
    const { chunk } = await this.#codecs();
    const max = this.tensorMeta.maxChunkSize;
    for (const s of prepared) {
      if (!s.rankless) this.#fixRank(s.shape);
      if (s.tileChunks) {
        this.#sealOpen();
        const ids: string[] = [];
        s.tileChunks.bytes.forEach((b, k) => {
          const builder = new ChunkBuilder({ ...this.#builderSpec(chunk), ndim: s.shape.length }, b.byteLength);
          builder.add(b, s.tileChunks!.shapes[k]!);
          const id = randomHex();
          this.#ds.enqueueWrite(keys.chunk(this.key, id), builder.seal({ tile: true }));
          ids.push(id);
        });
        rows.push({ id: "", count: 1, headerLength: 0, objectLength: 0, tiles: { ...s.tileChunks.layout, ids } });
        this.#starts = null;
      } else {
        if (this.#open && this.#open.count > 0 && this.#open.size + s.bytes.byteLength > max) this.#sealOpen();
        if (!this.#open) this.#openBuilder(chunk, s.shape.length, s.bytes.byteLength);
        this.#open!.add(s.bytes, s.shape);
        rows[rows.length - 1]!.count++;
      }
      this.#grow(s.shape);
      if (this.#ds.writeBacklog) await this.#ds.backpressure();
    }
  }

  /** Appends a batch whose leading axis is the sample axis, one copy per chunk (the fast path for labels/embeddings). */
  async extendBatch(batch: NDArray, opts?: ExtendOptions): Promise<void> {
    this.#ds.assertWritable();
    const m = this.tensorMeta;
    if (m.encoding !== "array" || m.sampleCompression || batch.shape.length === 0) {
      const n = batch.shape[0] ?? 0;
      const per = shapeSize(batch.shape.slice(1));
      const samples: NDArray[] = [];
      for (let i = 0; i < n; i++) samples.push(ndarray(batch.dtype, batch.shape.slice(1), batch.data.subarray(i * per, (i + 1) * per) as never));
      return this.extend(samples, opts);
    }
    const shape = batch.shape.slice(1);
    const n = batch.shape[0]!;
    const first: Prepared[] = await this.prepare([ndarray(batch.dtype, shape, batch.data.subarray(0, shapeSize(shape)) as never)], this.#length);
    if (first[0]!.tileArray || n === 0 || shapeSize(batch.shape) !== batch.data.length) {
      return this.extend(Array.from({ length: n }, (_, i) => ndarray(batch.dtype, shape, batch.data.subarray(i * shapeSize(shape), (i + 1) * shapeSize(shape)) as never)), opts);
    }
    const rows = await this.#load();
    this.#generation++;
    const { chunk } = await this.#codecs();
    const bytes = bytesOf(batch.data as TypedArray);
    const each = bytes.byteLength / n;
    const max = this.tensorMeta.maxChunkSize;
    // Samples that still fit in a chunk holding `size` payload bytes (the same rule as push: seal before passing max).
    const room = (size: number): number => (each === 0 ? n : Math.floor((max - size) / each));
    const linked = this.#linkedTensors();
    // Before any builder opens: a builder takes the tensor's rank, and this.#length grows below.
    this.#fixRank(shape);
    this.#grow(shape);
    let done = 0;
    while (done < n) {
      if (this.#open && this.#open.count > 0 && room(this.#open.size) < 1) this.#sealOpen();
      if (!this.#open) this.#openBuilder(chunk, shape.length, each);
      const take = Math.min(n - done, Math.max(1, room(this.#open!.size)));
      this.#open!.addUniform(bytes.subarray(done * each, (done + take) * each), take, shape);
      rows[rows.length - 1]!.count += take;
      done += take;
      this.#length += take;
      if (this.#ds.writeBacklog) await this.#ds.backpressure();
      opts?.onProgress?.(done, n);
    }
    await this.#appendLinked(linked, n, () => shape, opts?.infos);
  }

  #openBuilder(chunk: BytesCodec | null, ndim: number, firstBytes: number): void {
    const spec = this.#builderSpec(chunk);
    spec.ndim = this.#rank ?? ndim;
    // After a chunk filled up, the next one most likely will too (an ingest): size it for that from the start.
    const max = this.tensorMeta.maxChunkSize;
    this.#open = new ChunkBuilder(spec, this.#filledChunk ? max : Math.min(max, Math.max(firstBytes * 4, 1 << 16)));
    this.#rows!.push({ id: randomHex(), count: 0, headerLength: 0, objectLength: 0 });
    this.#starts = null;
  }

  #sealOpen(): void {
    const open = this.#open;
    if (!open) return;
    this.#open = null;
    const row = this.#rows![this.#rows!.length - 1]!;
    if (open.count === 0) {
      open.discard();
      this.#rows!.pop();
      return;
    }
    if (open.size >= this.tensorMeta.maxChunkSize / 2) this.#filledChunk = true;
    const sealed = open.seal();
    row.headerLength = new DataView(sealed.bytes.buffer, sealed.bytes.byteOffset + 8, 4).getUint32(0, true);
    row.objectLength = sealed.bytes.byteLength;
    this.#ds.enqueueWrite(keys.chunk(this.key, row.id), sealed);
  }

  #grow(shape: readonly number[]): void {
    // Rank-less empties leave the bounds at [] until the rank is known (then #fixRank counts them as zeros).
    if (this.#rank === null) return;
    if (this.minShape.length === 0 && this.maxShape.length === 0) {
      this.minShape = [...shape];
      this.maxShape = [...shape];
    } else {
      for (let i = 0; i < shape.length; i++) {
        if (shape[i]! < (this.minShape[i] ?? Infinity)) this.minShape[i] = shape[i]!;
        if (shape[i]! > (this.maxShape[i] ?? -1)) this.maxShape[i] = shape[i]!;
      }
    }
  }

  #linkedTensors(): { id?: TensorEngine; shape?: TensorEngine; info?: TensorEngine } {
    const out: { id?: TensorEngine; shape?: TensorEngine; info?: TensorEngine } = {};
    for (const [role, name] of Object.entries(this.tensorMeta.links)) {
      if (role === "id" || role === "shape" || role === "info") out[role] = this.#ds.tensor(name);
    }
    return out;
  }

  async #appendLinked(linked: ReturnType<TensorEngine["linkedTensors"]>, n: number, shapeOf: (i: number) => readonly number[], infos: ExtendOptions["infos"]): Promise<void> {
    if (linked.id) {
      const ids = new BigUint64Array(n);
      for (let i = 0; i < n; i += 8192) crypto.getRandomValues(ids.subarray(i, Math.min(n, i + 8192)));
      await linked.id.extendBatch(ndarray("uint64", [n], ids));
    }
    if (linked.shape) {
      const d = this.#rank ?? 0;
      const shapes = new Uint32Array(n * d);
      for (let i = 0, at = 0; i < n; i++) {
        const s = shapeOf(i);
        for (let k = 0; k < d; k++) shapes[at++] = s[k] ?? 0;
      }
      await linked.shape.extendBatch(ndarray("uint32", [n, d], shapes));
    }
    if (linked.info) {
      const values = Array.from({ length: n }, (_, i) => ({ kind: "json", value: infos?.[i] ?? {} }));
      await linked.info.commitPrepared(await linked.info.prepare(values, linked.info.length));
    }
  }

  /** For callers that need the linked hidden tensors (id/shape/info). */
  linkedTensors(): { id?: TensorEngine; shape?: TensorEngine; info?: TensorEngine } {
    return this.#linkedTensors();
  }

  /** Appends samples atomically: a sample that fails validation leaves the tensor (and its hidden tensors) unchanged. */
  async extend(samples: Iterable<EngineSample> | AsyncIterable<EngineSample>, opts?: ExtendOptions): Promise<void> {
    this.#ds.assertWritable();
    if (typeof samples !== "object" || samples === null || !(Symbol.iterator in samples || Symbol.asyncIterator in samples)) {
      throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(this.name)}: extend takes an iterable of samples, got ${describeArray(samples)}`);
    }
    const batch: EngineSample[] = [];
    const mark = this.#length;
    const rankMark = { rank: this.#rank, min: this.minShape, max: this.maxShape };
    const linked = this.#linkedTensors();
    const marks = Object.values(linked).map((t) => [t, t.length] as const);
    let done = 0;
    const total = Array.isArray(samples) ? samples.length : 0;
    const flushBatch = async () => {
      const prepared = await this.prepare(batch, this.#length);
      await this.commitPrepared(prepared, opts?.infos?.slice(done, done + prepared.length));
      done += prepared.length;
      batch.length = 0;
      opts?.onProgress?.(done, total);
    };
    let bytes = 0;
    /** Queues one sample; true when the batch is due. */
    const take = (s: EngineSample): boolean => {
      opts?.signal?.throwIfAborted();
      batch.push(s);
      bytes += byteEstimate(s);
      if (batch.length < 4096 && bytes < this.tensorMeta.maxChunkSize) return false;
      bytes = 0;
      return true;
    };
    try {
      // Arrays and other sync iterables are walked synchronously: for-await would cost promises per sample.
      if (Symbol.iterator in samples) {
        for (const s of samples as Iterable<EngineSample>) if (take(s)) await flushBatch();
      } else {
        for await (const s of samples as AsyncIterable<EngineSample>) if (take(s)) await flushBatch();
      }
      if (batch.length > 0) await flushBatch();
    } catch (e) {
      if (this.#length > mark) await this.truncate(mark);
      for (const [t, len] of marks) if (t.length > len) await t.truncate(len);
      if (rankMark.rank === null && this.#rank !== null) {
        // The rank came from samples just rolled back: the tensor is rank-less again.
        this.#sealOpen();
        this.#rank = null;
        this.minShape = rankMark.min;
        this.maxShape = rankMark.max;
      }
      throw e;
    }
  }

  async append(sample: EngineSample, opts?: ExtendOptions): Promise<void> {
    return this.extend([sample], opts);
  }

  /** Phase 2 of an extend for this tensor and its hidden tensors. */
  async commitPrepared(prepared: readonly Prepared[], infos?: ExtendOptions["infos"]): Promise<void> {
    const linked = this.#linkedTensors();
    await this.push(prepared);
    this.#length += prepared.length;
    await this.#appendLinked(linked, prepared.length, (i) => prepared[i]!.shape, infos);
  }

  /** Replaces sample `index` (copy-on-write: the chunk holding it is rewritten under a new id). */
  async update(index: number, sample: EngineSample, opts?: { signal?: AbortSignal }): Promise<void> {
    this.#checkIndex(index);
    const [prepared] = await this.prepare([sample], index);
    const rows = await this.#load(opts?.signal);
    const { r, local } = this.#locate(index);
    if (this.#open && r === rows.length - 1) this.#sealOpen();
    const linked = this.#linkedTensors();
    if (linked.id) this.#updatedIds.add(await this.#sampleId(linked.id, index, opts?.signal));
    if (!prepared!.rankless) this.#fixRank(prepared!.shape);
    let before: readonly number[] = [];
    await this.#rewriteRow(r, (samples) => {
      before = samples[local]!.shape;
      samples[local] = prepared!;
      return samples;
    }, opts?.signal);
    this.#grow(prepared!.shape);
    // The shape row changes only with the shape: an unchanged one keeps its chunk (a one-sample edit stores one chunk).
    if (linked.shape && !equalShapes(before, prepared!.shape)) {
      await linked.shape.update(index, ndarray("uint32", [prepared!.shape.length], Uint32Array.from(prepared!.shape)), opts);
    }
  }

  async #sampleId(idTensor: TensorEngine, index: number, signal?: AbortSignal): Promise<bigint> {
    const v = (await idTensor.read(index, { signal })) as NDArray<"uint64">;
    return v.data[0] ?? 0n;
  }

  /** Removes sample `index` (default: the last one); later samples shift down by one. */
  async pop(index?: number, opts?: { signal?: AbortSignal }): Promise<void> {
    this.#ds.assertWritable();
    const i = index ?? this.#length - 1;
    this.#checkIndex(i);
    const linked = this.#linkedTensors();
    if (linked.id) this.#poppedIds.add(await this.#sampleId(linked.id, i, opts?.signal));
    await this.#removeAt(i, opts?.signal);
    for (const t of Object.values(linked)) await t.pop(i, opts);
  }

  async #removeAt(i: number, signal?: AbortSignal): Promise<void> {
    const rows = await this.#load(signal);
    const { r, local } = this.#locate(i);
    if (this.#open && r === rows.length - 1) this.#sealOpen();
    await this.#rewriteRow(r, (samples) => {
      samples.splice(local, 1);
      return samples;
    }, signal);
    this.#length--;
    this.#generation++;
    if (this.#length < this.#changes.addedFrom) this.#changes.addedFrom = this.#length;
  }

  /** Drops samples from the end until `length` remain (rollback of a failed extend). */
  async truncate(length: number): Promise<void> {
    const rows = await this.#load();
    this.#generation++;
    this.#sealOpen();
    while (this.#length > length) {
      const last = rows[rows.length - 1]!;
      const excess = this.#length - length;
      if (last.count <= excess) {
        rows.pop();
        this.#length -= last.count;
      } else {
        const keep = last.count - excess;
        await this.#rewriteRow(rows.length - 1, (s) => s.slice(0, keep));
        this.#length = length;
      }
      this.#dirtyFrom = Math.min(this.#dirtyFrom, rows.length);
      this.#starts = null;
    }
    if (this.#length < this.#changes.addedFrom) this.#changes.addedFrom = this.#length;
  }

  /** Rewrites every chunk to the target size (after many updates or small flushes). */
  async rechunk(opts?: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void }): Promise<void> {
    this.#ds.assertWritable();
    const rows = await this.#load(opts?.signal);
    this.#generation++;
    this.#sealOpen();
    const old = rows.splice(0, rows.length);
    this.#starts = null;
    this.#dirtyFrom = 0;
    const { chunk } = await this.#codecs();
    for (let r = 0; r < old.length; r++) {
      opts?.signal?.throwIfAborted();
      const row = old[r]!;
      if (row.tiles) {
        this.#sealOpen();
        rows.push(row);
        continue;
      }
      const samples = await this.#rowStored(row, rows.length, opts?.signal);
      for (const s of samples) {
        if (this.#open && this.#open.count > 0 && this.#open.size + s.bytes.byteLength > this.tensorMeta.maxChunkSize) this.#sealOpen();
        if (!this.#open) this.#openBuilder(chunk, s.shape.length, s.bytes.byteLength);
        this.#open!.add(s.bytes, s.shape);
        rows[rows.length - 1]!.count++;
      }
      opts?.onProgress?.(r + 1, old.length);
    }
    this.#sealOpen();
  }

  /** Stored samples of one row (decoded payload slices), for rewrites. */
  async #rowStored(row: Row, r: number, signal?: AbortSignal): Promise<Prepared[]> {
    if (row.tiles) return [{ bytes: new Uint8Array(0), shape: [...row.tiles.shape], reuseTiles: row.tiles }];
    void r;
    if (this.#open && row === this.#rows![this.#rows!.length - 1]) {
      return Array.from({ length: row.count }, (_, i) => ({ bytes: this.#open!.sample(i).slice(), shape: this.#present(this.#open!.shape(i)) }));
    }
    const key = keys.chunk(this.key, row.id);
    const entry = await this.#whole(key, signal);
    // The views outlive this call (rewrites await between reading and copying them): the memory is never reused.
    this.#ds.payloads.share(entry);
    this.#ds.payloads.release(entry);
    const { header, payload } = entry;
    return Array.from({ length: header.count }, (_, i) => {
      const [s, e] = sampleRange(header, i);
      return { bytes: payload.subarray(s, e), shape: this.#present(sampleShape(header, i)) };
    });
  }

  async #rewriteRow(r: number, edit: (samples: Prepared[]) => Prepared[], signal?: AbortSignal): Promise<void> {
    const rows = this.#rows!;
    const row = rows[r]!;
    this.#generation++;
    const samples = edit(await this.#rowStored(row, r, signal));
    const { chunk } = await this.#codecs();
    const out: Row[] = [];
    let builder: ChunkBuilder | null = null;
    let current: Row | null = null;
    const seal = () => {
      if (!builder || !current) return;
      const sealed = builder.seal();
      current.headerLength = new DataView(sealed.bytes.buffer, sealed.bytes.byteOffset + 8, 4).getUint32(0, true);
      current.objectLength = sealed.bytes.byteLength;
      this.#ds.enqueueWrite(keys.chunk(this.key, current.id), sealed);
      builder = null;
      current = null;
    };
    for (const s of samples) {
      const reuse = s.reuseTiles;
      if (reuse || s.tileChunks) {
        seal();
        if (reuse) out.push({ id: "", count: 1, headerLength: 0, objectLength: 0, tiles: reuse });
        else {
          const ids = s.tileChunks!.bytes.map((b, k) => {
            const tb = new ChunkBuilder({ ...this.#builderSpec(chunk), ndim: s.shape.length }, b.byteLength);
            tb.add(b, s.tileChunks!.shapes[k]!);
            const id = randomHex();
            this.#ds.enqueueWrite(keys.chunk(this.key, id), tb.seal({ tile: true }));
            return id;
          });
          out.push({ id: "", count: 1, headerLength: 0, objectLength: 0, tiles: { ...s.tileChunks!.layout, ids } });
        }
        continue;
      }
      if (builder && (builder as ChunkBuilder).count > 0 && (builder as ChunkBuilder).size + s.bytes.byteLength > this.tensorMeta.maxChunkSize) seal();
      if (!builder) {
        builder = new ChunkBuilder({ ...this.#builderSpec(chunk), ndim: s.shape.length }, s.bytes.byteLength * Math.max(1, samples.length));
        current = { id: randomHex(), count: 0, headerLength: 0, objectLength: 0 };
        out.push(current);
      }
      (builder as ChunkBuilder).add(s.bytes, s.shape);
      current!.count++;
    }
    seal();
    rows.splice(r, 1, ...out);
    this.#dirtyFrom = Math.min(this.#dirtyFrom, r);
    this.#starts = null;
  }

  // ---------- reading ----------

  #checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.#length) throw new SampleIndexError(this.name, index, this.#length);
  }

  #locate(i: number): { r: number; local: number } {
    const rows = this.#rows!;
    if (!this.#starts || this.#starts.length !== rows.length) {
      const starts = new Float64Array(rows.length);
      let acc = 0;
      for (let r = 0; r < rows.length; r++) {
        starts[r] = acc;
        acc += rows[r]!.count;
      }
      this.#starts = starts;
    }
    const starts = this.#starts;
    let lo = 0;
    let hi = rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    while (lo < rows.length - 1 && rows[lo]!.count === 0) lo++;
    return { r: lo, local: i - starts[lo]! };
  }

  async #header(row: Row, key: string, signal?: AbortSignal): Promise<ChunkHeader> {
    const cached = this.#ds.headers.get(key);
    if (cached) return cached;
    const pending = this.#ds.pendingBytes(key);
    if (pending) return this.#keepHeader(key, parseHeader(pending, key));
    return this.#headerLoads.run(key, signal, async (s) => {
      const bytes = row.headerLength > 0 ? await this.#ds.store.get(key, { range: { offset: 0, length: row.headerLength }, signal: s }) : await this.#ds.store.get(key, { signal: s });
      if (!bytes) throw new MissingChunkError(key, `chunk of tensor ${JSON.stringify(this.name)}`);
      return parseHeader(bytes, key);
    }, (header) => this.#keepHeader(key, header));
  }

  #keepHeader(key: string, header: ChunkHeader): ChunkHeader {
    this.#ds.headers.set(key, header, header.headerLength);
    return header;
  }

  /**
   * A chunk's verified payload entry (cached; lz4 payloads may still be partly decoded: see `#through`), pinned so
   * its memory is not reused while the caller reads it: pass it to `this.#ds.payloads.release` when done.
   */
  async #chunk(key: string, signal?: AbortSignal): Promise<DecodedChunk> {
    const cached = this.#ds.payloads.acquire(key);
    if (cached) return cached;
    return this.#chunkLoads.run(key, signal, (s) => this.#fetchChunk(key, s), (entry, joined) => {
      entry.pins += joined;
      this.#ds.payloads.set(key, entry, chunkBytes(entry));
    });
  }

  async #fetchChunk(key: string, signal?: AbortSignal): Promise<DecodedChunk> {
    const bytes = this.#ds.pendingBytes(key)?.slice() ?? (await this.#ds.store.get(key, { signal }));
    if (!bytes) throw new MissingChunkError(key, `chunk of tensor ${JSON.stringify(this.name)}`);
    // A chunk evicted from the decoded cache and fetched again (every epoch, when the dataset outgrows cacheBytes)
    // is hashed only the first time under "once", like ranged reads.
    const seen = this.#verified.get(key);
    const once = this.#ds.verifyChecksums === "once";
    const payloads = this.#ds.payloads;
    const entry = await decodeChunk(bytes, key, loadBytesCodec, once && seen !== undefined && seen.every((v) => v === 1), (n) => payloads.alloc(n));
    if (once) this.#verified.set(key, new Uint8Array(Math.max(1, entry.header.checksums.length)).fill(1));
    return entry;
  }

  /** The payload of `entry` with at least `[0, end)` decoded. */
  #through(entry: DecodedChunk, key: string, end: number): Uint8Array {
    try {
      if (decodeThrough(entry, end, key)) this.#ds.payloads.set(key, entry, chunkBytes(entry));
    } catch (e) {
      this.#ds.payloads.delete(key);
      throw e;
    }
    return entry.payload;
  }

  /** A chunk's entry with its whole payload decoded and verified, pinned like `#chunk`'s (release it). */
  async #whole(key: string, signal?: AbortSignal): Promise<DecodedChunk> {
    const entry = await this.#chunk(key, signal);
    try {
      this.#through(entry, key, entry.payload.byteLength);
    } catch (e) {
      this.#ds.payloads.release(entry);
      throw e;
    }
    return entry;
  }

  /** Checks a checksum group read by range, once per parsed header unless every read must be verified. */
  #verifyGroupOnce(header: ChunkHeader, local: number, bytes: Uint8Array, start: number, end: number, key: string): void {
    const g = Math.floor(local / header.groupSize);
    if (this.#groupVerified(key, g)) return;
    const group = groupOf(header, local);
    this.#ds.verify(bytes, start, end, group.checksum, key, header.headerLength + group.start);
    if (this.#ds.verifyChecksums === "always") return;
    let seen = this.#verified.get(key);
    if (!seen || seen.length !== header.checksums.length) this.#verified.set(key, (seen = new Uint8Array(header.checksums.length)));
    seen[g] = 1;
  }

  /** Forgets which checksum groups were verified (the dataset's clearCache). */
  forgetVerified(): void {
    this.#verified.clear();
  }

  #groupVerified(key: string, g: number): boolean {
    return this.#ds.verifyChecksums === "once" && this.#verified.get(key)?.[g] === 1;
  }

  /** Stored bytes (owned by the caller) and shape of sample `i`; tiled samples come back assembled. */
  async #stored(i: number, signal?: AbortSignal): Promise<{ bytes: Uint8Array; shape: number[] } | { array: NDArray }> {
    this.#checkIndex(i);
    const rows = await this.#load(signal);
    const { r, local } = this.#locate(i);
    const row = rows[r]!;
    if (row.tiles) return { array: await this.#readTiled(row.tiles, null, signal) };
    if (this.#open && r === rows.length - 1) return { bytes: this.#open.sample(local).slice(), shape: this.#present(this.#open.shape(local)) };
    const key = keys.chunk(this.key, row.id);
    if (this.tensorMeta.chunkCompression || this.#ds.pendingBytes(key) || this.#ds.payloads.get(key)) {
      const entry = await this.#chunk(key, signal);
      try {
        const [s, e] = sampleRange(entry.header, local);
        return { bytes: this.#through(entry, key, e).slice(s, e), shape: this.#present(sampleShape(entry.header, local)) };
      } finally {
        this.#ds.payloads.release(entry);
      }
    }
    const header = await this.#header(row, key, signal);
    const g = groupOf(header, local);
    const got = await this.#ds.store.get(key, { range: { offset: header.headerLength + g.start, length: g.end - g.start }, signal });
    if (!got) throw new MissingChunkError(key, `chunk of tensor ${JSON.stringify(this.name)}`);
    this.#verifyGroupOnce(header, local, got, 0, got.byteLength, key);
    const [s, e] = sampleRange(header, local);
    return { bytes: got.subarray(s - g.start, e - g.start), shape: this.#present(sampleShape(header, local)) };
  }

  async #readTiled(layout: TileLayout, box: { start: number[]; stop: number[] } | null, signal?: AbortSignal): Promise<NDArray> {
    const dtype = (this.tensorMeta.dtype ?? "uint8") as DType;
    const start = box?.start ?? layout.shape.map(() => 0);
    const stop = box?.stop ?? [...layout.shape];
    const extent = stop.map((s, i) => s - start[i]!);
    const out = allocTyped(dtype, shapeSize(extent)) as TypedArray;
    const codec = (await this.#codecs()).sample;
    await Promise.all(layout.ids.map(async (id, k) => {
      const tb = tileBox(k, layout.shape, layout.tileShape);
      const lo = tb.start.map((s, i) => Math.max(s, start[i]!));
      const hi = tb.stop.map((s, i) => Math.min(s, stop[i]!));
      if (lo.some((v, i) => v >= hi[i]!)) return;
      const key = keys.chunk(this.key, id);
      const entry = await this.#whole(key, signal);
      const [s, e] = sampleRange(entry.header, 0);
      let stored: Uint8Array;
      try {
        stored = entry.payload.slice(s, e);
      } finally {
        this.#ds.payloads.release(entry);
      }
      const tile = decodeStored(this.tensorMeta, codec, stored, sampleShape(entry.header, 0)) as NDArray;
      copyBox(tile.data as TypedArray, tile.shape, lo.map((v, i) => v - tb.start[i]!), out, extent, lo.map((v, i) => v - start[i]!), hi.map((v, i) => v - lo[i]!));
    }));
    return ndarray(dtype, extent, out as never);
  }

  async read(index: number, opts?: ReadOptions): Promise<SampleValue> {
    const st = await this.#stored(index, opts?.signal);
    if ("array" in st) return st.array;
    return decodeStored(this.tensorMeta, (await this.#codecs()).sample, st.bytes, st.shape) as SampleValue;
  }

  /** Samples `[start, stop)`. */
  async readRange(start: number, stop: number, opts?: ReadOptions): Promise<SampleValue[]> {
    if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > this.#length || start > stop) {
      throw new SampleIndexError(this.name, start < 0 || !Number.isInteger(start) ? start : stop, this.#length);
    }
    return this.readMany(Array.from({ length: stop - start }, (_, i) => start + i), opts);
  }

  /** Many samples in the given order, as safe copies; each chunk is fetched once (see `#rowViews`). */
  async readMany(indices: ArrayLike<number>, opts?: ReadOptions): Promise<SampleValue[]> {
    const signal = opts?.signal;
    for (let k = 0; k < indices.length; k++) this.#checkIndex(indices[k]!);
    const rows = await this.#load(signal);
    const codec = (await this.#codecs()).sample;
    // Only raw arrays alias their bytes; decoded text, JSON and codec output are new memory already.
    const copy = this.tensorMeta.encoding === "array" && codec === null;
    const out = new Array<SampleValue>(indices.length);
    await Promise.all([...this.#byRow(indices)].map(async ([r, ks]) => {
      if (rows[r]!.tiles) {
        for (const k of ks) out[k] = await this.read(indices[k]!, opts);
        return;
      }
      const { views, shapeOf, release } = await this.#rowViews(r, ks.map((k) => indices[k]! - this.#locateStart(r)), signal);
      try {
        ks.forEach((k, j) => {
          const v = views[j]!;
          out[k] = decodeStored(this.tensorMeta, codec, copy ? v.slice() : v, shapeOf(j)) as SampleValue;
        });
      } finally {
        release();
      }
    }));
    return out;
  }

  /**
   * Samples of one shape copied into `out` back to back (TensorColumn.readManyInto): one copy each, from the ranged
   * read or the chunk cache straight into the caller's buffer. Shapes and `out` are checked before anything is written.
   */
  async readManyInto(indices: ArrayLike<number>, out: TypedArray, opts?: ReadIntoOptions): Promise<readonly number[]> {
    const signal = opts?.signal;
    const m = this.tensorMeta;
    if (m.encoding !== "array") throw new UnsupportedError("readManyInto", `[shoal] tensor ${JSON.stringify(this.name)} stores ${m.encoding} samples; readManyInto takes array tensors`);
    const offset = opts?.offset ?? 0;
    if (!Number.isInteger(offset) || offset < 0) throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(this.name)}: readManyInto offset must be a non-negative integer, got ${offset}`);
    for (let k = 0; k < indices.length; k++) this.#checkIndex(indices[k]!);
    const dtype = (m.dtype ?? "uint8") as DType;
    const info = dtypeInfo(dtype);
    if (!ArrayBuffer.isView(out) || Object.prototype.toString.call(out) !== `[object ${info.ArrayType.name}]`) {
      throw new DtypeError(`[shoal] tensor ${JSON.stringify(this.name)} is ${dtype}: readManyInto needs a ${info.ArrayType.name}, got ${describeArray(out)}`);
    }
    const rows = await this.#load(signal);
    const groups = [...this.#byRow(indices)];
    // Phase 1: every sample's shape (headers only), so a mismatch rejects before `out` is touched.
    let shape: readonly number[] | null = null;
    const check = (r: number, k: number, got: readonly number[]): void => {
      if (shape === null) shape = got;
      else if (!equalShapes(shape, got)) {
        throw new ShapeError(`[shoal] tensor ${JSON.stringify(this.name)}: readManyInto needs samples of one shape; sample ${indices[k]} is [${got.join(", ")}], sample ${indices[0]} is [${shape.join(", ")}]`);
      }
      void r;
    };
    for (const [r, ks] of groups) {
      const row = rows[r]!;
      if (row.tiles) {
        for (const k of ks) check(r, k, row.tiles.shape);
        continue;
      }
      const base = this.#locateStart(r);
      if (this.#open && r === rows.length - 1) {
        for (const k of ks) check(r, k, this.#present(this.#open.shape(indices[k]! - base)));
        continue;
      }
      const header = await this.#header(row, keys.chunk(this.key, row.id), signal);
      for (const k of ks) check(r, k, this.#present(sampleShape(header, indices[k]! - base)));
    }
    const sampleShapeOut: readonly number[] = shape ?? [...this.minShape];
    const size = shapeSize(sampleShapeOut);
    if (offset + indices.length * size > out.length) {
      throw new ShapeError(`[shoal] tensor ${JSON.stringify(this.name)}: readManyInto needs ${offset + indices.length * size} elements in out (offset ${offset} + ${indices.length} samples of [${sampleShapeOut.join(", ")}]), out has ${out.length}`);
    }
    const codec = (await this.#codecs()).sample;
    const outBytes = bytesOf(out);
    const item = info.itemSize;
    const rawBytes = size * item;
    const direct = codec === null && rawBytes > 0 && this.#readsDirect();
    // Phase 2: fetch chunk by chunk and copy each sample into its slot (or read it there, see #readRowInto).
    await Promise.all(groups.map(async ([r, ks]) => {
      if (rows[r]!.tiles) {
        for (const k of ks) {
          const a = (await this.read(indices[k]!, opts)) as NDArray;
          out.set(a.data as never, offset + k * size);
        }
        return;
      }
      const base = this.#locateStart(r);
      const rest = direct && !(this.#open && r === rows.length - 1) ? await this.#readRowInto(r, ks, indices, base, outBytes, (k) => (offset + k * size) * item, rawBytes, signal) : ks;
      if (rest.length === 0) return;
      const { views, shapeOf, release } = await this.#rowViews(r, rest.map((k) => indices[k]! - base), signal);
      try {
        rest.forEach((k, j) => {
          const v = views[j]!;
          if (codec === null) {
            if (v.byteLength !== rawBytes) throw new CorruptChunkError(keys.chunk(this.key, rows[r]!.id), 0, `sample ${indices[k]} holds ${v.byteLength} bytes, its shape needs ${rawBytes}`);
            outBytes.set(v, (offset + k * size) * item);
          } else {
            const a = decodeStored(m, codec, v, shapeOf(j)) as NDArray;
            if (a.data.length !== size) throw new SampleShapeError(this.name, indices[k]!, `decodes to ${a.data.length} elements, its shape [${sampleShapeOut.join(", ")}] needs ${size}`);
            out.set(a.data as never, offset + k * size);
          }
        });
      } finally {
        release();
      }
    }));
    return sampleShapeOut;
  }

  /**
   * Whether raw samples can be read straight into a caller's buffer: the store offers `readInto` and is local (a
   * remote store's requests cost round trips, so there `#rowViews` merges neighbouring samples into one request).
   */
  #readsDirect(): boolean {
    const store = this.#ds.store;
    return typeof store.readInto === "function" && store.capabilities.latency === "local" && !this.tensorMeta.chunkCompression;
  }

  /**
   * readManyInto's direct path for samples `ks` of uncompressed row `r`: each sample read by `Store.readInto` into its
   * slot of `out` (at byte `destOf(k)`), neighbours in the chunk and in `out` as one read, and each checksum group that
   * needs verifying hashed right there in `out` (see planDirectReads). Returns the samples left for the buffered path:
   * all of them for a chunk held in memory (pending or cached), else those of groups no single read covers.
   */
  async #readRowInto(r: number, ks: readonly number[], indices: ArrayLike<number>, base: number, out: Uint8Array, destOf: (k: number) => number, rawBytes: number, signal: AbortSignal | undefined): Promise<readonly number[]> {
    const row = this.#rows![r]!;
    const key = keys.chunk(this.key, row.id);
    if (this.#ds.pendingBytes(key) || this.#ds.payloads.get(key)) return ks;
    const header = await this.#header(row, key, signal);
    const locals = ks.map((k) => indices[k]! - base);
    locals.forEach((l, j) => {
      const [s, e] = sampleRange(header, l);
      if (e - s !== rawBytes) throw new CorruptChunkError(key, 0, `sample ${indices[ks[j]!]} holds ${e - s} bytes, its shape needs ${rawBytes}`);
    });
    const plan = planDirectReads(header, locals, ks.map(destOf), (g) => !this.#groupVerified(key, g));
    const readInto = this.#ds.store.readInto!.bind(this.#ds.store);
    const { runs, checks } = plan;
    await Promise.all(Array.from({ length: runs.length / 3 }, async (_, i) => {
      const s = runs[3 * i]!;
      const length = runs[3 * i + 1]! - s;
      const at = runs[3 * i + 2]!;
      const got = await readInto(key, { offset: header.headerLength + s, length }, out.subarray(at, at + length), { signal });
      if (got === undefined) throw new MissingChunkError(key, `chunk of tensor ${JSON.stringify(this.name)}`);
      if (got !== length) throw new CorruptChunkError(key, header.headerLength + s + got, `object ends inside its payload (${got} of ${length} bytes read)`);
    }));
    for (let i = 0; i < checks.length; i += 2) {
      const local = checks[i]!;
      const at = checks[i + 1]!;
      const group = groupOf(header, local);
      this.#verifyGroupOnce(header, local, out, at, at + group.end - group.start, key);
    }
    return plan.buffered.map((j) => ks[j]!);
  }

  /**
   * Stored bytes of many samples (TensorColumn.readBytesMany): one ranged read per chunk, nearby ranges coalesced.
   * Bytes from a ranged read are views of it; bytes from the chunk cache or the open chunk are copies.
   */
  async readBytesMany(indices: ArrayLike<number>, opts?: ReadOptions): Promise<StoredBytes[]> {
    const signal = opts?.signal;
    for (let k = 0; k < indices.length; k++) this.#checkIndex(indices[k]!);
    const rows = await this.#load(signal);
    const compression = this.tensorMeta.sampleCompression;
    const out = new Array<StoredBytes>(indices.length);
    await Promise.all([...this.#byRow(indices)].map(async ([r, ks]) => {
      if (rows[r]!.tiles) {
        for (const k of ks) out[k] = await this.readBytes(indices[k]!, opts);
        return;
      }
      const base = this.#locateStart(r);
      const { views, cached, release } = await this.#rowViews(r, ks.map((k) => indices[k]! - base), signal);
      try {
        ks.forEach((k, j) => {
          out[k] = { bytes: cached ? views[j]!.slice() : views[j]!, compression };
        });
      } finally {
        release();
      }
    }));
    return out;
  }

  /** Positions `k` of `indices` grouped by the row (chunk) holding them; indices must be checked already. */
  #byRow(indices: ArrayLike<number>): Map<number, number[]> {
    const byRow = new Map<number, number[]>();
    for (let k = 0; k < indices.length; k++) {
      const { r } = this.#locate(indices[k]!);
      let list = byRow.get(r);
      if (!list) byRow.set(r, (list = []));
      list.push(k);
    }
    return byRow;
  }

  /**
   * The stored bytes of samples `locals` of untiled row `r`, as views. From the chunk cache (chunk-compressed, pending,
   * or already cached chunks) or the open chunk they view shared memory (`cached`); otherwise they view buffers of
   * ranged reads made here: the needed byte spans (whole checksum groups where a group is not yet verified) sorted and
   * merged when closer than the store's merge gap (MERGE_GAP), or the whole payload when the spans cover most of it, so a run of samples costs
   * one request per chunk, never one per sample.
   */
  async #rowViews(r: number, locals: readonly number[], signal?: AbortSignal): Promise<RowViews> {
    const rows = this.#rows!;
    const row = rows[r]!;
    if (this.#open && r === rows.length - 1) {
      const open = this.#open;
      return { header: null, views: locals.map((l) => open.sample(l)), shapeOf: (j) => this.#present(open.shape(locals[j]!)), cached: true, release: noop };
    }
    const key = keys.chunk(this.key, row.id);
    if (this.tensorMeta.chunkCompression || this.#ds.pendingBytes(key) || this.#ds.payloads.get(key)) {
      const entry = await this.#chunk(key, signal);
      const release = () => this.#ds.payloads.release(entry);
      const header = entry.header;
      let end = 0;
      for (const l of locals) end = Math.max(end, sampleRange(header, l)[1]);
      let payload: Uint8Array;
      try {
        payload = this.#through(entry, key, end);
      } catch (e) {
        release();
        throw e;
      }
      const views = locals.map((l) => {
        const [s, e] = sampleRange(header, l);
        return payload.subarray(s, e);
      });
      return { header, views, shapeOf: (j) => this.#present(sampleShape(header, locals[j]!)), cached: true, release };
    }
    const header = await this.#header(row, key, signal);
    const gap = mergeGapOf(this.#ds.store);
    const sorted = Uint32Array.from(locals).sort();
    // Needed spans in payload coordinates, ascending and merged.
    const spans: number[] = [];
    let needed = 0;
    for (let i = 0; i < sorted.length; i++) {
      const l = sorted[i]!;
      if (i > 0 && l === sorted[i - 1]) continue;
      let s: number;
      let e: number;
      const g = Math.floor(l / header.groupSize);
      if (this.#groupVerified(key, g)) [s, e] = sampleRange(header, l);
      else {
        const group = groupOf(header, l);
        s = group.start;
        e = group.end;
      }
      const lastEnd = spans.length > 0 ? spans[spans.length - 1]! : 0;
      needed += Math.max(0, e - Math.max(s, lastEnd));
      if (spans.length > 0 && s <= spans[spans.length - 1]! + gap) spans[spans.length - 1] = Math.max(spans[spans.length - 1]!, e);
      else spans.push(s, e);
    }
    if (spans.length > 2 && needed >= header.payloadLength / 2) spans.splice(1, spans.length - 2);
    const bufs = await Promise.all(Array.from({ length: spans.length / 2 }, async (_, i) => {
      const s = spans[2 * i]!;
      const got = await this.#ds.store.get(key, { range: { offset: header.headerLength + s, length: spans[2 * i + 1]! - s }, signal });
      if (!got) throw new MissingChunkError(key, `chunk of tensor ${JSON.stringify(this.name)}`);
      if (got.byteLength !== spans[2 * i + 1]! - s) throw new CorruptChunkError(key, header.headerLength + s + got.byteLength, `object ends inside its payload (${got.byteLength} of ${spans[2 * i + 1]! - s} bytes read)`);
      return got;
    }));
    const spanOf = (s: number): number => {
      let lo = 0;
      let hi = bufs.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (spans[2 * mid]! <= s) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    // Groups checked by this call (under "always" nothing is remembered, but one call hashes a group once).
    const checked = new Set<number>();
    const views = locals.map((l) => {
      const g = Math.floor(l / header.groupSize);
      const [s, e] = sampleRange(header, l);
      const i = spanOf(s);
      const origin = spans[2 * i]!;
      const buf = bufs[i]!;
      if (!checked.has(g) && !this.#groupVerified(key, g)) {
        checked.add(g);
        const group = groupOf(header, l);
        this.#verifyGroupOnce(header, l, buf, group.start - origin, group.end - origin, key);
      }
      return buf.subarray(s - origin, e - origin);
    });
    return { header, views, shapeOf: (j) => this.#present(sampleShape(header, locals[j]!)), cached: false, release: noop };
  }

  #locateStart(r: number): number {
    return this.#starts![r]!;
  }

  /** A sub-slice of one sample over its leading dims (`images[0, 10:20]` is `readSlice(0, [[10, 20]])`); tiled samples fetch only the tiles it touches. */
  async readSlice(index: number, slice: SliceSpec, opts?: ReadOptions): Promise<NDArray> {
    this.#checkIndex(index);
    const rows = await this.#load(opts?.signal);
    const { r } = this.#locate(index);
    const row = rows[r]!;
    const shape = row.tiles ? [...row.tiles.shape] : [...(await this.shape(index, opts))];
    if (this.tensorMeta.encoding !== "array") throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(this.name)}: only array samples can be sliced`);
    if (slice.length > shape.length) throw new SampleShapeError(this.name, index, `slice has ${slice.length} axes, sample has ${shape.length}`);
    const start = shape.map(() => 0);
    const stop = [...shape];
    const keep: boolean[] = shape.map(() => true);
    slice.forEach((s, i) => {
      const d = shape[i]!;
      if (typeof s === "number") {
        const v = s < 0 ? d + s : s;
        if (!Number.isInteger(v) || v < 0 || v >= d) throw new SampleShapeError(this.name, index, `index ${s} out of range for axis ${i} of size ${d}`);
        start[i] = v;
        stop[i] = v + 1;
        keep[i] = false;
      } else {
        const a = Math.max(0, Math.min(d, s[0] < 0 ? d + s[0] : s[0]));
        const b = Math.max(a, Math.min(d, s[1] < 0 ? d + s[1] : s[1]));
        start[i] = a;
        stop[i] = b;
      }
    });
    const box = row.tiles ? await this.#readTiled(row.tiles, { start, stop }, opts?.signal) : extractBox((await this.read(index, opts)) as NDArray, start, stop);
    return ndarray(box.dtype, box.shape.filter((_, i) => keep[i]), box.data);
  }

  async shape(index: number, opts?: ReadOptions): Promise<readonly number[]> {
    this.#checkIndex(index);
    const rows = await this.#load(opts?.signal);
    const { r, local } = this.#locate(index);
    const row = rows[r]!;
    if (row.tiles) return [...row.tiles.shape];
    if (this.#open && r === rows.length - 1) return this.#present(this.#open.shape(local));
    return this.#present(sampleShape(await this.#header(row, keys.chunk(this.key, row.id), opts?.signal), local));
  }

  /**
   * Scalar-per-row tensors as one typed array, without per-sample objects. The array is shared: a tensor held in one
   * chunk is a view of the cached decoded payload, otherwise the column is assembled once and cached until the next
   * write. Treat it as read-only (`.slice()` it before changing values).
   */
  async column(opts?: ReadOptions): Promise<NDArray | undefined> {
    const m = this.tensorMeta;
    if (m.encoding !== "array" || m.sampleCompression || m.dtype === null) return undefined;
    if (this.#length > 0 && (this.#rank === null || shapeSize(this.maxShape) !== 1 || shapeSize(this.minShape) !== 1)) return undefined;
    const dtype = m.dtype;
    const rows = await this.#load(opts?.signal);
    const cacheKey = `column:${this.key}:${this.#generation}`;
    const cached = this.#ds.columns.get(cacheKey);
    if (cached) return cached;
    const generation = this.#generation;
    const item = dtypeInfo(dtype).itemSize;
    const onlyRow = rows.length === 1 && !this.#open && !rows[0]!.tiles ? rows[0] : undefined;
    let out: TypedArray;
    if (onlyRow) {
      // One chunk: a view of its decoded payload (cached there), no copy.
      const entry = await this.#whole(keys.chunk(this.key, onlyRow.id), opts?.signal);
      this.#ds.payloads.share(entry);
      this.#ds.payloads.release(entry);
      out = viewAs(dtype, entry.payload) as TypedArray;
    } else {
      out = allocTyped(dtype, this.#length) as TypedArray;
      const bytesOut = bytesOf(out);
      let at = 0;
      await Promise.all(rows.map(async (row, r) => {
        const pos = at;
        at += row.count * item;
        if (this.#open && r === rows.length - 1) {
          for (let i = 0; i < row.count; i++) bytesOut.set(this.#open.sample(i), pos + i * item);
          return;
        }
        const entry = await this.#whole(keys.chunk(this.key, row.id), opts?.signal);
        bytesOut.set(entry.payload, pos);
        this.#ds.payloads.release(entry);
      }));
    }
    const column = ndarray(dtype, [this.#length], out as never);
    // A write while the chunks were loading makes this column stale: return it, but do not cache it.
    if (generation === this.#generation) {
      if (this.#columnKey) this.#ds.columns.delete(this.#columnKey);
      this.#ds.columns.set((this.#columnKey = cacheKey), column, out.byteLength);
    }
    return column;
  }

  async readBytes(index: number, opts?: ReadOptions): Promise<{ bytes: Uint8Array; compression: string | null }> {
    const st = await this.#stored(index, opts?.signal);
    if ("array" in st) return { bytes: bytesOf(st.array.data as TypedArray), compression: null };
    return { bytes: st.bytes, compression: this.tensorMeta.sampleCompression };
  }

  /** Row number (chunk ordinal) of each sample: a locality hint for loaders. */
  async chunkIds(opts?: ReadOptions): Promise<Uint32Array> {
    const rows = await this.#load(opts?.signal);
    const out = new Uint32Array(this.#length);
    let at = 0;
    rows.forEach((row, r) => {
      out.fill(r, at, at + row.count);
      at += row.count;
    });
    return out;
  }

  // ---------- flush ----------

  /** Seals the open chunk so the next flush writes it (the dataset then awaits every write). */
  sealForFlush(): void {
    this.#sealOpen();
  }

  /** Writes index segments, meta and change sets (after the chunk writes have completed) and returns the manifest entry. */
  async persist(signal?: AbortSignal): Promise<ManifestTensor> {
    const store = this.#ds.store;
    if (this.#metaId === null) {
      const id = randomHex();
      // Metas, index segments and change sets are named by random 128-bit ids, which cannot collide: plain writes, no
      // create-only checks (which cost FileStore a link and an unlink, and are unsupported on some S3 gateways).
      await store.set(keys.meta(this.key, id), sealJson(this.tensorMeta), { signal });
      this.#metaId = id;
    }
    if (this.#rows) {
      const rows = this.#rows;
      const keepSegs: { id: string; rows: number }[] = [];
      let covered = 0;
      for (const s of this.#segments) {
        if (s.rows < 0 || covered + s.rows > this.#dirtyFrom) break;
        keepSegs.push(s);
        covered += s.rows;
      }
      if (covered < rows.length || keepSegs.length !== this.#segments.length) {
        const id = randomHex();
        const seg = rows.slice(covered);
        if (seg.length > 0) {
          await store.set(keys.index(this.key, id), encodeIndexSegment(seg as IndexRow[]), { signal });
          keepSegs.push({ id, rows: seg.length });
        }
      }
      this.#segments = keepSegs;
      this.#dirtyFrom = Number.POSITIVE_INFINITY;
    }
    for (const kind of ["updated", "popped"] as const) {
      const set = kind === "updated" ? this.#updatedIds : this.#poppedIds;
      if (set.size === 0) continue;
      const prev = this.#changes[kind];
      if (prev) for (const v of await readChangeSet(store, keys.changes(this.key, prev), signal)) set.add(v);
      const id = randomHex();
      await store.set(keys.changes(this.key, id), encodeChangeSet(set), { signal });
      this.#changes[kind] = id;
      set.clear();
    }
    return {
      key: this.key, meta: this.#metaId, index: this.#segments.map((s) => s.id), length: this.#length,
      minShape: [...this.minShape], maxShape: [...this.maxShape], ndim: this.#rank, changes: { ...this.#changes },
    };
  }

  /** After a commit: changes restart from the current length. */
  resetChanges(): void {
    this.#changes = emptyChanges(false, this.#length);
    this.#updatedIds.clear();
    this.#poppedIds.clear();
  }
}

function describeArray(v: unknown): string {
  if (ArrayBuffer.isView(v)) return Object.prototype.toString.call(v).slice(8, -1);
  return v === null ? "null" : typeof v;
}

function byteEstimate(s: EngineSample): number {
  if (typeof s === "string") return s.length;
  if (typeof s === "object" && s !== null) {
    if ("data" in s && ArrayBuffer.isView((s as NDArray).data)) return (s as NDArray).data.byteLength;
    if ("bytes" in s && (s as { bytes: unknown }).bytes instanceof Uint8Array) return (s as { bytes: Uint8Array }).bytes.byteLength;
    if ("array" in s) return (s as { array: NDArray }).array.data.byteLength;
  }
  return 64;
}

const CHANGES_MAGIC = 0x53434853; // "SHCS"

function encodeChangeSet(ids: Set<bigint>): Uint8Array {
  const sorted = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out = new Uint8Array(12 + 8 * sorted.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, CHANGES_MAGIC, true);
  view.setUint8(4, 1);
  view.setUint32(8, sorted.length, true);
  sorted.forEach((v, i) => view.setBigUint64(12 + 8 * i, v, true));
  view.setUint32(out.length - 4, xxh32Of(out, out.length - 4), true);
  return out;
}

function xxh32Of(b: Uint8Array, end: number): number {
  return xxh32(b, 0, end);
}

export async function readChangeSet(store: DatasetEngine["store"], key: string, signal?: AbortSignal): Promise<bigint[]> {
  const bytes = await store.get(key, { signal });
  if (!bytes) throw new MissingChunkError(key, "change set");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 16 || view.getUint32(0, true) !== CHANGES_MAGIC) throw new CorruptChunkError(key, 0, "bad magic (expected SHCS)");
  const n = view.getUint32(8, true);
  if (bytes.byteLength !== 16 + 8 * n || xxh32Of(bytes, bytes.byteLength - 4) !== view.getUint32(bytes.byteLength - 4, true)) {
    throw new CorruptChunkError(key, bytes.byteLength - 4, "change set checksum or length mismatch");
  }
  return Array.from({ length: n }, (_, i) => view.getBigUint64(12 + 8 * i, true));
}
