/**
 * `deflate` (raw RFC 1951), `zlib` (RFC 1950) and `gzip` (RFC 1952, single member) via fflate, synchronous.
 * fflate does not verify the zlib Adler-32 or the gzip CRC-32 and silently truncates when a preallocated output
 * is too small, so both are checked here.
 * @module
 */
import { CorruptDataError, InvalidArgumentError } from "@shoal/core";
import { deflateSync, gzipSync, inflateSync, zlibSync } from "fflate";
import { assertBytes, assertLength } from "./bytes.ts";
import { adler32, crc32 } from "./checksums.ts";
import type { BytesCodec } from "./types.ts";

type Level = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

function levelOf(codec: string, level: unknown): Level {
  if (level === undefined) return 6;
  if (typeof level !== "number" || !Number.isInteger(level) || level < 0 || level > 9) {
    throw new InvalidArgumentError(`[shoal] ${codec}: level must be an integer 0..9, got ${String(level)}`);
  }
  return level as Level;
}

/** Inflates a raw deflate stream; with `outLength`, decodes straight into a buffer of that size. */
function inflateRaw(codec: string, data: Uint8Array, outLength: number | undefined, baseOffset: number): Uint8Array {
  if (data.length === 0) throw new CorruptDataError(codec, "empty deflate stream", { offset: baseOffset });
  try {
    if (outLength === undefined) return inflateSync(data);
    // One spare byte tells "exactly outLength" apart from "more than outLength" (fflate stops writing at the end).
    const out = inflateSync(data, { out: new Uint8Array(outLength + 1) });
    if (out.length !== outLength) {
      const got = out.length > outLength ? `more than ${outLength}` : String(out.length);
      throw new CorruptDataError(codec, `decoded ${got} bytes, expected ${outLength}`, { offset: baseOffset + data.length });
    }
    return out.subarray(0, outLength);
  } catch (e) {
    if (e instanceof CorruptDataError) throw e;
    throw new CorruptDataError(codec, `inflate failed: ${(e as Error).message}`, { offset: baseOffset, cause: e });
  }
}

function read32be(a: Uint8Array, i: number): number {
  return ((a[i]! << 24) | (a[i + 1]! << 16) | (a[i + 2]! << 8) | a[i + 3]!) >>> 0;
}

function read32le(a: Uint8Array, i: number): number {
  return (a[i]! | (a[i + 1]! << 8) | (a[i + 2]! << 16) | (a[i + 3]! << 24)) >>> 0;
}

export const deflate: BytesCodec = {
  kind: "bytes",
  name: "deflate",
  encode(data, opts) {
    assertBytes(data, "deflate.encode");
    return deflateSync(data, { level: levelOf("deflate", opts?.level) });
  },
  decode(data, opts) {
    assertBytes(data, "deflate.decode");
    assertLength(opts?.outLength, "outLength", "deflate.decode");
    return inflateRaw("deflate", data, opts?.outLength, 0);
  },
};

export const zlib: BytesCodec = {
  kind: "bytes",
  name: "zlib",
  encode(data, opts) {
    assertBytes(data, "zlib.encode");
    return zlibSync(data, { level: levelOf("zlib", opts?.level) });
  },
  decode(data, opts) {
    assertBytes(data, "zlib.decode");
    assertLength(opts?.outLength, "outLength", "zlib.decode");
    if (data.length < 6) throw new CorruptDataError("zlib", `input of ${data.length} bytes is too short`, { offset: 0 });
    const cmf = data[0]!;
    const flg = data[1]!;
    if ((cmf & 15) !== 8 || cmf >>> 4 > 7 || ((cmf << 8) | flg) % 31 !== 0) throw new CorruptDataError("zlib", "bad header", { offset: 0 });
    if (flg & 0x20) throw new CorruptDataError("zlib", "preset dictionaries are not supported", { offset: 1 });
    const out = inflateRaw("zlib", data.subarray(2, data.length - 4), opts?.outLength, 2);
    if (adler32(out) !== read32be(data, data.length - 4)) throw new CorruptDataError("zlib", "Adler-32 mismatch", { offset: data.length - 4 });
    return out;
  },
};

export const gzip: BytesCodec = {
  kind: "bytes",
  name: "gzip",
  encode(data, opts) {
    assertBytes(data, "gzip.encode");
    return gzipSync(data, { level: levelOf("gzip", opts?.level), mtime: 0 });
  },
  decode(data, opts) {
    assertBytes(data, "gzip.decode");
    assertLength(opts?.outLength, "outLength", "gzip.decode");
    const start = gzipHeaderLength(data);
    if (data.length - start < 10) throw new CorruptDataError("gzip", "truncated stream", { offset: data.length });
    const isize = read32le(data, data.length - 4);
    // ISIZE is the length mod 2^32: use it to preallocate unless it is implausible (corrupt, or a >4 GiB member).
    const hint = opts?.outLength ?? (isize <= (data.length - start) * 1032 ? isize : undefined);
    const out = inflateRaw("gzip", data.subarray(start, data.length - 8), hint, start);
    if (crc32(out) !== read32le(data, data.length - 8)) throw new CorruptDataError("gzip", "CRC-32 mismatch (corrupt, or more than one gzip member)", { offset: data.length - 8 });
    if (out.length % 0x100000000 !== isize) throw new CorruptDataError("gzip", `ISIZE says ${isize} bytes, decoded ${out.length}`, { offset: data.length - 4 });
    return out;
  },
};

function gzipHeaderLength(d: Uint8Array): number {
  if (d.length < 18) throw new CorruptDataError("gzip", `input of ${d.length} bytes is too short`, { offset: 0 });
  if (d[0] !== 0x1f || d[1] !== 0x8b) throw new CorruptDataError("gzip", "bad magic", { offset: 0 });
  if (d[2] !== 8) throw new CorruptDataError("gzip", `unknown compression method ${d[2]}`, { offset: 2 });
  const flags = d[3]!;
  if (flags & 0xe0) throw new CorruptDataError("gzip", "reserved flag bits set", { offset: 3 });
  let p = 10;
  if (flags & 4) p += 2 + (d[10]! | (d[11]! << 8));
  for (const bit of [8, 16]) {
    if (flags & bit) {
      while (p < d.length && d[p] !== 0) p++;
      p++;
    }
  }
  if (flags & 2) p += 2;
  if (p > d.length) throw new CorruptDataError("gzip", "truncated header", { offset: d.length });
  return p;
}
