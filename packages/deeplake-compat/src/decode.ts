/**
 * Turning a loaded chunk's bytes into samples: text/JSON, raw little-endian arrays, per-sample codecs (jpeg, png,
 * lz4), chunk-compressed payloads (one lz4 block, or one image canvas with samples laid left to right), polygons
 * and tiles (deeplake-format.md §2.4–2.8).
 * @module
 */
import { type DType, type NDArray, type TypedArray, allocTyped, dtypeInfo, ndarray, shapeSize, stridesOf, viewAs } from "@shoal/core";
import { type BytesCodec, type SampleCodec, getBytesCodec, getSampleCodec } from "@shoal/codecs";
import { type ParsedChunk, chunkByteRange, chunkSampleShape, parseChunk } from "./chunk.ts";
import { DeepLakeFormatError, DeepLakeUnsupportedError } from "./errors.ts";
import { parseHubJson } from "./hub-json.ts";
import { type TensorMeta, isTextLike } from "./meta.ts";

/** A chunk as read from the store, with its chunk-level compression already undone. */
export interface LoadedChunk {
  readonly parsed: ParsedChunk;
  /** The data region after chunk decompression (lz4); the raw data region otherwise. */
  readonly payload: Uint8Array;
  /** The decoded canvas of an image-compressed chunk. */
  readonly canvas: NDArray | undefined;
  readonly byteLength: number;
}

/** What decoding needs to know about a tensor, computed once. */
export interface DecodePlan {
  readonly tensor: string;
  readonly meta: TensorMeta;
  readonly dtype: DType | undefined;
  readonly textLike: boolean;
  /** Sample shape when every sample has it and the fast path (ignore both encoders) applies. */
  readonly fixedShape: readonly number[] | undefined;
  readonly ndim: number;
  readonly sampleCodec: SampleCodec | BytesCodec | undefined;
  readonly chunkCodec: SampleCodec | BytesCodec | undefined;
}

const utf8 = new TextDecoder();

async function codecFor(name: string, where: string): Promise<SampleCodec | BytesCodec> {
  try {
    if (name === "lz4") return await getBytesCodec("lz4");
    return await getSampleCodec(name);
  } catch (e) {
    throw new DeepLakeUnsupportedError("compression", where, `no codec for ${JSON.stringify(name)} is registered (register one with registerCodec from @shoal/codecs)`, { cause: e });
  }
}

export async function makePlan(tensor: string, meta: TensorMeta, dtype: DType | undefined): Promise<DecodePlan> {
  const where = `tensor ${JSON.stringify(tensor)}`;
  if (meta.isSequence) throw new DeepLakeUnsupportedError("htype", where, `sequence[${meta.htype}] tensors are not read yet`);
  const textLike = isTextLike(meta);
  if (!textLike && dtype === undefined && meta.length > 0) throw new DeepLakeUnsupportedError("dtype", where, `no dtype recorded for ${meta.length} samples`);
  const fixed = !textLike && meta.htype !== "polygon" && meta.maxShape.length > 0 && meta.minShape.length === meta.maxShape.length && meta.minShape.every((d, k) => d === meta.maxShape[k]);
  const sampleCodec = meta.sampleCompression ? await codecFor(meta.sampleCompression, where) : undefined;
  const chunkCodec = meta.chunkCompression ? await codecFor(meta.chunkCompression, where) : undefined;
  return { tensor, meta, dtype, textLike, fixedShape: fixed ? meta.maxShape : undefined, ndim: meta.maxShape.length, sampleCodec, chunkCodec };
}

export function loadChunk(bytes: Uint8Array, key: string, plan: DecodePlan): LoadedChunk {
  const parsed = parseChunk(bytes, key);
  const codec = plan.chunkCodec;
  if (!codec || parsed.data.length === 0) return { parsed, payload: parsed.data, canvas: undefined, byteLength: bytes.byteLength };
  try {
    if (codec.kind === "bytes") {
      const payload = codec.decode(parsed.data);
      return { parsed, payload, canvas: undefined, byteLength: bytes.byteLength + payload.byteLength };
    }
    const canvas = codec.decode(parsed.data);
    return { parsed, payload: parsed.data, canvas, byteLength: bytes.byteLength + canvas.data.byteLength };
  } catch (e) {
    throw new DeepLakeFormatError(key, `chunk data does not decode as ${codec.name}: ${(e as Error).message}`, { offset: parsed.dataOffset, cause: e });
  }
}

