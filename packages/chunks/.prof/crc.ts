import { crc32 as crc4 } from "../../codecs/src/checksums.ts";
import zlib from "node:zlib";
function tables(k: number): Int32Array {
  const t = new Int32Array(256 * k);
  for (let n = 0; n < 256; n++) { let c = n; for (let j = 0; j < 8; j++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; t[n] = c; }
  for (let n = 0; n < 256; n++) { let c = t[n]!; for (let j = 1; j < k; j++) { c = t[c & 0xff]! ^ (c >>> 8); t[j * 256 + n] = c; } }
  return t;
}
const T8 = tables(8), T16 = tables(16);
function crc8(d: Uint8Array, crc = 0): number {
  const t = T8; let c = ~crc; let i = 0; const n = d.length;
  for (; i + 8 <= n; i += 8) {
    const a = c ^ (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24));
    c = t[1792 + (a & 0xff)]! ^ t[1536 + ((a >>> 8) & 0xff)]! ^ t[1280 + ((a >>> 16) & 0xff)]! ^ t[1024 + (a >>> 24)]! ^
      t[768 + d[i + 4]!]! ^ t[512 + d[i + 5]!]! ^ t[256 + d[i + 6]!]! ^ t[d[i + 7]!]!;
  }
  for (; i < n; i++) c = t[(c ^ d[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
function crc16(d: Uint8Array, crc = 0): number {
  const t = T16; let c = ~crc; let i = 0; const n = d.length;
  for (; i + 16 <= n; i += 16) {
    const a = c ^ (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24));
    c = t[3840 + (a & 0xff)]! ^ t[3584 + ((a >>> 8) & 0xff)]! ^ t[3328 + ((a >>> 16) & 0xff)]! ^ t[3072 + (a >>> 24)]! ^
      t[2816 + d[i + 4]!]! ^ t[2560 + d[i + 5]!]! ^ t[2304 + d[i + 6]!]! ^ t[2048 + d[i + 7]!]! ^
      t[1792 + d[i + 8]!]! ^ t[1536 + d[i + 9]!]! ^ t[1280 + d[i + 10]!]! ^ t[1024 + d[i + 11]!]! ^
      t[768 + d[i + 12]!]! ^ t[512 + d[i + 13]!]! ^ t[256 + d[i + 14]!]! ^ t[d[i + 15]!]!;
  }
  for (; i < n; i++) c = t[(c ^ d[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
const b = new Uint8Array(8 << 20); for (let i = 0; i < b.length; i++) b[i] = (i * 2654435761) >>> 24;
console.log(crc4(b), crc8(b), crc16(b), zlib.crc32(b));
for (let r = 0; r < 5; r++) {
  const out: Record<string, string> = {};
  for (const [name, f] of [["s4", crc4], ["s8", crc8], ["s16", crc16], ["zlib", (x: Uint8Array) => zlib.crc32(x)]] as const) {
    const t = performance.now(); for (let k = 0; k < 4; k++) f(b); out[name] = (4 * b.length / 1e6 / ((performance.now() - t) / 1000)).toFixed(0);
  }
  console.log(out);
}
function crc8w(d: Uint8Array, crc = 0): number {
  const t = T8; let c = ~crc; let i = 0; const n = d.length;
  const lead = (4 - ((d.byteOffset) & 3)) & 3;
  for (; i < lead && i < n; i++) c = t[(c ^ d[i]!) & 0xff]! ^ (c >>> 8);
  const words = (n - i) >>> 3;
  if (words > 0) {
    const w = new Int32Array(d.buffer, d.byteOffset + i, words * 2);
    for (let j = 0; j < w.length; j += 2) {
      const a = c ^ w[j]!; const b2 = w[j + 1]!;
      c = t[1792 + (a & 0xff)]! ^ t[1536 + ((a >>> 8) & 0xff)]! ^ t[1280 + ((a >>> 16) & 0xff)]! ^ t[1024 + (a >>> 24)]! ^
        t[768 + (b2 & 0xff)]! ^ t[512 + ((b2 >>> 8) & 0xff)]! ^ t[256 + ((b2 >>> 16) & 0xff)]! ^ t[b2 >>> 24]!;
    }
    i += words * 8;
  }
  for (; i < n; i++) c = t[(c ^ d[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
function crc16w(d: Uint8Array, crc = 0): number {
  const t = T16; let c = ~crc; let i = 0; const n = d.length;
  const lead = (4 - ((d.byteOffset) & 3)) & 3;
  for (; i < lead && i < n; i++) c = t[(c ^ d[i]!) & 0xff]! ^ (c >>> 8);
  const blocks = (n - i) >>> 4;
  if (blocks > 0) {
    const w = new Int32Array(d.buffer, d.byteOffset + i, blocks * 4);
    for (let j = 0; j < w.length; j += 4) {
      const a = c ^ w[j]!; const b1 = w[j + 1]!; const b2 = w[j + 2]!; const b3 = w[j + 3]!;
      c = t[3840 + (a & 0xff)]! ^ t[3584 + ((a >>> 8) & 0xff)]! ^ t[3328 + ((a >>> 16) & 0xff)]! ^ t[3072 + (a >>> 24)]! ^
        t[2816 + (b1 & 0xff)]! ^ t[2560 + ((b1 >>> 8) & 0xff)]! ^ t[2304 + ((b1 >>> 16) & 0xff)]! ^ t[2048 + (b1 >>> 24)]! ^
        t[1792 + (b2 & 0xff)]! ^ t[1536 + ((b2 >>> 8) & 0xff)]! ^ t[1280 + ((b2 >>> 16) & 0xff)]! ^ t[1024 + (b2 >>> 24)]! ^
        t[768 + (b3 & 0xff)]! ^ t[512 + ((b3 >>> 8) & 0xff)]! ^ t[256 + ((b3 >>> 16) & 0xff)]! ^ t[b3 >>> 24]!;
    }
    i += blocks * 16;
  }
  for (; i < n; i++) c = t[(c ^ d[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
console.log(crc8w(b), crc16w(b), crc8w(b.subarray(3)), zlib.crc32(b.subarray(3)));
for (let r = 0; r < 5; r++) {
  const out: Record<string, string> = {};
  for (const [name, f] of [["s8w", crc8w], ["s16w", crc16w]] as const) {
    const t = performance.now(); for (let k = 0; k < 4; k++) f(b); out[name] = (4 * b.length / 1e6 / ((performance.now() - t) / 1000)).toFixed(0);
  }
  console.log(out);
}
