import { xxh32 } from "../src/xxh32.ts";
const P1 = 0x9e3779b1, P2 = 0x85ebca77;
const L = new Int32Array(8);
function two(a: Uint32Array, b: Uint32Array, stripes: number): void {
  let a1 = L[0]!, a2 = L[1]!, a3 = L[2]!, a4 = L[3]!, b1 = L[4]!, b2 = L[5]!, b3 = L[6]!, b4 = L[7]!;
  const end = stripes * 4;
  for (let w = 0; w < end; w += 4) {
    let x = (a1 + Math.imul(a[w]!, P2)) | 0; a1 = Math.imul((x << 13) | (x >>> 19), P1);
    let y = (b1 + Math.imul(b[w]!, P2)) | 0; b1 = Math.imul((y << 13) | (y >>> 19), P1);
    x = (a2 + Math.imul(a[w + 1]!, P2)) | 0; a2 = Math.imul((x << 13) | (x >>> 19), P1);
    y = (b2 + Math.imul(b[w + 1]!, P2)) | 0; b2 = Math.imul((y << 13) | (y >>> 19), P1);
    x = (a3 + Math.imul(a[w + 2]!, P2)) | 0; a3 = Math.imul((x << 13) | (x >>> 19), P1);
    y = (b3 + Math.imul(b[w + 2]!, P2)) | 0; b3 = Math.imul((y << 13) | (y >>> 19), P1);
    x = (a4 + Math.imul(a[w + 3]!, P2)) | 0; a4 = Math.imul((x << 13) | (x >>> 19), P1);
    y = (b4 + Math.imul(b[w + 3]!, P2)) | 0; b4 = Math.imul((y << 13) | (y >>> 19), P1);
  }
  L[0] = a1; L[1] = a2; L[2] = a3; L[3] = a4; L[4] = b1; L[5] = b2; L[6] = b3; L[7] = b4;
}
const s = 150528, n = 106; const buf = new Uint8Array(s * n); for (let i = 0; i < buf.length; i++) buf[i] = i * 13;
for (let i = 0; i < 64; i++) two(new Uint32Array(buf.buffer, 0, 64), new Uint32Array(buf.buffer, 256, 64), 16);
for (let r = 0; r < 8; r++) {
  let t = performance.now(); let h = 0;
  for (let k = 0; k < n; k++) h ^= xxh32(buf, k * s, (k + 1) * s);
  const one = (n * s / 1e6 / ((performance.now() - t) / 1000)).toFixed(0);
  t = performance.now();
  for (let k = 0; k + 1 < n; k += 2) two(new Uint32Array(buf.buffer, k * s, s / 4), new Uint32Array(buf.buffer, (k + 1) * s, s / 4), s >>> 4);
  const pair = (n * s / 1e6 / ((performance.now() - t) / 1000)).toFixed(0);
  console.log({ one, pair });
}