/** Shape of local sample `local` of a chunk. */
export function localShape(plan: DecodePlan, chunk: LoadedChunk, local: number): number[] {
  if (plan.fixedShape) return [...plan.fixedShape];
  return chunkSampleShape(chunk.parsed, local, plan.ndim);
}

/** Bytes of local sample `local` as stored in the (decompressed) payload. */
export function localBytes(plan: DecodePlan, chunk: LoadedChunk, local: number): Uint8Array {
  if (plan.fixedShape && !plan.sampleCodec && !chunk.canvas) {
    const each = shapeSize(plan.fixedShape) * dtypeInfo(plan.dtype!).itemSize;
    return slice(chunk, local * each, (local + 1) * each);
  }
  const [start, end] = chunkByteRange(chunk.parsed, local);
  return slice(chunk, start, end);
}

function slice(chunk: LoadedChunk, start: number, end: number): Uint8Array {
  if (end > chunk.payload.length) {
    throw new DeepLakeFormatError(chunk.parsed.key, `sample bytes [${start}, ${end}) run past the ${chunk.payload.length}-byte data region`, { offset: chunk.parsed.dataOffset + start });
  }
  return chunk.payload.subarray(start, end);
}

/** Decodes local sample `local`: a string, a JSON value, an NDArray, or polygons as NDArray[]. */
export function decodeLocal(plan: DecodePlan, chunk: LoadedChunk, local: number): unknown {
  if (plan.textLike) return decodeText(plan, chunk, localBytes(plan, chunk, local));
  if (chunk.canvas) return cropCanvas(plan, chunk, local);
  const shape = localShape(plan, chunk, local);
  const stored = localBytes(plan, chunk, local);
  if (plan.meta.htype === "polygon") return decodePolygons(plan, chunk, stored, shape);
  return decodeArray(plan, chunk.parsed.key, stored, shape, plan.sampleCodec);
}

