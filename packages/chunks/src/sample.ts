/**
 * Sample input → stored bytes (validation and sample compression), and stored bytes → sample value. Pure functions
 * of the tensor meta: a failure here changes nothing, which is what makes extends atomic.
 * @module
 */
import type { DType, NDArray, TypedArray } from "@shoal/core";
import { UnsupportedError, bytesOf, dtypeInfo, isDType, shapeSize, viewAs } from "@shoal/core";
import type { BytesCodec, SampleCodec } from "./codec-types.ts";
import { SampleDtypeError, SampleShapeError } from "./errors.ts";
import type { TensorMeta } from "./state.ts";

/** What the engine accepts per sample: the normalized forms of @shoal/htypes, a bare NDArray, a string, or null. */
export type EngineSample =
  | NDArray
  | string
  | null
  | { readonly kind: "array"; readonly array: NDArray }
  | { readonly kind: "compressed"; readonly bytes: Uint8Array; readonly compression: string; readonly shape?: number[] | null; readonly dtype?: DType | null }
  | { readonly kind: "text"; readonly value: string }
  | { readonly kind: "json"; readonly value: unknown }
  | { readonly kind: "list"; readonly value: unknown[] }
  | { readonly kind: "link"; readonly url: string }
  | { readonly kind: "empty" }
  | unknown;

export interface Stored {
  bytes: Uint8Array;
  shape: number[];
  /** Set for a sample over the tiling threshold: the raw array, tiled by the caller. */
  tileArray?: NDArray;
  /** An empty array sample met before the tensor has a rank: stored with shape [] (d = 0) until one is known. */
  rankless?: boolean;
}

export interface CodecSet {
  sample: SampleCodec | BytesCodec | null;
  /** Codecs of inputs in another compression, loaded on demand. */
  other: (name: string) => Promise<SampleCodec | BytesCodec>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isNDArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v && isDType((v as NDArray).dtype);
}

function kindOf(v: unknown): string | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as { kind?: unknown }).kind === "string" ? (v as { kind: string }).kind : undefined;
}

export interface PrepareContext {
  tensor: string;
  index: number;
  meta: TensorMeta;
  /** Rank of the tensor so far (null until the first sample). */
  ndim: number | null;
  codecs: CodecSet;
}

/** Whether `input` is an empty sample (null, undefined or `{ kind: "empty" }`), stored as no bytes. */
export function isEmptySample(input: EngineSample): boolean {
  return input === null || input === undefined || kindOf(input) === "empty";
}

/**
 * Validates and encodes one sample. May set `meta.dtype` when the tensor has none yet (the caller snapshots it).
 * Synchronous except when an input in another compression has to be converted (its codec loads on demand): ingest
 * then costs no promise per sample.
 */
export function prepareSample(input: EngineSample, ctx: PrepareContext): Stored | Promise<Stored> {
  const { meta, tensor, index } = ctx;
  const kind = kindOf(input);
  if (isEmptySample(input)) {
    if (meta.encoding === "json") return { bytes: new Uint8Array(0), shape: [0] };
    if (meta.encoding === "array" && ctx.ndim === null) return { bytes: new Uint8Array(0), shape: [], rankless: true };
    return { bytes: new Uint8Array(0), shape: new Array<number>(ctx.ndim ?? 1).fill(0) };
  }
  if (meta.encoding === "text") {
    const text = typeof input === "string" ? input : kind === "text" ? (input as { value: string }).value : kind === "link" ? (input as { url: string }).url : undefined;
    if (typeof text !== "string") throw new SampleDtypeError(tensor, index, `text tensors take strings, got ${describe(input)}`);
    return { bytes: encoder.encode(text), shape: [1] };
  }
  if (meta.encoding === "json") {
    const value = kind === "json" ? (input as { value: unknown }).value : input;
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (cause) {
      throw new SampleDtypeError(tensor, index, "value is not serialisable as JSON", { cause });
    }
    if (text === undefined) throw new SampleDtypeError(tensor, index, `value is not serialisable as JSON (${describe(input)})`);
    return { bytes: encoder.encode(text), shape: [1] };
  }
  if (meta.encoding === "list") {
    const value = kind === "list" ? (input as { value: unknown }).value : input;
    if (!Array.isArray(value)) throw new SampleDtypeError(tensor, index, `list tensors take arrays, got ${describe(input)}`);
    return { bytes: encoder.encode(JSON.stringify(value)), shape: [value.length] };
  }
  // Array encoding.
  if (kind === "compressed") {
    const c = input as { bytes: Uint8Array; compression: string; shape?: number[] | null; dtype?: DType | null };
    if (c.compression === meta.sampleCompression) {
      let shape = c.shape ?? null;
      let dtype = c.dtype ?? null;
      if (!shape && ctx.codecs.sample?.kind === "sample") {
        const info = ctx.codecs.sample.readInfo(c.bytes);
        shape = info.shape;
        dtype = info.dtype;
      }
      if (!shape) throw new SampleShapeError(tensor, index, `the shape of this ${c.compression} sample is unknown (pass it with the sample)`);
      if (dtype) checkDtype(ctx, dtype);
      checkRank(ctx, shape);
      return { bytes: c.bytes, shape: [...shape] };
    }
    return convert(c, { ...ctx });
  }
  const array = kind === "array" ? (input as { array: NDArray }).array : isNDArray(input) ? input : undefined;
  if (!array) throw new SampleDtypeError(tensor, index, `expected an NDArray, got ${describe(input)}`);
  return prepareArray(array, ctx);
}

