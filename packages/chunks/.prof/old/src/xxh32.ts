/**
 * xxHash32 (seed 0 by default): the format's only checksum. Chosen over CRC32C because it runs several times
 * faster in plain JS (32-bit multiplies, no table lookups), which keeps checksumming off the ingest critical path.
 * @module
 */

const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** xxh32 of `bytes[start, end)`. */
export function xxh32(bytes: Uint8Array, start = 0, end = bytes.byteLength, seed = 0): number {
  const len = end - start;
  let p = start;
  let h: number;
  if (len >= 16) {
    let v1 = (seed + P1 + P2) | 0;
    let v2 = (seed + P2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - P1) | 0;
    const limit = end - 16;
    const abs = bytes.byteOffset + p;
    if (LITTLE_ENDIAN && abs % 4 === 0) {
      // Aligned fast path: read lanes straight from a Uint32Array view.
      const words = new Uint32Array(bytes.buffer, abs, (limit - p) / 4 + 4);
      let w = 0;
      for (; p <= limit; p += 16, w += 4) {
        v1 = Math.imul(rotl((v1 + Math.imul(words[w]!, P2)) | 0, 13), P1);
        v2 = Math.imul(rotl((v2 + Math.imul(words[w + 1]!, P2)) | 0, 13), P1);
        v3 = Math.imul(rotl((v3 + Math.imul(words[w + 2]!, P2)) | 0, 13), P1);
        v4 = Math.imul(rotl((v4 + Math.imul(words[w + 3]!, P2)) | 0, 13), P1);
      }
    } else {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (; p <= limit; p += 16) {
        v1 = Math.imul(rotl((v1 + Math.imul(view.getUint32(p, true), P2)) | 0, 13), P1);
        v2 = Math.imul(rotl((v2 + Math.imul(view.getUint32(p + 4, true), P2)) | 0, 13), P1);
        v3 = Math.imul(rotl((v3 + Math.imul(view.getUint32(p + 8, true), P2)) | 0, 13), P1);
        v4 = Math.imul(rotl((v4 + Math.imul(view.getUint32(p + 12, true), P2)) | 0, 13), P1);
      }
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = (seed + P5) | 0;
  }
  h = (h + len) | 0;
  for (; p + 4 <= end; p += 4) {
    const word = bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24);
    h = Math.imul(rotl((h + Math.imul(word, P3)) | 0, 17), P4);
  }
  for (; p < end; p++) h = Math.imul(rotl((h + Math.imul(bytes[p]!, P5)) | 0, 11), P1);
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}
