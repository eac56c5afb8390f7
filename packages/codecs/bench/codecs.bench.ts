// Codec throughput, ours and a baseline side by side in one run; prints JSON lines.
// Run: node --import tsx packages/codecs/bench/codecs.bench.ts   (SHOAL_BENCH_MB=32 for bigger inputs)
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { ndarray } from "@shoal/core";
import jpegJs from "jpeg-js";
import UPNG from "upng-js";
import { deflate } from "../src/deflate.ts";
import { jpeg } from "../src/jpeg.ts";
import { lz4 } from "../src/lz4.ts";
import { png } from "../src/png.ts";

const MB = Number(process.env.SHOAL_BENCH_MB ?? 8);
const REPS = Number(process.env.SHOAL_BENCH_REPS ?? 5);

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** HxWx3 gradients + waves + ±noise, as perf-scripts/lib.mjs imageLike. */
function imageLike(w: number, h: number, seed: number, noise: number): Uint8Array {
  const rnd = prng(seed);
  const out = new Uint8Array(w * h * 3);
  const fx = 2 + rnd() * 6;
  const fy = 2 + rnd() * 6;
  let i = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const r = (x / w) * 200 + 40 * Math.sin((y / h) * fy);
      const g = (y / h) * 180 + 40 * Math.cos((x / w) * fx);
      const b = ((x + y) / (w + h)) * 220;
      out[i++] = Math.max(0, Math.min(255, r + (rnd() * 2 - 1) * noise));
      out[i++] = Math.max(0, Math.min(255, g + (rnd() * 2 - 1) * noise));
      out[i++] = Math.max(0, Math.min(255, b + (rnd() * 2 - 1) * noise));
    }
  }
  return out;
}

/** Median calls/s over REPS repetitions of at least 300 ms each. */
function rate(fn: () => unknown): number {
  fn();
  const rates: number[] = [];
  for (let r = 0; r < REPS; r++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    do {
      fn();
      n++;
      t = performance.now();
    } while (t - t0 < 300);
    rates.push(n / ((t - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[rates.length >> 1]!;
}

function emit(bench: string, metric: string, value: number, baseline: string, baselineValue: number, extra: Record<string, unknown> = {}): void {
  const round = (x: number) => Math.round(x * 10) / 10;
  console.log(JSON.stringify({ bench, metric, value: round(value), baseline, baselineValue: round(baselineValue), ratio: Math.round((value / baselineValue) * 100) / 100, ...extra }));
}

const side = Math.round(Math.sqrt((MB * 1024 * 1024) / 3));
const raw = imageLike(side, side, 1, 2);
const mb = raw.length / 1e6;

const lz4Enc = lz4.encode(raw);
const zEnc = deflateRawSync(raw, { level: 1 });
emit("lz4-encode", "MB/s", mb * rate(() => lz4.encode(raw)), "node:zlib deflateRawSync L1", mb * rate(() => deflateRawSync(raw, { level: 1 })), { ratio_lz4: +(raw.length / lz4Enc.length).toFixed(2), ratio_zlib: +(raw.length / zEnc.length).toFixed(2) });
emit("lz4-decode", "MB/s", mb * rate(() => lz4.decode(lz4Enc, { outLength: raw.length })), "node:zlib inflateRawSync", mb * rate(() => inflateRawSync(zEnc)));
const dEnc = deflate.encode(raw, { level: 1 });
emit("deflate-encode", "MB/s", mb * rate(() => deflate.encode(raw, { level: 1 })), "node:zlib deflateRawSync L1", mb * rate(() => deflateRawSync(raw, { level: 1 })));
emit("deflate-decode", "MB/s", mb * rate(() => deflate.decode(dEnc, { outLength: raw.length })), "node:zlib inflateRawSync", mb * rate(() => inflateRawSync(zEnc)));

const w = 256;
const pixels = imageLike(w, w, 2, 8);
const mp = (w * w) / 1e6;
const jpg = jpeg.encode!(ndarray("uint8", [w, w, 3], pixels), { quality: 90 });
emit("jpeg-decode-256", "MP/s", mp * rate(() => jpeg.decode(jpg)), "jpeg-js decode (useTArray, RGB)", mp * rate(() => jpegJs.decode(jpg, { useTArray: true, formatAsRGBA: false })));
const pngBytes = png.encode!(ndarray("uint8", [w, w, 3], pixels), { level: 6 });
emit("png-decode-256", "MP/s", mp * rate(() => png.decode(pngBytes)), "upng-js decode", mp * rate(() => UPNG.decode(pngBytes as unknown as ArrayBuffer)));
emit("jpeg-encode-256", "img/s", rate(() => jpeg.encode!(ndarray("uint8", [w, w, 3], pixels), { quality: 90 })), "jpeg-js encode (RGBA input)", rate(() => {
  const rgba = new Uint8Array(w * w * 4);
  jpegJs.encode({ data: rgba, width: w, height: w }, 90);
}));
