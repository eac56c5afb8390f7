/**
 * The read interface views, queries and the loader work over. It lives in core so that the chunk engine (below views
 * in the dependency order) implements it by name, and so can any other reader (e.g. of Deep Lake 3.x datasets).
 * @module
 */
import type { DType, TypedArray } from "./dtypes.ts";
import type { NDArray } from "./ndarray.ts";

/** What one sample of a tensor reads as: arrays for numeric htypes, strings for text, JSON values for json/list. */
export type SampleValue = NDArray | NDArray[] | string | unknown;

export interface ColumnMeta {
  readonly name: string;
  readonly htype: string;
  readonly dtype: DType | undefined;
  /** Class names of a class_label tensor (index → name). */
  readonly classNames?: readonly string[];
  readonly sampleCompression?: string | null;
  readonly chunkCompression?: string | null;
  /** Per-dimension minimum and maximum over all samples, when known. */
  readonly minShape?: readonly number[];
  readonly maxShape?: readonly number[];
}

export interface ReadOptions {
  signal?: AbortSignal;
}

export interface ReadIntoOptions extends ReadOptions {
  /** Element index in `out` where the first sample goes (default 0). */
  offset?: number;
}

/** The stored bytes of one sample and the sample compression they are in (null: raw little-endian elements). */
export interface StoredBytes {
  bytes: Uint8Array;
  compression: string | null;
}

export interface TensorColumn {
  readonly meta: ColumnMeta;
  /** Number of samples. */
  readonly length: number;
  /** One sample, decoded. */
  read(index: number, opts?: ReadOptions): Promise<SampleValue>;
  /** Many samples in the given order; implementations batch the reads by chunk. */
  readMany(indices: ArrayLike<number>, opts?: ReadOptions): Promise<SampleValue[]>;
  /** Shape of one sample without reading its data (from the shape index). */
  shape(index: number, opts?: ReadOptions): Promise<readonly number[]>;
  /**
   * A dense numeric column for scalar-per-row tensors (labels, scores): one typed array of `length` values, read
   * without per-sample objects. Optional: absent when samples are not scalars.
   */
  column?(opts?: ReadOptions): Promise<NDArray | undefined>;
  /**
   * All samples of a fixed-shape tensor as one row-major array of shape `[length, ...sampleShape]` (embeddings,
   * fixed-size images). Optional, absent when sample shapes differ. Why: distance queries such as
   * `ORDER BY l2_norm(embeddings - ARRAY[...])` then run as one tight loop over a contiguous Float32Array instead of
   * one object per row.
   */
  columnMatrix?(opts?: ReadOptions): Promise<NDArray | undefined>;
  /**
   * Every sample's shape from the shape index, flattened: `data[i * ndim + k]` is dimension k of sample i. Optional,
   * absent when samples differ in rank. Why: shape predicates (`shape(images)[0] > 100`) then read one typed array
   * instead of awaiting `shape(i)` per row.
   */
  shapes?(opts?: ReadOptions): Promise<{ ndim: number; data: Uint32Array } | undefined>;
  /**
   * Many samples of one shape copied straight into the caller's buffer, back to back in the given order: sample
   * `indices[k]` fills `out[offset + k * size, offset + (k + 1) * size)` where `size` is the product of the shape.
   * Resolves to that common sample shape, so the batch is `ndarray(dtype, [indices.length, ...shape], out)`. `out`
   * must be the typed array of the tensor's dtype (`dtypeInfo(dtype).ArrayType`, Uint16Array for float16) with room
   * for every sample. Rejects with ShapeError when the samples' shapes differ or `out` is too small, and with
   * DtypeError when `out` is of another type, before anything is written; an I/O or checksum error may leave `out`
   * partly written. Optional: absent for non-array tensors. Why: `readMany` hands out one new array per sample (a
   * safe copy) that a loader then copies again into its batch; this is exactly one copy from storage or the chunk
   * cache into the batch, with no per-sample allocation.
   */
  readManyInto?(indices: ArrayLike<number>, out: TypedArray, opts?: ReadIntoOptions): Promise<readonly number[]>;
  /** The stored bytes of a sample and their compression (the loader's `tobytes` decode method). */
  readBytes?(index: number, opts?: ReadOptions): Promise<StoredBytes>;
  /**
   * `readBytes` for many samples, in the given order, with one ranged read per chunk (nearby ranges coalesced)
   * instead of one per sample. The bytes may be views of a buffer shared by the samples of one read: treat them as
   * read-only. Why: on object stores one request per sample is the dominant cost.
   */
  readBytesMany?(indices: ArrayLike<number>, opts?: ReadOptions): Promise<StoredBytes[]>;
  /**
   * Locality hint: true when each read costs a round trip to a remote store (S3, HTTP), false or absent when it is
   * local (memory, files, a cache). Why: readers such as the loader then fetch whole chunks ahead, few and large
   * requests, instead of small ranged reads at the moment they are needed.
   */
  readonly remote?: boolean;
  /** Locality hint: the id of the chunk holding each sample, so readers can group work chunk by chunk. */
  chunkIds?(opts?: ReadOptions): Promise<Uint32Array>;
}

export interface TensorSource {
  /** Number of rows (the shortest tensor's length, as in Deep Lake). */
  readonly length: number;
  /** Visible tensor names, group paths joined with '/'. */
  tensorNames(): readonly string[];
  /** A column by name; implementations throw a typed error naming unknown tensors. */
  tensor(name: string): TensorColumn;
  /**
   * A token that changes whenever the data a view could read changes (writes to HEAD, checkout). Views remember it
   * and raise InvalidViewError once it moves on. Optional: without it views never go stale.
   */
  version?(): string;
}
