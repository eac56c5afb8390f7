import { xxh32 } from "../src/xxh32.ts";
const b = new Uint8Array(16 << 20); for (let i = 0; i < b.length; i++) b[i] = i * 31;
const src = new Uint8Array(150528*64); for (let i = 0; i < src.length; i++) src[i] = i * 7;
const s = 150528;
for (let r = 0; r < 8; r++) {
  let t = performance.now(); let h = 0; for (let k = 0; k < 4; k++) h ^= xxh32(b); let dt = performance.now() - t;
  const big = (4 * b.length / 1e6 / (dt / 1000)).toFixed(0);
  t = performance.now(); for (let k = 0; k < 111; k++) h ^= xxh32(b, k * s, (k + 1) * s); dt = performance.now() - t;
  const per = (111 * s / 1e6 / (dt / 1000)).toFixed(0);
  // copy then hash (pack)
  t = performance.now(); for (let k = 0; k < 111; k++) { b.set(src.subarray((k&63)*s, ((k&63)+1)*s), k*s); h ^= xxh32(b, k * s, (k + 1) * s); } dt = performance.now() - t;
  const pack = (111 * s / 1e6 / (dt / 1000)).toFixed(0);
  t = performance.now(); for (let k = 0; k < 111; k++) { b.set(src.subarray((k&63)*s, ((k&63)+1)*s), k*s); } dt = performance.now() - t;
  const copy = (111 * s / 1e6 / (dt / 1000)).toFixed(0);
  console.log({ big, per, pack, copy, h });
}
