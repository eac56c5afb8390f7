/**
 * The raw LZ4 block format (no framing): a greedy hash-table compressor modelled on the reference `LZ4_compress_fast`
 * and a bounds-checked decompressor. Both work on caller-supplied typed arrays and allocate nothing per sequence.
 * @module
 */
import { CorruptDataError, InvalidArgumentError } from "@shoal/core";

const MIN_MATCH = 4;
/** The spec's end-of-block rules: the last 5 bytes are literals and the last match starts ≥ 12 bytes from the end. */
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const MAX_OFFSET = 65535;
const HASH_LOG = 16;
/** As in the reference: after 2^6 misses the search step grows, so incompressible data is skipped quickly. */
const SKIP_TRIGGER = 6;
/** LZ4_MAX_INPUT_SIZE of the reference implementation. */
export const LZ4_MAX_INPUT_SIZE = 0x7e000000;

/*
 * The hash table is shared across calls. Entries hold `base + position`; each call advances `base` past every value
 * the previous call stored, so stale entries read as negative positions and the table never needs clearing.
 */
const table = new Int32Array(1 << HASH_LOG);
let base = 1;

/** Worst-case compressed size of `n` input bytes (LZ4_compressBound). */
export function lz4BlockBound(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

function read32(a: Uint8Array, i: number): number {
  return a[i]! | (a[i + 1]! << 8) | (a[i + 2]! << 16) | (a[i + 3]! << 24);
}

function hash(sequence: number): number {
  return Math.imul(sequence, -1640531535) >>> (32 - HASH_LOG);
}

/**
 * Compresses `src` as one LZ4 block into `dst` starting at `dstOffset`; returns the end offset in `dst`.
 * `dst` must have room for `lz4BlockBound(src.length)` bytes after `dstOffset`.
 */
export function lz4CompressBlock(src: Uint8Array, dst: Uint8Array, dstOffset = 0): number {
  const n = src.length;
  if (n > LZ4_MAX_INPUT_SIZE) throw new InvalidArgumentError(`[shoal] lz4: input of ${n} bytes exceeds the LZ4 maximum of ${LZ4_MAX_INPUT_SIZE}`);
  if (dst.length - dstOffset < lz4BlockBound(n)) {
    throw new InvalidArgumentError(`[shoal] lz4: output buffer has ${dst.length - dstOffset} bytes, needs ${lz4BlockBound(n)}`);
  }
  if (base + n >= 0x7fffffff) {
    table.fill(0);
    base = 1;
  }
  const b = base;
  base += n + 1;
  let op = dstOffset;
  let anchor = 0;
  if (n >= MF_LIMIT + 1) {
    const mfLimit = n - MF_LIMIT;
    const matchLimit = n - LAST_LITERALS;
    let ip = 0;
    table[hash(read32(src, 0))] = b;
    ip = 1;
    outer: for (;;) {
      // Find a match: probe positions with a step that grows with consecutive misses.
      let ref = 0;
      let searchMatchNb = 1 << SKIP_TRIGGER;
      let forwardIp = ip;
      let sequence = 0;
      for (;;) {
        ip = forwardIp;
        forwardIp = ip + (searchMatchNb++ >> SKIP_TRIGGER);
        if (forwardIp > mfLimit) break outer;
        sequence = read32(src, ip);
        const h = hash(sequence);
        ref = table[h]! - b;
        table[h] = ip + b;
        if (ref >= 0 && ip - ref <= MAX_OFFSET && read32(src, ref) === sequence) break;
      }
      // Extend backwards over literals that also match.
      while (ip > anchor && ref > 0 && src[ip - 1] === src[ref - 1]) {
        ip--;
        ref--;
      }
      // Extend forwards, stopping where the trailing literals begin.
      let end = ip + MIN_MATCH;
      let r = ref + MIN_MATCH;
      while (end < matchLimit && src[end] === src[r]) {
        end++;
        r++;
      }
      op = writeSequence(src, anchor, ip - anchor, ip - ref, end - ip, dst, op);
      ip = end;
      anchor = ip;
      if (ip > mfLimit) break;
      table[hash(read32(src, ip - 2))] = ip - 2 + b;
    }
  }
  return writeLastLiterals(src, anchor, n - anchor, dst, op);
}

function writeLength(dst: Uint8Array, op: number, rest: number): number {
  while (rest >= 255) {
    dst[op++] = 255;
    rest -= 255;
  }
  dst[op++] = rest;
  return op;
}

/** Below this length a byte loop beats `set(subarray)`, whose view allocation costs more than the copy. */
const COPY_LOOP_MAX = 64;

function copyBytes(src: Uint8Array, from: number, length: number, dst: Uint8Array, op: number): void {
  if (length < COPY_LOOP_MAX) {
    for (let i = 0; i < length; i++) dst[op + i] = src[from + i]!;
  } else {
    dst.set(src.subarray(from, from + length), op);
  }
}

function writeSequence(src: Uint8Array, litStart: number, litLen: number, offset: number, matchLen: number, dst: Uint8Array, op: number): number {
  const m = matchLen - MIN_MATCH;
  const tokenPos = op++;
  let token = m >= 15 ? 15 : m;
  if (litLen >= 15) {
    token |= 0xf0;
    op = writeLength(dst, op, litLen - 15);
  } else {
    token |= litLen << 4;
  }
  dst[tokenPos] = token;
  copyBytes(src, litStart, litLen, dst, op);
  op += litLen;
  dst[op++] = offset & 0xff;
  dst[op++] = offset >>> 8;
  if (m >= 15) op = writeLength(dst, op, m - 15);
  return op;
}

function writeLastLiterals(src: Uint8Array, litStart: number, litLen: number, dst: Uint8Array, op: number): number {
  if (litLen >= 15) {
    dst[op++] = 0xf0;
    op = writeLength(dst, op, litLen - 15);
  } else {
    dst[op++] = litLen << 4;
  }
  copyBytes(src, litStart, litLen, dst, op);
  return op + litLen;
}

/**
 * Decompresses the LZ4 block `src[srcStart, srcEnd)` into `dst` starting at `dstStart`, never writing at or past
 * `dstEnd`; returns the end offset in `dst`. Matches may reach back to `windowStart` (≤ dstStart), which lets
 * linked frame blocks refer to the blocks before them. `codec` and `srcBase` only shape error messages
 * (`srcBase` is the absolute offset of `src[0]` in the caller's input).
 */
export function lz4DecompressBlock(
  src: Uint8Array,
  srcStart: number,
  srcEnd: number,
  dst: Uint8Array,
  dstStart: number,
  dstEnd: number,
  windowStart = dstStart,
  codec = "lz4",
  srcBase = 0,
): number {
  if (srcStart >= srcEnd) fail(codec, "empty block", srcBase + srcStart);
  const at = { ip: srcStart, op: dstStart };
  decodeSequences(at, src, srcEnd, dst, dstStart, dstEnd, windowStart, Number.POSITIVE_INFINITY, codec, srcBase);
  return at.op;
}

/** Where a paused block decode stands: the next token at `ip` of `src`, the output written up to `op`. */
export interface Lz4Cursor {
  readonly src: Uint8Array;
  ip: number;
  op: number;
}

/**
 * A resumable decode of the `lz4` codec's layout (4-byte LE decoded size, then one block), or null for inputs that
 * are not one block (LZ4 frames, which the codec also accepts): decode those whole. Lets a reader of one sample in a
 * chunk-compressed payload decode only the prefix it needs, and later reads extend the same decode.
 */
export function lz4Cursor(stored: Uint8Array, outLength: number): Lz4Cursor | null {
  if (stored.byteLength < 5) return null;
  if (stored[0] === 0x04 && stored[1] === 0x22 && stored[2] === 0x4d && stored[3] === 0x18) return null;
  const n = (stored[0]! | (stored[1]! << 8) | (stored[2]! << 16) | (stored[3]! << 24)) >>> 0;
  if (n !== outLength) fail("lz4", `size prefix says ${n} bytes, the caller expects ${outLength}`, 0);
  return { src: stored, ip: 4, op: 0 };
}

/** Decodes whole sequences into `dst` until `cursor.op >= stopAt` or the block ends; bounds-checked throughout. */
export function lz4DecodeUntil(cursor: Lz4Cursor, dst: Uint8Array, stopAt: number): void {
  decodeSequences(cursor, cursor.src, cursor.src.byteLength, dst, 0, dst.byteLength, 0, stopAt, "lz4", 0);
}

/** The one sequence loop behind whole and resumable decodes: runs until `at.op >= stopAt` or the block's end. */
function decodeSequences(
  at: { ip: number; op: number },
  src: Uint8Array,
  srcEnd: number,
  dst: Uint8Array,
  dstStart: number,
  dstEnd: number,
  windowStart: number,
  stopAt: number,
  codec: string,
  srcBase: number,
): void {
  let ip = at.ip;
  let op = at.op;
  // Positions before which a short sequence (≤ 14 literals, ≤ 18-byte match) cannot run past either end.
  const srcFast = srcEnd - 16;
  const dstFast = dstEnd - 32;
  while (op < stopAt) {
    // Only the final literals-only sequence may end a block; running out of input anywhere else is truncation.
    if (ip >= srcEnd) fail(codec, "block ends before its final literals (truncated input)", srcBase + ip);
    const token = src[ip++]!;
    let litLen = token >>> 4;
    // Fast path for the common short sequence with room on both sides: only the offset needs checking.
    if (ip < srcFast && op < dstFast && litLen < 15 && (token & 15) < 15) {
      const litEnd = ip + litLen;
      while (ip < litEnd) dst[op++] = src[ip++]!;
      const offset = src[ip]! | (src[ip + 1]! << 8);
      let from = op - offset;
      if (offset === 0 || from < windowStart) fail(codec, `match offset ${offset} points before the start of the output`, srcBase + ip);
      ip += 2;
      const matchEnd = op + (token & 15) + MIN_MATCH;
      // Byte by byte in order, so overlapping matches (offset < length) repeat the bytes just written; the first
      // MIN_MATCH bytes always exist, unrolled.
      dst[op] = dst[from]!;
      dst[op + 1] = dst[from + 1]!;
      dst[op + 2] = dst[from + 2]!;
      dst[op + 3] = dst[from + 3]!;
      op += MIN_MATCH;
      from += MIN_MATCH;
      while (op < matchEnd) dst[op++] = dst[from++]!;
      continue;
    }
    if (litLen === 15) {
      let byte = 255;
      while (byte === 255) {
        if (ip >= srcEnd) fail(codec, "truncated literal length", srcBase + ip);
        byte = src[ip++]!;
        litLen += byte;
      }
    }
    if (litLen > srcEnd - ip) fail(codec, `literal run of ${litLen} bytes runs past the end of the input`, srcBase + ip);
    if (litLen > dstEnd - op) fail(codec, `literal run of ${litLen} bytes runs past the end of the output (${dstEnd - dstStart} bytes)`, srcBase + ip);
    copyBytes(src, ip, litLen, dst, op);
    ip += litLen;
    op += litLen;
    // The last sequence of a block is literals only.
    if (ip === srcEnd) break;
    if (srcEnd - ip < 2) fail(codec, "truncated match offset", srcBase + ip);
    const offset = src[ip]! | (src[ip + 1]! << 8);
    if (offset === 0 || offset > op - windowStart) fail(codec, `match offset ${offset} points before the start of the output`, srcBase + ip);
    ip += 2;
    let matchLen = token & 15;
    if (matchLen === 15) {
      let byte = 255;
      while (byte === 255) {
        if (ip >= srcEnd) fail(codec, "truncated match length", srcBase + ip);
        byte = src[ip++]!;
        matchLen += byte;
      }
    }
    matchLen += MIN_MATCH;
    if (matchLen > dstEnd - op) fail(codec, `match of ${matchLen} bytes runs past the end of the output (${dstEnd - dstStart} bytes)`, srcBase + ip);
    let from = op - offset;
    if (matchLen < COPY_LOOP_MAX) {
      const matchEnd = op + matchLen;
      while (op < matchEnd) dst[op++] = dst[from++]!;
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
  at.ip = ip;
  at.op = op;
}

function fail(codec: string, what: string, offset: number): never {
  throw new CorruptDataError(codec, what, { offset });
}
