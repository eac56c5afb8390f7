/**
 * Low-level pieces every Deep Lake binary object shares: the `u8 L + L ASCII bytes` version header, numeric version
 * comparison, and little-endian uint32 tables read without per-element objects.
 * @module
 */
import { DeepLakeFormatError, DeepLakeUnsupportedError } from "./errors.ts";

/** The newest major format this reader understands: 4.x is a different format altogether. */
export const MAX_MAJOR_VERSION = 3;

export interface VersionHeader {
  version: string;
  /** Offset of the first byte after the header. */
  end: number;
}

const ascii = new TextDecoder("latin1");

export function readVersionHeader(bytes: Uint8Array, key: string): VersionHeader {
  if (bytes.length < 1) throw new DeepLakeFormatError(key, "empty object, expected a version header", { offset: 0 });
  const n = bytes[0]!;
  if (n === 0 || 1 + n > bytes.length) throw new DeepLakeFormatError(key, `version header of ${n} bytes does not fit in ${bytes.length} bytes`, { offset: 0 });
  const version = ascii.decode(bytes.subarray(1, 1 + n));
  if (!/^\d+(\.\d+)*([.\w+-]*)$/.test(version)) throw new DeepLakeFormatError(key, `version header ${JSON.stringify(version)} is not a version number`, { offset: 1 });
  assertSupportedVersion(version, key);
  return { version, end: 1 + n };
}

/** Numeric components of a version string; dev/rc suffixes are dropped (`3.9.0.dev1` → [3, 9, 0]). */
export function versionParts(version: string): number[] {
  const out: number[] = [];
  for (const part of version.split(".")) {
    const m = /^\d+/.exec(part);
    if (!m) break;
    out.push(Number(m[0]));
  }
  return out;
}

/** -1, 0 or 1 as `a` is older than, equal to or newer than `b`, comparing dot components numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function assertSupportedVersion(version: string, where: string): void {
  const major = versionParts(version)[0] ?? 0;
  if (major > MAX_MAJOR_VERSION) {
    throw new DeepLakeUnsupportedError("format version", where, `written by Deep Lake ${version}; this reader reads datasets of hub 2.x and deeplake 3.x (convert 4.x datasets back with deeplake, or re-export them)`);
  }
}

/** `count` little-endian uint32 values starting at `offset`, as an aligned copy. */
export function readUint32s(bytes: Uint8Array, offset: number, count: number, key: string): Uint32Array {
  const end = offset + count * 4;
  if (count < 0 || end > bytes.length) throw new DeepLakeFormatError(key, `table of ${count} uint32 values runs past the end (${bytes.length} bytes)`, { offset });
  const out = new Uint32Array(count);
  new Uint8Array(out.buffer).set(bytes.subarray(offset, end));
  if (!LITTLE_ENDIAN) for (let i = 0; i < count; i++) out[i] = swap32(out[i]!);
  return out;
}

export function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/** First row whose last-index column is >= `i` (numpy `searchsorted(side="left")` over a sorted column). */
export function searchLast(table: Uint32Array | Float64Array, cols: number, rows: number, i: number): number {
  let lo = 0;
  let hi = rows;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table[mid * cols + cols - 1]! < i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
