/**
 * `normalizeSample`: validates one appended sample against its tensor's htype and turns it into the form the chunk
 * engine stores (an NDArray, compressed bytes kept as they are, text, JSON, a link, or a sequence of those).
 * @module
 */
import { type DType, type NDArray, isDType, isShoalError, ndarray } from "@shoal/core";
import { isNDArray, toNDArray } from "./cast.ts";
import { sampleCodec } from "./codecs.ts";
import { normalizeCompression } from "./compressions.ts";
import { CorruptSampleError, SampleDtypeError, type SampleErrorWhere, SampleTypeError } from "./errors.ts";
import { validateArray } from "./htypes/arrays.ts";
import { normalizeClassLabel } from "./htypes/class-label.ts";
import { toGray, toRgb, withChannelAxis } from "./htypes/image.ts";
import { normalizeLink } from "./htypes/link.ts";
import { normalizePolygons } from "./htypes/polygon.ts";
import { normalizeJson, normalizeList, normalizeText } from "./htypes/text.ts";
import { readMediaInfo } from "./media-info.ts";
import { parseHtype } from "./parse.ts";
import { isCompressedSample } from "./sniff.ts";
import { verifyStructure } from "./verify.ts";
import type { CompressedSample, HtypeSpec, NormalizeResult, NormalizedSample, SampleContext, SampleInput, TensorMetaLike } from "./types.ts";

interface State {
  spec: HtypeSpec;
  meta: TensorMetaLike;
  dtype: DType | null;
  info: Record<string, unknown>;
  classNames: readonly string[];
  grew: boolean;
}

const IMAGE_HTYPES = new Set(["image", "image.rgb", "image.gray"]);

function imageChannels(spec: HtypeSpec, a: NDArray): NDArray {
  if (!IMAGE_HTYPES.has(spec.name) || (a.shape.length !== 2 && a.shape.length !== 3)) return a;
  if (spec.name === "image.rgb") return toRgb(a);
  if (spec.name === "image.gray") return toGray(a);
  return withChannelAxis(a);
}

function arrayPath(s: State, input: unknown, at: SampleErrorWhere): NormalizedSample {
  if (s.spec.name === "class_label") {
    const r = normalizeClassLabel(input, s.dtype ?? "uint32", s.classNames, at);
    if (r.classNames) {
      s.classNames = r.classNames;
      s.grew = true;
    }
    return { kind: "array", array: r.array };
  }
  if (typeof input === "string") throw new SampleTypeError(at, `${s.spec.name} samples are numeric arrays, got a string; use sampleFromBytes() for files`);
  const array = imageChannels(s.spec, toNDArray(input, s.dtype, at));
  return { kind: "array", array: validateArray(s.spec, array, s.info, at) };
}

function wrapCodecError(e: unknown, compression: string, at: SampleErrorWhere): never {
  if (isShoalError(e, "CorruptDataError")) throw new CorruptSampleError(at, compression, (e as Error).message.replace(/^\[shoal\] /, ""), { cause: e });
  if (isShoalError(e, "UnsupportedError", "UnknownCodecError", "CodecKindError")) {
    throw new SampleTypeError(at, `cannot read ${compression} samples: ${(e as Error).message.replace(/^\[shoal\] /, "")}`, { cause: e });
  }
  if (isShoalError(e)) throw e;
  throw new CorruptSampleError(at, compression, `could not be read: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}

async function compressedPath(s: State, sample: CompressedSample, at: SampleErrorWhere): Promise<NormalizedSample> {
  const { spec, meta } = s;
  let compression: string;
  try {
    compression = normalizeCompression(sample.compression);
  } catch (e) {
    throw new SampleTypeError(at, `unknown sample compression ${JSON.stringify(sample.compression)}`, { cause: e });
  }
  if (spec.name !== "generic" && !spec.sampleCompressions.includes(compression)) {
    throw new SampleTypeError(at, `${spec.name} tensors do not take ${compression} files; they take ${spec.sampleCompressions.join(", ")}`);
  }
  let info;
  try {
    info = await readMediaInfo(sample.bytes, compression);
  } catch (e) {
    wrapCodecError(e, compression, at);
  }
  const channels = info.shape && info.shape.length === 3 ? info.shape[2] : 1;
  const needsConversion = (spec.name === "image.rgb" && channels !== 3) || (spec.name === "image.gray" && channels !== 1);
  if (compression === meta.sampleCompression && !needsConversion) {
    const shape = info.shape && IMAGE_HTYPES.has(spec.name) && info.shape.length === 2 ? [...info.shape, 1] : info.shape;
    // Images must hold the tensor's dtype (a 16-bit PNG in a uint8 tensor would read back wrong); media formats
    // report their own payload dtype, which the reader converts, so they are not compared.
    if (IMAGE_HTYPES.has(spec.name) && s.dtype && info.dtype && info.dtype !== s.dtype) {
      throw new SampleDtypeError(at, `${compression} sample is ${info.dtype} but the tensor is ${s.dtype}`);
    }
    // Kept byte for byte and never decoded here: a truncated body behind an intact header is caught now, not at read.
    try {
      verifyStructure(sample.bytes, compression);
    } catch (e) {
      wrapCodecError(e, compression, at);
    }
    return { kind: "compressed", bytes: sample.bytes, compression, shape, dtype: info.dtype };
  }
  if (!spec.recompress) {
    throw new SampleTypeError(
      at,
      `${spec.name} samples are stored as the original file and never recompressed: this tensor's sampleCompression is ${meta.sampleCompression ?? "null"}, the sample is ${compression}`,
    );
  }
  let decoded: NDArray;
  try {
    decoded = (await sampleCodec(compression)).decode(sample.bytes);
  } catch (e) {
    wrapCodecError(e, compression, at);
  }
  return arrayPath(s, decoded, at);
}

