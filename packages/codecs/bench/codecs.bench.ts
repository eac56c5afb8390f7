// Codec throughput, ours and a baseline side by side in one run; prints JSON lines.
// Run: node --import tsx packages/codecs/bench/codecs.bench.ts   (SHOAL_BENCH_MB=32 for bigger inputs)
// Rates are per second of this process's CPU time (SHOAL_BENCH_CLOCK=wall for wall time): on a shared box the
// wall clock mostly measures the neighbours.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { ndarray } from "@shoal/core";
import jpegJs from "jpeg-js";
import UPNG from "upng-js";
import { deflate } from "../src/deflate.ts";
import { JpegEncoder } from "../src/jpeg-encoder.ts";
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

const CPU_CLOCK = (process.env.SHOAL_BENCH_CLOCK ?? "cpu") !== "wall";

/** Microseconds elapsed on the chosen clock. */
function now(): number {
  if (!CPU_CLOCK) return performance.now() * 1000;
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Median calls/s over REPS repetitions of at least 300 ms each. */
function rate(fn: () => unknown): number {
  fn();
  const rates: number[] = [];
  for (let r = 0; r < REPS; r++) {
    let n = 0;
    const t0 = now();
    let t = t0;
    do {
      fn();
      n++;
      t = now();
    } while (t - t0 < 300_000);
    rates.push(n / ((t - t0) / 1e6));
  }
  rates.sort((a, b) => a - b);
  return rates[rates.length >> 1]!;
}

function emit(bench: string, metric: string, value: number, baseline: string, baselineValue: number, extra: Record<string, unknown> = {}): void {
  const round = (x: number) => Math.round(x * 10) / 10;
  const clock = CPU_CLOCK ? "cpu" : "wall";
  console.log(JSON.stringify({ bench, metric, value: round(value), baseline, baselineValue: round(baselineValue), ratio: Math.round((value / baselineValue) * 100) / 100, clock, ...extra }));
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

/**
 * jpeg-js keeps its encoder class module-internal and `encode()` rebuilds every table per call. To measure the
 * best jpeg-js can do (tables built once), evaluate its encoder source in a vm context that also exports the class.
 * Bench only: library code never does this.
 */
function reusedJpegJsEncoder(): { encode(img: { data: Uint8Array; width: number; height: number }, quality: number): unknown } {
  const source = readFileSync(createRequire(import.meta.url).resolve("jpeg-js/lib/encoder.js"), "utf8");
  const mod: { exports: { JPEGEncoder?: new (quality: number) => ReturnType<typeof reusedJpegJsEncoder> } } = { exports: {} };
  vm.runInNewContext(`${source};module.exports={JPEGEncoder};`, { module: mod, Buffer, Uint8Array, Array, Math, console, Float32Array, Int32Array });
  return new mod.exports.JPEGEncoder!(90);
}

const ours = new JpegEncoder({ quality: 90 });
const theirs = reusedJpegJsEncoder();
for (const side of [224, 256]) {
  const rgb = imageLike(side, side, 3, 8);
  const rgba = new Uint8Array(side * side * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgba[j] = rgb[i]!;
    rgba[j + 1] = rgb[i + 1]!;
    rgba[j + 2] = rgb[i + 2]!;
    rgba[j + 3] = 255;
  }
  const image = ndarray("uint8", [side, side, 3], rgb);
  const img = { data: rgba, width: side, height: side };
  const ours444 = rate(() => ours.encode(image, { subsampling: "4:4:4" }));
  const ours420 = rate(() => ours.encode(image));
  const reused = rate(() => theirs.encode(img, 90));
  const perCall = rate(() => jpegJs.encode(img, 90));
  const bytes = { bytes444: ours.encode(image, { subsampling: "4:4:4" }).length, bytes420: ours.encode(image).length, bytesJpegJs: jpegJs.encode(img, 90).data.length };
  // jpeg-js always writes 4:4:4, so that is the like-for-like comparison; 4:2:0 is our default.
  emit(`jpeg-encode-${side}-444`, "img/s", ours444, "jpeg-js JPEGEncoder reused (q90, 4:4:4)", reused, bytes);
  emit(`jpeg-encode-${side}-444`, "img/s", ours444, "jpeg-js encode() per call (q90, 4:4:4)", perCall);
  emit(`jpeg-encode-${side}-420`, "img/s", ours420, "jpeg-js JPEGEncoder reused (q90, 4:4:4)", reused);
}
