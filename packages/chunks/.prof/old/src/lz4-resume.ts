/**
 * An LZ4 block decoder that can stop once the output reaches a given offset and resume later from where it
 * stopped. A random read of one sample in a chunk-compressed chunk then decodes only the payload prefix up to that
 * sample, and later reads extend the same decode instead of starting over.
 *
 * Why here and not in @shoal/codecs: its block decoder (`lz4DecompressBlock`) still always runs to the end of the
 * input. This belongs there as a `decode(data, { stopAt })` / resumable cursor; move it once the codec offers one.
 * Until then this loop mirrors the codec's, fast path included, so a resumable decode costs no more than a whole one.
 * @module
 */
import { CorruptDataError } from "@shoal/core";

const MIN_MATCH = 4;
/** Below this a byte loop beats `copyWithin`/`set`, whose call overhead costs more than the copy. */
const COPY_LOOP_MAX = 64;

/** Where a paused decode stands: the next token at `ip` of `src`, the output written up to `op`. */
export interface Lz4Cursor {
  readonly src: Uint8Array;
  ip: number;
  op: number;
}

/** A cursor over the `lz4` codec's layout (4-byte LE decoded size, then one block), or null for other layouts (frames). */
export function lz4Cursor(stored: Uint8Array, outLength: number): Lz4Cursor | null {
  if (stored.byteLength < 5) return null;
  // An LZ4 frame (magic 0x184D2204) is also accepted by the codec; it has no block to resume, so decode it whole.
  if (stored[0] === 0x04 && stored[1] === 0x22 && stored[2] === 0x4d && stored[3] === 0x18) return null;
  const n = (stored[0]! | (stored[1]! << 8) | (stored[2]! << 16) | (stored[3]! << 24)) >>> 0;
  if (n !== outLength) throw new CorruptDataError("lz4", `size prefix says ${n} bytes, the chunk header ${outLength}`, { offset: 0 });
  return { src: stored, ip: 4, op: 0 };
}

/** Decodes whole sequences into `dst` until `cursor.op >= stopAt` or the block ends; bounds-checked throughout. */
export function lz4DecodeUntil(cursor: Lz4Cursor, dst: Uint8Array, stopAt: number): void {
  const src = cursor.src;
  const srcEnd = src.byteLength;
  const dstEnd = dst.byteLength;
  let ip = cursor.ip;
  let op = cursor.op;
  // Positions before which a short sequence (≤ 14 literals, ≤ 18-byte match) cannot run past either end.
  const srcFast = srcEnd - 16;
  const dstFast = dstEnd - 32;
  while (op < stopAt && ip < srcEnd) {
    const token = src[ip++]!;
    let litLen = token >>> 4;
    // Fast path (as in @shoal/codecs' block decoder): the common short sequence with room on both sides needs only
    // its match offset checked.
    if (ip < srcFast && op < dstFast && litLen < 15 && (token & 15) < 15) {
      const litEnd = ip + litLen;
      while (ip < litEnd) dst[op++] = src[ip++]!;
      const offset = src[ip]! | (src[ip + 1]! << 8);
      let from = op - offset;
      if (offset === 0 || from < 0) fail(`match offset ${offset} points before the start of the output`, ip);
      ip += 2;
      const matchEnd = op + (token & 15) + MIN_MATCH;
      while (op < matchEnd) dst[op++] = dst[from++]!;
      continue;
    }
    if (litLen === 15) {
      let byte = 255;
      while (byte === 255) {
        if (ip >= srcEnd) fail("truncated literal length", ip);
        byte = src[ip++]!;
        litLen += byte;
      }
    }
    if (litLen > srcEnd - ip) fail(`literal run of ${litLen} bytes runs past the end of the input`, ip);
    if (litLen > dstEnd - op) fail(`literal run of ${litLen} bytes runs past the end of the output`, ip);
    if (litLen < COPY_LOOP_MAX) {
      for (let k = 0; k < litLen; k++) dst[op + k] = src[ip + k]!;
    } else {
      dst.set(src.subarray(ip, ip + litLen), op);
    }
    ip += litLen;
    op += litLen;
    // The last sequence of a block is literals only.
    if (ip === srcEnd) break;
    if (srcEnd - ip < 2) fail("truncated match offset", ip);
    const offset = src[ip]! | (src[ip + 1]! << 8);
    if (offset === 0 || offset > op) fail(`match offset ${offset} points before the start of the output`, ip);
    ip += 2;
    let matchLen = token & 15;
    if (matchLen === 15) {
      let byte = 255;
      while (byte === 255) {
        if (ip >= srcEnd) fail("truncated match length", ip);
        byte = src[ip++]!;
        matchLen += byte;
      }
    }
    matchLen += MIN_MATCH;
    if (matchLen > dstEnd - op) fail(`match of ${matchLen} bytes runs past the end of the output`, ip);
    let from = op - offset;
    if (matchLen < COPY_LOOP_MAX) {
      // Byte by byte, so overlapping matches (offset < length) repeat the bytes just written.
      const end = op + matchLen;
      while (op < end) dst[op++] = dst[from++]!;
    } else {
      // The repeated pattern doubles with each copyWithin, so long runs cost O(log n) calls.
      let remaining = matchLen;
      while (remaining > 0) {
        const step = remaining < op - from ? remaining : op - from;
        dst.copyWithin(op, from, from + step);
        op += step;
        remaining -= step;
      }
    }
  }
  cursor.ip = ip;
  cursor.op = op;
}

function fail(what: string, offset: number): never {
  throw new CorruptDataError("lz4", what, { offset });
}
