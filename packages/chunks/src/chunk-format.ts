/**
 * The binary chunk layout of FORMAT.md §4: header (magic, version, dtype, encoding, shapes, offsets, checksums)
 * followed by the payload. Parsing never trusts a field before the header checksum has been verified.
 * @module
 */
import type { DType } from "@shoal/core";
import { CorruptChunkError } from "./errors.ts";
import { xxh32 } from "@shoal/codecs";

export const CHUNK_MAGIC = 0x4b434853; // "SHCK" read as little-endian u32
export const FORMAT_VERSION = 1;

export const FLAG_CHUNK_COMPRESSED = 1;
export const FLAG_UNIFORM_SHAPE = 2;
export const FLAG_TILE = 4;
export const FLAG_UNIFORM_SIZE = 8;

/** Bytes a reader fetches first: enough for the whole header of most chunks. */
export const HEADER_PROBE_BYTES = 4096;

export type Encoding = "array" | "text" | "json" | "list";
export const ENCODING_CODES: Record<Encoding, number> = { array: 0, text: 1, json: 2, list: 3 };
const ENCODING_NAMES: Encoding[] = ["array", "text", "json", "list"];

const DTYPE_CODES: Record<DType, number> = {
  bool: 1, int8: 2, int16: 3, int32: 4, int64: 5, uint8: 6, uint16: 7, uint32: 8, uint64: 9, float16: 10, float32: 11, float64: 12,
};
const DTYPE_NAMES = Object.keys(DTYPE_CODES) as DType[];

export function dtypeCode(dtype: DType | null): number {
  return dtype === null ? 0 : DTYPE_CODES[dtype];
}

export interface ChunkHeader {
  readonly flags: number;
  /** Header length: the payload starts here. */
  readonly headerLength: number;
  readonly count: number;
  readonly dtype: DType | null;
  readonly encoding: Encoding;
  readonly ndim: number;
  readonly sampleCodec: string;
  readonly chunkCodec: string;
  /** Decoded payload length. */
  readonly payloadLength: number;
  /** Stored payload length (after the header). */
  readonly storedLength: number;
  /** Samples per checksum group; 0 for chunk-compressed chunks (one checksum over the stored payload). */
  readonly groupSize: number;
  /** `ndim` values when uniform, `count * ndim` otherwise. */
  readonly shapes: Uint32Array;
  /** `count + 1` offsets, or null when every sample has `payloadLength / count` bytes. */
  readonly offsets: Uint32Array | null;
  readonly checksums: Uint32Array;
}

export interface HeaderFields {
  flags: number;
  count: number;
  dtype: DType | null;
  encoding: Encoding;
  ndim: number;
  sampleCodec: string;
  chunkCodec: string;
  payloadLength: number;
  storedLength: number;
  groupSize: number;
  shapes: Uint32Array;
  offsets: Uint32Array | null;
  checksums: Uint32Array;
}

function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0x7f;
  return out;
}

/** Header length for these fields (a multiple of 8). */
export function headerLengthOf(f: HeaderFields): number {
  const raw = 20 + f.sampleCodec.length + 1 + f.chunkCodec.length + 12 + 4 * (f.shapes.length + (f.offsets?.length ?? 0) + f.checksums.length) + 4;
  return (raw + 7) & ~7;
}

/** Writes the header into `out[at, at + H)`; returns H. */
export function writeHeader(f: HeaderFields, out: Uint8Array, at: number): number {
  const H = headerLengthOf(f);
  out.fill(0, at, at + H);
  const view = new DataView(out.buffer, out.byteOffset + at, H);
  view.setUint32(0, CHUNK_MAGIC, true);
  view.setUint8(4, FORMAT_VERSION);
  view.setUint8(5, f.flags);
  view.setUint32(8, H, true);
  view.setUint32(12, f.count, true);
  view.setUint8(16, dtypeCode(f.dtype));
  view.setUint8(17, ENCODING_CODES[f.encoding]);
  view.setUint8(18, f.ndim);
  let p = 19;
  for (const name of [f.sampleCodec, f.chunkCodec]) {
    view.setUint8(p++, name.length);
    out.set(asciiBytes(name), at + p);
    p += name.length;
  }
  view.setUint32(p, f.payloadLength, true);
  view.setUint32(p + 4, f.storedLength, true);
  view.setUint32(p + 8, f.groupSize, true);
  p += 12;
  for (const arr of [f.shapes, f.offsets, f.checksums]) {
    if (!arr) continue;
    for (let i = 0; i < arr.length; i++, p += 4) view.setUint32(p, arr[i]!, true);
  }
  view.setUint32(H - 4, xxh32(out, at, at + H - 4), true);
  return H;
}

