// Cost of the facade over the bare engine: the same samples ingested through `ds.extend` (every sample validated by
// @shoal/htypes, atomic across tensors) and through `DatasetEngine.extend`, on MemoryStore. Sizes: SHOAL_BENCH_N.
import { createDatasetEngine } from "@shoal/chunks";
import { getSampleCodec } from "@shoal/codecs";
import { ndarray } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { empty, read } from "../src/index.ts";

const n = Number(process.env.SHOAL_BENCH_N ?? 5000);
const reps = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Times `a` and `b` interleaved after one warm-up run each (JIT and codec loading would otherwise favour the second). */
async function timePair(a: () => Promise<void>, b: () => Promise<void>): Promise<[number, number]> {
  await a();
  await b();
  const ta: number[] = [];
  const tb: number[] = [];
  for (let r = 0; r < reps; r++) {
    let t0 = performance.now();
    await a();
    ta.push(performance.now() - t0);
    t0 = performance.now();
    await b();
    tb.push(performance.now() - t0);
  }
  return [median(ta), median(tb)];
}

const raw = Array.from({ length: n }, (_, i) => ndarray("uint8", [64, 64, 3], new Uint8Array(64 * 64 * 3).fill(i & 0xff)));
const mb = (n * 64 * 64 * 3) / 1e6;
const [shoalRaw, engineRaw] = await timePair(async () => {
  const ds = await empty(new MemoryStore(), { lockEnabled: false });
  await ds.createTensor("x", { htype: "image", sampleCompression: null, dtype: "uint8" });
  await ds.extend({ x: raw });
  await ds.flush();
}, async () => {
  const e = await createDatasetEngine(new MemoryStore());
  await e.createTensor("x", { htype: "image", dtype: "uint8" });
  await e.extend({ x: raw });
  await e.flush();
});
console.log(JSON.stringify({ bench: "facade-extend-raw-64x64x3", metric: "MB/s", value: +(mb / (shoalRaw / 1000)).toFixed(1), baseline: "DatasetEngine.extend", baselineValue: +(mb / (engineRaw / 1000)).toFixed(1), ratio: +(engineRaw / shoalRaw).toFixed(2) }));

const png = await getSampleCodec("png");
const files = Array.from({ length: n }, (_, i) => png.encode!(ndarray("uint8", [32, 32, 3], new Uint8Array(32 * 32 * 3).fill(i & 0xff))));
const [shoalPng, enginePng] = await timePair(async () => {
  const ds = await empty(new MemoryStore(), { lockEnabled: false });
  await ds.createTensor("x", { htype: "image", sampleCompression: "png" });
  await ds.extend({ x: files.map((f) => read(f)) });
  await ds.flush();
}, async () => {
  const e = await createDatasetEngine(new MemoryStore());
  await e.createTensor("x", { htype: "image", dtype: "uint8", sampleCompression: "png" });
  await e.extend({ x: files.map((bytes) => ({ kind: "compressed", bytes, compression: "png", shape: [32, 32, 3], dtype: "uint8" })) });
  await e.flush();
});
console.log(JSON.stringify({ bench: "facade-extend-png-passthrough", metric: "files/s", value: Math.round(n / (shoalPng / 1000)), baseline: "DatasetEngine.extend (shape given)", baselineValue: Math.round(n / (enginePng / 1000)), ratio: +(enginePng / shoalPng).toFixed(2) }));

// JPEG passthrough: @shoal/htypes reads the header and walks the marker segments (structure check), no decode.
const jpeg = await getSampleCodec("jpeg");
const jpegs = Array.from({ length: n }, (_, i) => {
  const px = new Uint8Array(96 * 96 * 3);
  for (let k = 0; k < px.length; k++) px[k] = (k * 7 + i * 13) & 0xff;
  return jpeg.encode!(ndarray("uint8", [96, 96, 3], px));
});
const [shoalJpeg, engineJpeg] = await timePair(async () => {
  const ds = await empty(new MemoryStore(), { lockEnabled: false });
  await ds.createTensor("x", { htype: "image", sampleCompression: "jpeg" });
  await ds.extend({ x: jpegs.map((f) => read(f)) });
  await ds.flush();
}, async () => {
  const e = await createDatasetEngine(new MemoryStore());
  await e.createTensor("x", { htype: "image", dtype: "uint8", sampleCompression: "jpeg" });
  await e.extend({ x: jpegs.map((bytes) => ({ kind: "compressed", bytes, compression: "jpeg", shape: [96, 96, 3], dtype: "uint8" })) });
  await e.flush();
});
console.log(JSON.stringify({ bench: "facade-extend-jpeg-passthrough", metric: "files/s", value: Math.round(n / (shoalJpeg / 1000)), baseline: "DatasetEngine.extend (shape given)", baselineValue: Math.round(n / (engineJpeg / 1000)), ratio: +(engineJpeg / shoalJpeg).toFixed(2) }));
