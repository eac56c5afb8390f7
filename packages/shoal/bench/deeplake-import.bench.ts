// importDeepLake throughput against a read-only pass over the same Deep Lake source (the reader's storedBatches):
// the ratio is what writing, validating and committing the shoal copy costs on top of reading. The source is a
// SYNTHETIC Deep Lake layout in memory (the builder of @shoal/deeplake-compat's tests): png images in chunks of
// 100 plus class labels. Sizes: SHOAL_BENCH_N (default 2000 images).
import { getSampleCodec } from "@shoal/codecs";
import { ndarray } from "@shoal/core";
import { openDeepLake as openDeepLakeStore } from "@shoal/deeplake-compat";
import { MemoryStore } from "@shoal/storage";
import { FIRST, chunk, chunkIds, writeDatasetMeta, writeTensor } from "@shoal/testing";
import { importDeepLake } from "../src/index.ts";

const n = Number(process.env.SHOAL_BENCH_N ?? 2000);
const perChunk = 100;
const reps = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const png = await getSampleCodec("png");
// Noisy pixels, so the files have a realistic size (a few KB) rather than compressing to nothing.
let seed = 12345;
const noise = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
const files = Array.from({ length: n }, () => png.encode!(ndarray("uint8", [32, 32, 3], Uint8Array.from({ length: 32 * 32 * 3 }, noise))));
const source = new MemoryStore();
const rows = (count: number): [bigint, number][] => Array.from({ length: Math.ceil(count / perChunk) }, (_, r) => [BigInt(r + 1), Math.min(count, (r + 1) * perChunk) - 1]);
const chunksOf = <T>(items: T[], f: (x: T) => { bytes: Uint8Array; shape: number[] }) =>
  Object.fromEntries(rows(items.length).map(([id], r) => [id.toString(16), chunk(items.slice(r * perChunk, (r + 1) * perChunk).map(f))]));
await writeTensor(source, FIRST, {
  key: "images", htype: "image", dtype: "uint8", length: n, minShape: [32, 32, 3], maxShape: [32, 32, 3], sampleCompression: "png",
  ids: chunkIds(rows(n)), chunks: chunksOf(files, (bytes) => ({ bytes, shape: [32, 32, 3] })),
});
const labels = Array.from({ length: n }, (_, i) => i % 3);
await writeTensor(source, FIRST, {
  key: "labels", htype: "class_label", dtype: "uint32", length: n, minShape: [1], maxShape: [1], info: { class_names: ["a", "b", "c"] },
  ids: chunkIds(rows(n)), chunks: chunksOf(labels, (v) => ({ bytes: new Uint8Array(new Uint32Array([v]).buffer), shape: [1] })),
});
await writeDatasetMeta(source, FIRST, ["images", "labels"]);
const mb = files.reduce((s, f) => s + f.length, 0) / 1e6;

const runImport = async () => {
  const ds = await importDeepLake(source, new MemoryStore(), { lockEnabled: false });
  await ds.close();
};
const runRead = async () => {
  const dl = await openDeepLakeStore(source, { cacheBytes: 0 });
  for (const name of ["images", "labels"]) for await (const _ of dl.tensor(name).storedBatches()) void _;
};
await runImport();
await runRead();
const ti: number[] = [];
const tr: number[] = [];
for (let r = 0; r < reps; r++) {
  let t0 = performance.now();
  await runImport();
  ti.push(performance.now() - t0);
  t0 = performance.now();
  await runRead();
  tr.push(performance.now() - t0);
}
const [imp, rd] = [median(ti), median(tr)];
console.log(JSON.stringify({ bench: `deeplake-import-png-32x32x3-n${n}`, metric: "samples/s", value: Math.round(n / (imp / 1000)), baseline: "deeplake-compat storedBatches (read only)", baselineValue: Math.round(n / (rd / 1000)), ratio: +(rd / imp).toFixed(2) }));
console.log(JSON.stringify({ bench: `deeplake-import-png-32x32x3-n${n}`, metric: "MB/s", value: +(mb / (imp / 1000)).toFixed(1), baseline: "deeplake-compat storedBatches (read only)", baselineValue: +(mb / (rd / 1000)).toFixed(1), ratio: +(rd / imp).toFixed(2) }));