/** The header length a prefix announces, after checking the magic; the caller fetches that many bytes. */
export function announcedHeaderLength(prefix: Uint8Array, key: string): number {
  if (prefix.byteLength < 16) throw new CorruptChunkError(key, 0, `object is ${prefix.byteLength} bytes, shorter than a chunk header`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (view.getUint32(0, true) !== CHUNK_MAGIC) throw new CorruptChunkError(key, 0, "bad magic (expected SHCK)");
  const version = view.getUint8(4);
  if (version !== FORMAT_VERSION) throw new CorruptChunkError(key, 4, `unsupported chunk format version ${version}`);
  const H = view.getUint32(8, true);
  if (H < 40 || H % 8 !== 0) throw new CorruptChunkError(key, 8, `implausible header length ${H}`);
  return H;
}

/** Parses and verifies a header from `bytes`, which must hold at least the first H bytes of the object. */
export function parseHeader(bytes: Uint8Array, key: string): ChunkHeader {
  const H = announcedHeaderLength(bytes, key);
  if (bytes.byteLength < H) throw new CorruptChunkError(key, bytes.byteLength, `object ends inside its ${H}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, H);
  const stored = view.getUint32(H - 4, true);
  const actual = xxh32(bytes, 0, H - 4);
  if (stored !== actual) throw new CorruptChunkError(key, H - 4, `header checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)})`);
  const flags = view.getUint8(5);
  const count = view.getUint32(12, true);
  const dcode = view.getUint8(16);
  const ecode = view.getUint8(17);
  const ndim = view.getUint8(18);
  let p = 19;
  const names: string[] = [];
  for (let k = 0; k < 2; k++) {
    const len = view.getUint8(p++);
    names.push(String.fromCharCode(...bytes.subarray(p, p + len)));
    p += len;
  }
  const payloadLength = view.getUint32(p, true);
  const storedLength = view.getUint32(p + 4, true);
  const groupSize = view.getUint32(p + 8, true);
  p += 12;
  const read = (n: number): Uint32Array => {
    if (p + 4 * n > H - 4) throw new CorruptChunkError(key, p, "header fields overrun the header length");
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++, p += 4) out[i] = view.getUint32(p, true);
    return out;
  };
  const compressed = (flags & FLAG_CHUNK_COMPRESSED) !== 0;
  const shapes = read(flags & FLAG_UNIFORM_SHAPE ? ndim : count * ndim);
  const offsets = flags & FLAG_UNIFORM_SIZE ? null : read(count + 1);
  const checksums = read(compressed ? 1 : groupSize === 0 ? 0 : Math.ceil(count / groupSize));
  const dtype = dcode === 0 ? null : DTYPE_NAMES[dcode - 1];
  const encoding = ENCODING_NAMES[ecode];
  if (dtype === undefined || encoding === undefined) throw new CorruptChunkError(key, 16, `unknown dtype code ${dcode} or encoding ${ecode}`);
  if (offsets && offsets[count] !== payloadLength) throw new CorruptChunkError(key, 20, "last offset differs from the payload length");
  if (!offsets && count > 0 && payloadLength % count !== 0) throw new CorruptChunkError(key, 20, "uniform sample size does not divide the payload");
  return {
    flags, headerLength: H, count, dtype, encoding, ndim, sampleCodec: names[0]!, chunkCodec: names[1]!,
    payloadLength, storedLength, groupSize, shapes, offsets, checksums,
  };
}

/** Byte range `[start, end)` of sample `i` in the decoded payload. */
export function sampleRange(h: ChunkHeader, i: number): [number, number] {
  if (h.offsets) return [h.offsets[i]!, h.offsets[i + 1]!];
  const size = h.count === 0 ? 0 : h.payloadLength / h.count;
  return [i * size, (i + 1) * size];
}

/** Shape of sample `i`. */
export function sampleShape(h: ChunkHeader, i: number): number[] {
  const base = h.flags & FLAG_UNIFORM_SHAPE ? 0 : i * h.ndim;
  return Array.from(h.shapes.subarray(base, base + h.ndim));
}

/** The checksum group holding sample `i`: its payload byte range and expected checksum. */
export function groupOf(h: ChunkHeader, i: number): { start: number; end: number; checksum: number } {
  const g = Math.floor(i / h.groupSize);
  const first = g * h.groupSize;
  const last = Math.min(h.count, first + h.groupSize) - 1;
  return { start: sampleRange(h, first)[0], end: sampleRange(h, last)[1], checksum: h.checksums[g]! };
}

/** Verifies every checksum group of an uncompressed payload (or the single checksum of a stored compressed one). */
export function verifyPayload(h: ChunkHeader, stored: Uint8Array, key: string): void {
  if (stored.byteLength !== h.storedLength) {
    throw new CorruptChunkError(key, h.headerLength + stored.byteLength, `payload is ${stored.byteLength} bytes, header says ${h.storedLength}`);
  }
  if (h.flags & FLAG_CHUNK_COMPRESSED) {
    if (xxh32(stored) !== h.checksums[0]) throw new CorruptChunkError(key, h.headerLength, "payload checksum mismatch");
    return;
  }
  for (let g = 0; g < h.checksums.length; g++) {
    const first = g * h.groupSize;
    const start = sampleRange(h, first)[0];
    const end = sampleRange(h, Math.min(h.count, first + h.groupSize) - 1)[1];
    if (xxh32(stored, start, end) !== h.checksums[g]) {
      throw new CorruptChunkError(key, h.headerLength + start, `checksum mismatch in samples ${first}..${Math.min(h.count, first + h.groupSize) - 1}`);
    }
  }
}
