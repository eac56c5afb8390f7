// Loader throughput vs ceilings measured in the same run (JSON lines on stdout).
//   node --import tsx packages/loader/bench/loader.bench.ts
// Env: LOADER_BENCH_JPEGS (2000), LOADER_BENCH_LABELS (1000000), LOADER_BENCH_RAW (1000), LOADER_BENCH_REPS (3).
import { Worker } from "node:worker_threads";
import jpeg from "jpeg-js";
import { type NDArray, ndarray } from "@shoal/core";
import { getSampleCodec } from "@shoal/codecs";
import { type ColumnMeta, MemorySource, type SampleValue, type TensorColumn, type TensorSource } from "@shoal/views";
import { dataloader } from "../src/index.ts";

const JPEGS = Number(process.env.LOADER_BENCH_JPEGS ?? 2000);
const LABELS = Number(process.env.LOADER_BENCH_LABELS ?? 1_000_000);
const RAW = Number(process.env.LOADER_BENCH_RAW ?? 1000);
const REPS = Number(process.env.LOADER_BENCH_REPS ?? 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
function emit(bench: string, metric: string, value: number, baseline: string, baselineValue: number, extra: Record<string, unknown> = {}) {
  console.log(JSON.stringify({ bench, metric, value: Math.round(value), baseline, baselineValue: Math.round(baselineValue), ratio: Number((value / baselineValue).toFixed(3)), ...extra }));
}

/** Image-like pixels (gradients + noise), so JPEG sizes match the perf notes (~20 KB at 256², q90). */
function imageLike(size: number, seed: number): NDArray {
  const a = ndarray("uint8", [size, size, 3]);
  const d = a.data as Uint8Array;
  let s = seed * 2654435761;
  for (let y = 0, i = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++, i++) {
        s = (s * 1103515245 + 12345) >>> 0;
        d[i] = Math.max(0, Math.min(255, ((x + seed) * (c + 1) + y * 2) % 256 + ((s >>> 24) % 16) - 8));
      }
    }
  }
  return a;
}