function decodeText(plan: DecodePlan, chunk: LoadedChunk, stored: Uint8Array): unknown {
  let bytes = stored;
  if (plan.sampleCodec?.kind === "bytes" && bytes.length > 0) bytes = guard(chunk.parsed.key, plan.sampleCodec.name, () => (plan.sampleCodec as BytesCodec).decode(stored));
  const text = utf8.decode(bytes);
  const htype = plan.meta.htype;
  if (plan.meta.isLink || htype === "text") return text;
  if (text.length === 0) return htype === "json" ? {} : [];
  try {
    return parseHubJson(text);
  } catch (e) {
    throw new DeepLakeFormatError(chunk.parsed.key, `a ${htype} sample of tensor ${JSON.stringify(plan.tensor)} is not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

function guard<T>(key: string, codec: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new DeepLakeFormatError(key, `sample does not decode as ${codec}: ${(e as Error).message}`, { cause: e });
  }
}

/** A raw or codec-compressed array sample with the logical shape the encoders record. */
export function decodeArray(plan: DecodePlan, key: string, stored: Uint8Array, shape: readonly number[], codec: SampleCodec | BytesCodec | undefined): NDArray {
  const dtype = plan.dtype!;
  const n = shapeSize(shape);
  if (n === 0) return ndarray(dtype, shape);
  if (codec?.kind === "sample") {
    const img = guard(key, codec.name, () => codec.decode(stored));
    if (shapeSize(img.shape) !== n) throw new DeepLakeFormatError(key, `${codec.name} sample of tensor ${JSON.stringify(plan.tensor)} decodes to [${img.shape.join(", ")}], its shape encoder says [${shape.join(", ")}]`);
    // Grayscale images decode as (H, W, 1) or (H, W); the encoder's shape is authoritative.
    if (img.dtype === dtype) return ndarray(dtype, shape, img.data as never);
    const out = allocTyped(dtype, n) as TypedArray;
    (out as Float64Array).set(img.data as Float64Array);
    return ndarray(dtype, shape, out as never);
  }
  const info = dtypeInfo(dtype);
  const raw = codec ? guard(key, codec.name, () => codec.decode(stored, { outLength: n * info.itemSize })) : stored;
  if (raw.length !== n * info.itemSize) throw new DeepLakeFormatError(key, `sample of tensor ${JSON.stringify(plan.tensor)} has ${raw.length} bytes, shape [${shape.join(", ")}] of ${dtype} needs ${n * info.itemSize}`);
  // A copy: the chunk stays cached and callers may write to what they get.
  const copy = raw.slice();
  return ndarray(dtype, shape, viewAs(dtype, copy));
}

/** Sample `local` of an image-compressed chunk: `canvas[:H, x:x+W]`, x = the widths of the samples before it. */
function cropCanvas(plan: DecodePlan, chunk: LoadedChunk, local: number): NDArray {
  const canvas = chunk.canvas!;
  const shape = chunkSampleShape(chunk.parsed, local, plan.ndim);
  let x = 0;
  for (let j = 0; j < local; j++) {
    const s = chunkSampleShape(chunk.parsed, j, plan.ndim);
    if (shapeSize(s) > 0) x += s[1] ?? 0;
  }
  const [h = 0, w = 0] = shape;
  const c = shape.length > 2 ? shape[2]! : 1;
  const [ch = 0, cw = 0] = canvas.shape;
  const cc = canvas.shape.length > 2 ? canvas.shape[2]! : 1;
  if (h > ch || x + w > cw || c !== cc) throw new DeepLakeFormatError(chunk.parsed.key, `sample ${local} (${shape.join("×")} at x=${x}) does not fit the ${canvas.shape.join("×")} canvas`);
  const out = allocTyped(canvas.dtype, h * w * c) as TypedArray;
  const src = canvas.data as TypedArray;
  for (let y = 0; y < h; y++) (out as Uint8Array).set((src as Uint8Array).subarray((y * cw + x) * c, (y * cw + x + w) * c), y * w * c);
  const arr = ndarray(canvas.dtype, shape, out as never);
  return plan.dtype && plan.dtype !== canvas.dtype ? convert(arr, plan.dtype) : arr;
}

function convert(a: NDArray, dtype: DType): NDArray {
  const out = allocTyped(dtype, a.data.length) as TypedArray;
  (out as Float64Array).set(a.data as Float64Array);
  return ndarray(dtype, a.shape, out as never);
}

/** `u16 n | n × u16 points | points` (§2.8): one [points, ndim] array per polygon. */
function decodePolygons(plan: DecodePlan, chunk: LoadedChunk, stored: Uint8Array, shape: readonly number[]): NDArray[] {
  const key = chunk.parsed.key;
  let bytes = stored;
  if (plan.sampleCodec?.kind === "bytes" && bytes.length > 0) bytes = guard(key, "lz4", () => (plan.sampleCodec as BytesCodec).decode(stored));
  if (bytes.length === 0) return [];
  const dtype = plan.dtype ?? "float32";
  const itemSize = dtypeInfo(dtype).itemSize;
  const ndim = shape[shape.length - 1] ?? 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 2) throw new DeepLakeFormatError(key, "polygon sample shorter than its count");
  const n = view.getUint16(0, true);
  let at = 2 + 2 * n;
  if (at > bytes.length) throw new DeepLakeFormatError(key, `polygon sample of ${n} polygons is truncated`);
  const out: NDArray[] = [];
  for (let p = 0; p < n; p++) {
    const points = view.getUint16(2 + 2 * p, true);
    const len = points * ndim * itemSize;
    if (at + len > bytes.length) throw new DeepLakeFormatError(key, `polygon ${p} runs past the sample's ${bytes.length} bytes`);
    out.push(ndarray(dtype, [points, ndim], viewAs(dtype, bytes.slice(at, at + len))));
    at += len;
  }
  return out;
}

/** Places one decoded tile into the full sample at grid position `coords` (C order, row-major). */
export function placeTile(out: TypedArray, sampleShape: readonly number[], tile: NDArray, origin: readonly number[]): void {
  const d = sampleShape.length;
  const strides = stridesOf(sampleShape);
  const tshape = tile.shape;
  const tdata = tile.data as TypedArray;
  const rowLen = tshape[d - 1] ?? 1;
  const rows = d <= 1 ? 1 : shapeSize(tshape.slice(0, d - 1));
  const idx = new Array<number>(Math.max(0, d - 1)).fill(0);
  for (let r = 0; r < rows; r++) {
    let dst = 0;
    for (let k = 0; k < d - 1; k++) dst += (origin[k]! + idx[k]!) * strides[k]!;
    dst += origin[d - 1] ?? 0;
    (out as Uint8Array).set((tdata as Uint8Array).subarray(r * rowLen, (r + 1) * rowLen), dst);
    for (let k = d - 2; k >= 0; k--) {
      if (++idx[k]! < tshape[k]!) break;
      idx[k] = 0;
    }
  }
}