/** An input in another compression, decoded and stored as the tensor's samples are. `ctx` is the caller's own copy. */
async function convert(c: { bytes: Uint8Array; compression: string }, ctx: PrepareContext): Promise<Stored> {
  const codec = await ctx.codecs.other(c.compression);
  if (codec.kind !== "sample") {
    throw new UnsupportedError("compression", `[shoal] tensor ${JSON.stringify(ctx.tensor)}, sample ${ctx.index}: cannot convert ${c.compression} input to ${ctx.meta.sampleCompression ?? "raw"}`);
  }
  return prepareArray(codec.decode(c.bytes), ctx);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return kindOf(v) ? `a ${kindOf(v)} sample` : "an object";
  return `a ${typeof v}`;
}

function checkDtype(ctx: PrepareContext, dtype: DType): void {
  if (ctx.meta.dtype === null) ctx.meta.dtype = dtype;
  else if (ctx.meta.dtype !== dtype) throw new SampleDtypeError(ctx.tensor, ctx.index, `dtype ${dtype} does not match the tensor's ${ctx.meta.dtype}`);
}

function checkRank(ctx: PrepareContext, shape: readonly number[]): void {
  if (ctx.ndim !== null && shape.length !== ctx.ndim) {
    throw new SampleShapeError(ctx.tensor, ctx.index, `rank ${shape.length} (shape [${shape.join(", ")}]) does not match the tensor's rank ${ctx.ndim}`);
  }
  if (shape.length > 255) throw new SampleShapeError(ctx.tensor, ctx.index, "more than 255 dimensions");
  for (const d of shape) if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw new SampleShapeError(ctx.tensor, ctx.index, `invalid dimension ${d}`);
}

function prepareArray(array: NDArray, ctx: PrepareContext): Stored {
  checkDtype(ctx, array.dtype);
  checkRank(ctx, array.shape);
  const info = dtypeInfo(array.dtype);
  if (array.data.length !== shapeSize(array.shape)) {
    throw new SampleShapeError(ctx.tensor, ctx.index, `shape [${array.shape.join(", ")}] holds ${shapeSize(array.shape)} elements but data has ${array.data.length}`);
  }
  const raw = bytesOf(array.data as TypedArray);
  const threshold = ctx.meta.tilingThreshold;
  if (threshold !== -1 && raw.byteLength > threshold && array.shape.length > 0) {
    return { bytes: raw, shape: [...array.shape], tileArray: array };
  }
  void info;
  return { bytes: encodeRaw(array, raw, ctx), shape: [...array.shape] };
}

/** Applies the sample codec (if any) to one raw array. */
export function encodeRaw(array: NDArray, raw: Uint8Array, ctx: PrepareContext): Uint8Array {
  const codec = ctx.codecs.sample;
  if (!codec) return raw;
  if (codec.kind === "bytes") return codec.encode(raw);
  if (!codec.encode) throw new UnsupportedError("encode", `[shoal] tensor ${JSON.stringify(ctx.tensor)}, sample ${ctx.index}: codec ${codec.name} cannot encode; append ${codec.name} files instead`);
  try {
    return codec.encode(array);
  } catch (cause) {
    throw new SampleDtypeError(ctx.tensor, ctx.index, `${codec.name} cannot encode a ${array.dtype} array of shape [${array.shape.join(", ")}]`, { cause });
  }
}

/** Decodes stored bytes of one sample into its value. `bytes` may be copied or viewed; callers pass owned bytes. */
export function decodeStored(meta: TensorMeta, sampleCodec: SampleCodec | BytesCodec | null, bytes: Uint8Array, shape: number[]): unknown {
  switch (meta.encoding) {
    case "text":
      return decoder.decode(bytes);
    case "json":
      return bytes.byteLength === 0 ? null : JSON.parse(decoder.decode(bytes));
    case "list":
      return bytes.byteLength === 0 ? [] : JSON.parse(decoder.decode(bytes));
    default:
      break;
  }
  const dtype = meta.dtype ?? "uint8";
  if (bytes.byteLength === 0) return { dtype, shape, data: new (dtypeInfo(dtype).ArrayType)(0) };
  if (sampleCodec?.kind === "sample") return sampleCodec.decode(bytes);
  const raw = sampleCodec ? sampleCodec.decode(bytes, { outLength: shapeSize(shape) * dtypeInfo(dtype).itemSize }) : bytes;
  return { dtype, shape, data: viewAs(dtype, raw) } as NDArray;
}
