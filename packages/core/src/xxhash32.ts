/**
 * xxHash32 (seed 0 by default): the format's only checksum. Chosen over CRC32C because it runs several times
 * faster in plain JS (32-bit multiplies, no table lookups), which keeps checksumming off the ingest critical path.
 *
 * The stripe loops live in small functions of their own, with the rotations written out: a single function whose
 * never-taken branches (the unaligned path, the byte tail) held calls without type feedback was deoptimized at every
 * large call and ran at under half speed (~3 GB/s instead of ~7 GB/s on the reference box).
 * @module
 */

const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The four accumulator lanes, carried in and out of the stripe loops. */
const lanes = new Int32Array(4);

/** Consumes `stripes` 16-byte stripes of aligned little-endian words. */
function stripesAligned(words: Uint32Array, stripes: number): void {
  let v1 = lanes[0]!;
  let v2 = lanes[1]!;
  let v3 = lanes[2]!;
  let v4 = lanes[3]!;
  const end = stripes * 4;
  for (let w = 0; w < end; w += 4) {
    let x = (v1 + Math.imul(words[w]!, P2)) | 0;
    v1 = Math.imul((x << 13) | (x >>> 19), P1);
    x = (v2 + Math.imul(words[w + 1]!, P2)) | 0;
    v2 = Math.imul((x << 13) | (x >>> 19), P1);
    x = (v3 + Math.imul(words[w + 2]!, P2)) | 0;
    v3 = Math.imul((x << 13) | (x >>> 19), P1);
    x = (v4 + Math.imul(words[w + 3]!, P2)) | 0;
    v4 = Math.imul((x << 13) | (x >>> 19), P1);
  }
  lanes[0] = v1;
  lanes[1] = v2;
  lanes[2] = v3;
  lanes[3] = v4;
}

/** Same, reading through a DataView (unaligned input or a big-endian host). */
function stripesView(view: DataView, p: number, stripes: number): void {
  let v1 = lanes[0]!;
  let v2 = lanes[1]!;
  let v3 = lanes[2]!;
  let v4 = lanes[3]!;
  const end = p + stripes * 16;
  for (; p < end; p += 16) {
    let x = (v1 + Math.imul(view.getUint32(p, true), P2)) | 0;
    v1 = Math.imul((x << 13) | (x >>> 19), P1);
    x = (v2 + Math.imul(view.getUint32(p + 4, true), P2)) | 0;
    v2 = Math.imul((x << 13) | (x >>> 19), P1);
    x = (v3 + Math.imul(view.getUint32(p + 8, true), P2)) | 0;
    v3 = Math.imul((x << 13) | (x >>> 19), P1);
    x = (v4 + Math.imul(view.getUint32(p + 12, true), P2)) | 0;
    v4 = Math.imul((x << 13) | (x >>> 19), P1);
  }
  lanes[0] = v1;
  lanes[1] = v2;
  lanes[2] = v3;
  lanes[3] = v4;
}

/** The last 0–15 bytes and the final avalanche. */
function finish(bytes: Uint8Array, p: number, end: number, h: number): number {
  for (; p + 4 <= end; p += 4) {
    const word = bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24);
    const x = (h + Math.imul(word, P3)) | 0;
    h = Math.imul((x << 17) | (x >>> 15), P4);
  }
  for (; p < end; p++) {
    const x = (h + Math.imul(bytes[p]!, P5)) | 0;
    h = Math.imul((x << 11) | (x >>> 21), P1);
  }
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

/** xxh32 of `bytes[start, end)`. */
export function xxh32(bytes: Uint8Array, start = 0, end = bytes.byteLength, seed = 0): number {
  const len = end - start;
  if (len < 16) return finish(bytes, start, end, (seed + P5 + len) | 0);
  lanes[0] = seed + P1 + P2;
  lanes[1] = seed + P2;
  lanes[2] = seed;
  lanes[3] = seed - P1;
  const stripes = len >>> 4;
  const abs = bytes.byteOffset + start;
  if (LITTLE_ENDIAN && (abs & 3) === 0) stripesAligned(new Uint32Array(bytes.buffer, abs, stripes * 4), stripes);
  else stripesView(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), start, stripes);
  const v1 = lanes[0]!;
  const v2 = lanes[1]!;
  const v3 = lanes[2]!;
  const v4 = lanes[3]!;
  const h = (((v1 << 1) | (v1 >>> 31)) + ((v2 << 7) | (v2 >>> 25)) + ((v3 << 12) | (v3 >>> 20)) + ((v4 << 18) | (v4 >>> 14)) + len) | 0;
  return finish(bytes, start + stripes * 16, end, h);
}

// Runs every path once at load on a few bytes: the first real call is often megabytes long and gets optimized
// mid-loop (OSR); code after the loop with no type feedback yet would then deoptimize at the end of every call.
// V8 collects feedback only from a function's ~8th call on, hence the repeats.
{
  const warm = new Uint8Array(80);
  for (let i = 0; i < 64; i++) xxh32(warm, i & 1, 80 - (i & 7));
}
