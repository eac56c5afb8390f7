/**
 * The contract between htypes and the chunk engine: what a tensor's meta looks like once its create-tensor
 * options are resolved, what a sample may be on input, and what it becomes after validation.
 * @module
 */
import type { DType, NDArray } from "@shoal/core";

/** The kinds of storage an htype needs; the chunk engine branches on this, not on htype names. */
export type HtypeKind = "array" | "polygon" | "text" | "json" | "list" | "media";

/** One argument an htype accepts in `createTensor` (e.g. `classNames` for class_label). */
export interface HtypeArgSpec {
  /** camelCase option name in `CreateTensorOptions`. */
  readonly option: string;
  /** Key under which the value is kept in `TensorMetaDraft.info` (Deep Lake's `tensor_info.json` key). */
  readonly infoKey: string;
  /** Value used when the option is absent; `undefined` means the key is left out of `info`. */
  readonly default: unknown;
  readonly required: boolean;
}

/** Rank rules for array samples: accepted ranks and fixed dimension sizes (negative index counts from the end). */
export interface RankRule {
  readonly ranks: readonly number[];
  readonly fixedDims?: readonly { readonly axis: number; readonly size: readonly number[] }[];
}

export interface HtypeSpec {
  readonly name: string;
  readonly kind: HtypeKind;
  /** `null`: inferred from the first sample. Text-likes use Deep Lake's strings: `"str"`, `"Any"`, `"List"`. */
  readonly defaultDtype: DType | "str" | "Any" | "List" | null;
  /** Dtypes a tensor of this htype may be created with; `undefined` means every numeric dtype. */
  readonly allowedDtypes?: readonly DType[];
  readonly defaultSampleCompression: string | null;
  readonly defaultChunkCompression: string | null;
  readonly sampleCompressions: readonly string[];
  readonly chunkCompressions: readonly string[];
  /**
   * Deep Lake's "Required arg": the caller must say `sampleCompression` or `chunkCompression` explicitly
   * (`null` counts, meaning raw arrays).
   */
  readonly compressionRequired: boolean;
  /** Compressed inputs in another format are decoded (and re-encoded by the engine) only when true. */
  readonly recompress: boolean;
  readonly args: readonly HtypeArgSpec[];
  readonly rank?: RankRule;
  /** Sample dimensions as the Deep Lake docs state them, for READMEs and error messages. */
  readonly dims: string;
}

/** A parsed htype string: `"sequence[link[image]]"` → `{ base: image spec, isSequence: true, isLink: true }`. */
export interface ParsedHtype {
  readonly htype: string;
  readonly spec: HtypeSpec;
  readonly isSequence: boolean;
  readonly isLink: boolean;
}

/** Options of `createTensor` that htypes resolves; unknown keys are rejected so typos do not pass silently. */
export interface CreateTensorOptions {
  /** Tensor name, used in error messages. */
  name?: string;
  /** `"generic"` when absent; also `"sequence[X]"`, `"link[X]"`, `"sequence[link[X]]"`, `"link[sequence[X]]"`. */
  htype?: string;
  /** A dtype name (numpy spellings accepted), or a schema string for json/list (`"Dict[str, int]"`). */
  dtype?: string | null;
  /** `undefined`: the htype's default; `null`: explicitly none. Aliases jpg→jpeg, tif→tiff, jp2→jpeg2000. */
  sampleCompression?: string | null;
  chunkCompression?: string | null;
  maxChunkSize?: number | null;
  /** Bytes; `-1` disables tiling. */
  tilingThreshold?: number | null;
  hidden?: boolean;
  /** Link tensors: verify links on append (default true). */
  verify?: boolean;
  /** class_label, segment_mask */
  classNames?: readonly string[];
  /** bbox: `{ type: "pixel" | "fractional", mode: "LTRB" | "LTWH" | "CCWH" | ... }`; bbox.3d: `{ mode: "center" | "vertex" }` */
  coords?: { type?: string; mode?: string };
  /** keypoints_coco */
  keypoints?: readonly string[];
  connections?: readonly (readonly [number, number])[];
  /** image: a 3×3 camera matrix */
  intrinsics?: readonly (readonly number[])[] | null;
}