class BytesColumn implements TensorColumn {
  readonly meta: ColumnMeta = { name: "images", htype: "image", dtype: "uint8", sampleCompression: "jpeg", minShape: [256, 256, 3], maxShape: [256, 256, 3] };
  readonly length: number;
  readonly #files: Uint8Array[];
  constructor(files: Uint8Array[]) {
    this.#files = files;
    this.length = files.length;
  }
  async read(i: number): Promise<SampleValue> {
    return (await getSampleCodec("jpeg")).decode(this.#files[i]!);
  }
  async readMany(ix: ArrayLike<number>): Promise<SampleValue[]> {
    const codec = await getSampleCodec("jpeg");
    return Array.from(ix as ArrayLike<number>, (i) => codec.decode(this.#files[i]!));
  }
  async shape(): Promise<readonly number[]> {
    return [256, 256, 3];
  }
  async readBytes(i: number) {
    return { bytes: this.#files[i]!, compression: "jpeg" };
  }
  async chunkIds(): Promise<Uint32Array> {
    return Uint32Array.from({ length: this.length }, (_, i) => Math.floor(i / 512));
  }
}

async function epochRate(loader: AsyncIterable<unknown>, key: string): Promise<number> {
  const t0 = performance.now();
  let n = 0;
  for await (const b of loader) n += ((b as Record<string, NDArray>)[key]!).shape[0]!;
  return n / ((performance.now() - t0) / 1000);
}

async function benchJpeg(): Promise<void> {
  const codec = await getSampleCodec("jpeg");
  const distinct = Array.from({ length: 32 }, (_, i) => codec.encode!(imageLike(256, i + 1), { quality: 90 }));
  const files = Array.from({ length: JPEGS }, (_, i) => distinct[i % distinct.length]!);
  const src: TensorSource = { length: JPEGS, tensorNames: () => ["images"], tensor: () => new BytesColumn(files) };
  // Ceiling (a): the same bytes decoded with jpeg-js in a tight loop on this thread.
  const one: number[] = [];
  for (const f of files.slice(0, 64)) jpeg.decode(f, { useTArray: true, formatAsRGBA: false }); // JIT warm-up
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    for (const f of files.slice(0, Math.min(JPEGS, 600))) jpeg.decode(f, { useTArray: true, formatAsRGBA: false });
    one.push(Math.min(JPEGS, 600) / ((performance.now() - t0) / 1000));
  }
  // Ceiling (b): two worker_threads decoding in a tight loop (compute only).
  const two: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const half = files.slice(0, Math.min(JPEGS, 600) >> 1);
    const rates = await Promise.all([0, 1].map(() => new Promise<number>((ok, fail) => {
      const w = new Worker(new URL("./jpeg-ceiling-worker.mjs", import.meta.url), { workerData: { files: half, rounds: 1 } });
      w.on("message", (m: { n: number; seconds: number }) => { ok(m.n / m.seconds); void w.terminate(); });
      w.on("error", fail);
    })));
    two.push(rates[0]! + rates[1]!);
  }
  for (const workers of [1, 2]) {
    const loader = dataloader(src).batch(64).numpy({ numWorkers: workers, persistentWorkers: true });
    await epochRate(loader, "images"); // warm-up epoch: worker start and JIT
    const xs: number[] = [];
    for (let r = 0; r < REPS; r++) xs.push(await epochRate(loader, "images"));
    loader.close();
    emit(`loader-jpeg256-${workers}w`, "images/s", median(xs), workers === 1 ? "jpeg-js tight loop, 1 core" : "jpeg-js tight loop, 2 workers", median(workers === 1 ? one : two), { images: JPEGS });
  }
  const shuffled = dataloader(src).batch(64).shuffle({ seed: 1, bufferSizeMB: 64 }).numpy({ numWorkers: 2, persistentWorkers: true });
  await epochRate(shuffled, "images");
  const xs: number[] = [];
  for (let r = 0; r < REPS; r++) xs.push(await epochRate(shuffled, "images"));
  shuffled.close();
  emit("loader-jpeg256-2w-shuffle", "images/s", median(xs), "jpeg-js tight loop, 2 workers", median(two), { images: JPEGS });
}

async function benchLabels(): Promise<void> {
  const labels = new Uint32Array(LABELS);
  for (let i = 0; i < LABELS; i++) labels[i] = i % 1000;
  const src = new MemorySource({ labels: { samples: ndarray("uint32", [LABELS, 1], labels) } }, { chunkSize: 4 << 20 });
  // Ceiling: a seeded permutation gathered into 256-sample typed-array batches (the perf notes' "shuffled gather").
  const base: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    const perm = new Uint32Array(LABELS);
    for (let i = 0; i < LABELS; i++) perm[i] = i;
    for (let i = LABELS - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    let sink = 0;
    for (let s = 0; s < LABELS; s += 256) {
      const batch = new Uint32Array(Math.min(256, LABELS - s));
      for (let j = 0; j < batch.length; j++) batch[j] = labels[perm[s + j]!]!;
      sink += batch[0]!;
    }
    base.push(LABELS / ((performance.now() - t0) / 1000) + sink * 0);
  }
  const loader = dataloader(src).batch(256).shuffle({ seed: 3 }).numpy();
  for (let w = 0; w < 3; w++) await epochRate(loader, "labels"); // JIT warm-up
  const xs: number[] = [];
  for (let r = 0; r < REPS + 2; r++) xs.push(await epochRate(loader, "labels"));
  emit("loader-labels-shuffled", "samples/s", median(xs), "shuffled gather into 256 batches", median(base), { samples: LABELS, goal: 10_000_000 });
}

async function benchRaw(): Promise<void> {
  const S = 224 * 224 * 3;
  const data = new Uint8Array(RAW * S);
  for (let i = 0; i < data.length; i += 4096) data[i] = i & 255;
  const perChunk = Math.floor((16 << 20) / S);
  const src = new MemorySource({ images: { samples: ndarray("uint8", [RAW, 224, 224, 3], data) } }, { chunkSize: perChunk });
  // Ceiling (k_rawloop, warm): shuffled chunk order, shuffled rows inside a chunk, copied into a batch buffer of 32.
  const base: number[] = [];
  const chunks = Math.ceil(RAW / perChunk);
  for (let r = 0; r < REPS; r++) {
    const batch = new Uint8Array(32 * S);
    const t0 = performance.now();
    let inb = 0;
    const order = Array.from({ length: chunks }, (_, c) => c).sort(() => Math.random() - 0.5);
    for (const c of order) {
      const rows = Array.from({ length: Math.min(perChunk, RAW - c * perChunk) }, (_, i) => c * perChunk + i).sort(() => Math.random() - 0.5);
      for (const i of rows) {
        batch.set(data.subarray(i * S, i * S + S), inb * S);
        if (++inb === 32) inb = 0;
      }
    }
    base.push(RAW / ((performance.now() - t0) / 1000));
  }
  const loader = dataloader(src).batch(32).shuffle({ seed: 4, bufferSizeMB: 64 }).numpy();
  await epochRate(loader, "images");
  const xs: number[] = [];
  for (let r = 0; r < REPS; r++) xs.push(await epochRate(loader, "images"));
  emit("loader-raw224-shuffled", "samples/s", median(xs), "k_rawloop-style warm loop", median(base), { samples: RAW });
}

await benchLabels();
await benchRaw();
await benchJpeg();