async function normalizeOne(s: State, input: unknown, at: SampleErrorWhere): Promise<NormalizedSample> {
  if (input === null) return { kind: "empty" };
  // Deep Lake has no undefined: taking it as empty would hide a missing field or an off-by-one behind blank rows.
  if (input === undefined) throw new SampleTypeError(at, "undefined is not a sample; append null for an empty sample");
  if (s.meta.isLink) {
    const l = normalizeLink(input, at);
    return { kind: "link", url: l.url, credsKey: l.credsKey };
  }
  switch (s.spec.kind) {
    case "text":
      return { kind: "text", value: normalizeText(input, at) };
    case "json":
      return { kind: "json", value: normalizeJson(input, typeof s.meta.dtype === "string" ? s.meta.dtype : null, at) };
    case "list":
      return { kind: "list", value: normalizeList(input, s.spec.name, typeof s.meta.dtype === "string" ? s.meta.dtype : null, at) };
    case "polygon": {
      const p = normalizePolygons(input, s.dtype ?? "float32", at);
      return { kind: "polygons", points: p.points, counts: p.counts, shape: p.shape };
    }
    default:
      break;
  }
  if (isCompressedSample(input)) return compressedPath(s, input, at);
  if (s.spec.kind === "media" && s.meta.sampleCompression !== null) {
    throw new SampleTypeError(
      at,
      `raw arrays can only be appended to ${s.spec.name} tensors without sampleCompression (this one uses ${s.meta.sampleCompression}); append the file with sampleFromBytes()`,
    );
  }
  return arrayPath(s, input, at);
}

function sequenceItems(input: unknown, at: SampleErrorWhere): unknown[] {
  if (Array.isArray(input)) return input;
  if (isNDArray(input)) {
    const [n, ...rest] = input.shape;
    if (n === undefined) throw new SampleTypeError(at, "a sequence sample needs at least one axis");
    const each = rest.reduce((a, b) => a * b, 1);
    const items: NDArray[] = [];
    for (let i = 0; i < n; i++) items.push(ndarray(input.dtype, rest, input.data.subarray(i * each, (i + 1) * each) as never));
    return items;
  }
  throw new SampleTypeError(at, "sequence samples are arrays of items");
}

function stateFor(meta: TensorMetaLike, ctx: { classNames?: readonly string[] }): State {
  const parsed = parseHtype(meta.htype);
  const info = meta.info ?? {};
  const fromInfo = info.class_names;
  return {
    spec: parsed.spec,
    meta: { ...meta, isSequence: meta.isSequence || parsed.isSequence, isLink: meta.isLink || parsed.isLink },
    dtype: isDType(meta.dtype) ? meta.dtype : null,
    info,
    classNames: ctx.classNames ?? (Array.isArray(fromInfo) ? (fromInfo as string[]) : []),
    grew: false,
  };
}

async function normalizeWith(s: State, sample: SampleInput, tensor: string, index: number): Promise<NormalizedSample> {
  if (!s.meta.isSequence || sample === null || sample === undefined) return normalizeOne(s, sample, { tensor, index });
  const items = sequenceItems(sample, { tensor, index });
  const out: NormalizedSample[] = [];
  for (let i = 0; i < items.length; i++) out.push(await normalizeOne(s, items[i], { tensor, index, item: i }));
  return { kind: "sequence", items: out };
}

/**
 * Validates and normalises one sample for a tensor. Throws a SampleError subclass (naming tensor and index) for
 * bad input. String class labels that are new come back in `classNames` (the full list) for the engine to persist.
 */
export async function normalizeSample(meta: TensorMetaLike, sample: SampleInput, ctx: SampleContext): Promise<NormalizeResult> {
  const s = stateFor(meta, ctx);
  const normalized = await normalizeWith(s, sample, ctx.tensor, ctx.index);
  return s.grew ? { sample: normalized, classNames: [...s.classNames] } : { sample: normalized };
}

export interface NormalizeSamplesOptions {
  tensor: string;
  /** Global index of the first sample (for error messages). */
  startIndex: number;
  classNames?: readonly string[];
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * `normalizeSample` over a batch (an `extend`): all or nothing. Class names grow across the batch and come back
 * once at the end.
 */
export async function normalizeSamples(
  meta: TensorMetaLike,
  samples: readonly SampleInput[],
  opts: NormalizeSamplesOptions,
): Promise<{ samples: NormalizedSample[]; classNames?: string[] }> {
  const s = stateFor(meta, opts);
  const out: NormalizedSample[] = [];
  for (let i = 0; i < samples.length; i++) {
    opts.signal?.throwIfAborted();
    out.push(await normalizeWith(s, samples[i], opts.tensor, opts.startIndex + i));
    opts.onProgress?.(i + 1, samples.length);
  }
  return s.grew ? { samples: out, classNames: [...s.classNames] } : { samples: out };
}