/** A complete tensor meta as htypes resolves it; the engine persists it (plus length/shapes it tracks itself). */
export interface TensorMetaDraft {
  name: string | null;
  /** The base htype (`"image"` for `"sequence[link[image]]"`). */
  htype: string;
  dtype: DType | string | null;
  sampleCompression: string | null;
  chunkCompression: string | null;
  maxChunkSize: number | null;
  tilingThreshold: number | null;
  isSequence: boolean;
  isLink: boolean;
  hidden: boolean;
  verify: boolean;
  /** Deep Lake `tensor_info.json` keys: `class_names`, `coords`, `keypoints`, `connections`, `intrinsics`. */
  info: Record<string, unknown>;
}

/** The subset of a tensor meta that `normalizeSample` reads. */
export interface TensorMetaLike {
  htype: string;
  dtype: DType | string | null;
  sampleCompression: string | null;
  chunkCompression: string | null;
  isSequence?: boolean;
  isLink?: boolean;
  info?: Record<string, unknown>;
}

/** A file already in some compressed format (what Deep Lake's `deeplake.read(path)` returns). */
export interface CompressedSample {
  readonly bytes: Uint8Array;
  /** Canonical compression name (`"jpeg"`, `"png"`, `"nii.gz"`, `"las"` …). */
  readonly compression: string;
}

/** An external file referenced by URL (Deep Lake's `deeplake.link(url, creds_key)`). */
export interface LinkSample {
  readonly url: string;
  readonly credsKey?: string | null;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Nested plain-number arrays, e.g. `[[1, 2], [3, 4]]`. */
export type NestedNumbers = number | bigint | boolean | readonly NestedNumbers[];

/**
 * Everything a caller may append. Which ones an htype accepts is checked by `normalizeSample`. `null` is the empty
 * sample; `undefined` stays in the type only so that optional fields type-check, and is refused (SampleTypeError).
 */
export type SampleInput =
  | NDArray
  | ArrayBufferView
  | NestedNumbers
  | string
  | JsonValue
  | CompressedSample
  | LinkSample
  | null
  | undefined
  | readonly SampleInput[];

export type NormalizedSample =
  | { readonly kind: "array"; readonly array: NDArray }
  /** Kept byte-for-byte (no recompression); `shape` is `null` only when the format's header does not tell. */
  | { readonly kind: "compressed"; readonly bytes: Uint8Array; readonly compression: string; readonly shape: number[] | null; readonly dtype: DType | null }
  /** Ragged polygons: `points` is [totalPoints, ndim], `counts[i]` points per polygon; `shape` is [n, maxPoints, ndim]. */
  | { readonly kind: "polygons"; readonly points: NDArray; readonly counts: Uint32Array; readonly shape: number[] }
  | { readonly kind: "text"; readonly value: string }
  | { readonly kind: "json"; readonly value: JsonValue }
  | { readonly kind: "list"; readonly value: JsonValue[] }
  | { readonly kind: "link"; readonly url: string; readonly credsKey: string | null }
  | { readonly kind: "sequence"; readonly items: NormalizedSample[] }
  | { readonly kind: "empty" };

export interface SampleContext {
  /** Tensor name, for error messages. */
  tensor: string;
  /** Global sample index, for error messages. */
  index: number;
  /** Current `info.class_names`; defaults to `meta.info.class_names`. */
  classNames?: readonly string[];
}

export interface NormalizeResult {
  sample: NormalizedSample;
  /** Set when string labels added classes: the full new `info.class_names` the engine must persist. */
  classNames?: string[];
}

/** Header facts of a compressed file, read without decoding its payload. */
export interface MediaInfo {
  compression: string;
  /** Deep Lake's logical sample shape; `null` when the header does not tell. */
  shape: number[] | null;
  dtype: DType | null;
  /** Format-specific facts (sample rate, point format, vertex properties …). */
  details: Record<string, unknown>;
}

export type FormatSupportLevel = "decode" | "header" | "bytes";

export interface FormatSupportEntry {
  /** `decode`: pixels/frames decoded via @shoal/codecs; `header`: stored as bytes, shape/dtype from the header; `bytes`: stored as bytes only. */
  level: FormatSupportLevel;
  reader: string;
  reads: string;
}
