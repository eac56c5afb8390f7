/**
 * `deflate` (raw RFC 1951), `zlib` (RFC 1950) and `gzip` (RFC 1952, one or more members) via fflate, synchronous.
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
    const start = gzipHeaderLength(data, 0);
    if (data.length - start < 10) throw new CorruptDataError("gzip", "truncated stream", { offset: data.length });
    // One member, trailer at the very end: the common case, decoded straight into a buffer sized from ISIZE.
    const isize = read32le(data, data.length - 4);
    // ISIZE is the length mod 2^32: use it to preallocate unless it is implausible (corrupt, or a >4 GiB member).
    const hint = opts?.outLength ?? (isize <= (data.length - start) * 1032 ? isize : undefined);
    try {
      const out = inflateRaw("gzip", data.subarray(start, data.length - 8), hint, start);
      if (crc32(out) === read32le(data, data.length - 8) && out.length % 0x100000000 === isize) return out;
    } catch (e) {
      // A size mismatch may just mean several members (cat a.gz b.gz): the member-by-member pass tells.
      if (!(e instanceof CorruptDataError)) throw e;
    }
    return gunzipMembers(data, opts?.outLength);
  },
};

/**
 * Decodes concatenated gzip members (RFC 1952 §2.2), verifying each one's CRC-32 and ISIZE. A member ends where
 * its deflate stream does; fflate does not report that position, so the next member is the first gzip header
 * preceded by a trailer matching the member just decoded (a 64-bit match, no false positives in practice).
 */
function gunzipMembers(data: Uint8Array, outLength: number | undefined): Uint8Array {
  const members: Uint8Array[] = [];
  let total = 0;
  let at = 0;
  while (at < data.length) {
    const start = gzipHeaderLength(data, at);
    const out = inflateRaw("gzip", data.subarray(start), undefined, start);
    const crc = crc32(out);
    const isize = out.length % 0x100000000;
    const matches = (end: number) => read32le(data, end - 8) === crc && read32le(data, end - 4) === isize;
    let end = -1;
    if (matches(data.length)) {
      end = data.length;
    } else {
      for (let p = start + 10; p + 18 <= data.length; p++) {
        if (data[p] === 0x1f && data[p + 1] === 0x8b && data[p + 2] === 8 && matches(p)) {
          end = p;
          break;
        }
      }
    }
    if (end < 0) throw new CorruptDataError("gzip", `member at byte ${at}: CRC-32 mismatch or wrong ISIZE`, { offset: data.length - 8 });
    members.push(out);
    total += out.length;
    at = end;
  }
  if (outLength !== undefined && total !== outLength) {
    const got = total > outLength ? `more than ${outLength}` : String(total);
    throw new CorruptDataError("gzip", `decoded ${got} bytes in ${members.length} member(s), expected ${outLength}`, { offset: data.length });
  }
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const m of members) {
    joined.set(m, offset);
    offset += m.length;
  }
  return joined;
}

function gzipHeaderLength(d: Uint8Array, at: number): number {
  if (d.length - at < 18) throw new CorruptDataError("gzip", `member of ${d.length - at} bytes is too short`, { offset: at });
  if (d[at] !== 0x1f || d[at + 1] !== 0x8b) throw new CorruptDataError("gzip", "bad magic", { offset: at });
  if (d[at + 2] !== 8) throw new CorruptDataError("gzip", `unknown compression method ${d[at + 2]}`, { offset: at + 2 });
  const flags = d[at + 3]!;
  if (flags & 0xe0) throw new CorruptDataError("gzip", "reserved flag bits set", { offset: at + 3 });
  let p = at + 10;
  if (flags & 4) p += 2 + (d[p]! | (d[p + 1]! << 8));
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
