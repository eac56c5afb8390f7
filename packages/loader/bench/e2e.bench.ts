// End-to-end loader benches over the real chunk engine (FileStore, and S3 on loopback), each against its ceiling
// measured in the same run, reps interleaved (the box is shared and noisy), medians reported. JSON lines on stdout.
//   node --import tsx packages/loader/bench/e2e.bench.ts
// Env: LOADER_E2E_JPEGS (2000), LOADER_E2E_RAW (10000), LOADER_E2E_LZ4 (2000), LOADER_E2E_LABELS (1000000),
//      LOADER_E2E_S3_RAW (1000), LOADER_E2E_S3_JPEGS (500), LOADER_E2E_S3_THREADS (numThreads on S3, 4),
//      LOADER_E2E_REPS (3), LOADER_E2E_ONLY (comma list: jpeg,raw,lz4,labels,s3), PERF_TMP (scratch dir).
// @shoal/chunks, @shoal/storage and @shoal/testing are workspace packages imported by name here only: the loader
// itself depends on none of them.
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import jpeg from "jpeg-js";
import { type NDArray, type TensorColumn, type TensorSource, ndarray } from "@shoal/core";
import { getSampleCodec, lz4BlockBound, lz4CompressBlock, lz4DecompressBlock } from "@shoal/codecs";
import { type DatasetEngine, createDatasetEngine, openDatasetEngine } from "@shoal/chunks";
import { FileStore } from "@shoal/storage/fs";
import { S3Store } from "@shoal/storage/s3";
import type { Store } from "@shoal/storage";
import { startS3Server } from "@shoal/testing/node";
import { dataloader } from "../src/index.ts";

const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const JPEGS = num("LOADER_E2E_JPEGS", 2000);
const RAW = num("LOADER_E2E_RAW", 10_000);
const LZ4 = num("LOADER_E2E_LZ4", 2000);
const LABELS = num("LOADER_E2E_LABELS", 1_000_000);
const S3_RAW = num("LOADER_E2E_S3_RAW", 1000);
const S3_JPEGS = num("LOADER_E2E_S3_JPEGS", 500);
const S3_THREADS = num("LOADER_E2E_S3_THREADS", 4);
const REPS = num("LOADER_E2E_REPS", 3);
const ONLY = new Set((process.env.LOADER_E2E_ONLY ?? "jpeg,raw,lz4,labels,s3").split(","));
const ROOT = join(process.env.PERF_TMP ?? tmpdir(), `shoal-loader-e2e-${process.pid}`);
const S = 224 * 224 * 3;
const CHUNK = 16 * 1024 * 1024;
const PER = Math.floor(CHUNK / S);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
function emit(bench: string, metric: string, ours: number[], baseline: string, base: number[], extra: Record<string, unknown> = {}): void {
  const value = median(ours);
  const baselineValue = median(base);
  console.log(JSON.stringify({ bench, metric, value: Math.round(value), baseline, baselineValue: Math.round(baselineValue), ratio: +(value / baselineValue).toFixed(3), ...extra }));
}
const rate = async (n: number, fn: () => Promise<unknown> | unknown): Promise<number> => {
  const t0 = performance.now();
  await fn();
  return n / ((performance.now() - t0) / 1000);
};
function shuffled(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}
async function epoch(loader: AsyncIterable<unknown>, key: string): Promise<number> {
  let n = 0;
  for await (const b of loader) n += ((b as Record<string, NDArray>)[key]!).shape[0]!;
  return n;
}

/** The dataset as a source without `readManyInto`: the loader's previous path (readMany, then a copy into the batch). */
function readManyOnly(ds: TensorSource): TensorSource {
  return {
    length: ds.length,
    tensorNames: () => ds.tensorNames(),
    tensor(name: string): TensorColumn {
      const col = ds.tensor(name);
      return {
        meta: col.meta,
        length: col.length,
        read: col.read.bind(col),
        readMany: col.readMany.bind(col),
        shape: col.shape.bind(col),
        column: col.column?.bind(col),
        chunkIds: col.chunkIds?.bind(col),
        readBytes: col.readBytes?.bind(col),
        readBytesMany: col.readBytesMany?.bind(col),
      };
    },
  };
}

/** Image-like pixels (gradients, bars, a little noise): ~20 KB per 256² JPEG at q90, as in the perf notes. */
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
/** 224²×3 raw sample i (64 distinct patterns). */
function rawSample(i: number): Uint8Array {
  const out = new Uint8Array(S);
  const k = i & 63;
  for (let p = 0; p < S; p++) out[p] = ((p % 672) / 3 + k * 5 + ((p * 2654435761) >>> 29)) & 0xff;
  return out;
}

async function jpegFiles(n: number): Promise<Uint8Array[]> {
  const codec = await getSampleCodec("jpeg");
  const distinct = Array.from({ length: 64 }, (_, i) => codec.encode!(imageLike(256, i + 1), { quality: 90 }));
  return Array.from({ length: n }, (_, i) => distinct[i % distinct.length]!);
}

async function writeJpegDataset(store: Store, files: Uint8Array[]): Promise<DatasetEngine> {
  const ds = await createDatasetEngine(store);
  const t = await ds.createTensor("images", { htype: "image", dtype: "uint8", sampleCompression: "jpeg" });
  for (let i = 0; i < files.length; i += 256) {
    await t.extend(files.slice(i, i + 256).map((bytes) => ({ kind: "compressed" as const, bytes, compression: "jpeg", shape: [256, 256, 3] })));
  }
  await ds.flush();
  return ds;
}

async function writeRawDataset(store: Store, n: number, chunkCompression: string | null): Promise<DatasetEngine> {
  const ds = await createDatasetEngine(store);
  const t = await ds.createTensor("images", { dtype: "uint8", chunkCompression });
  const pool = Array.from({ length: 64 }, (_, k) => rawSample(k));
  for (let i = 0; i < n; i += 64) {
    const m = Math.min(64, n - i);
    const block = new Uint8Array(m * S);
    for (let k = 0; k < m; k++) block.set(pool[(i + k) & 63]!, k * S);
    await t.extendBatch(ndarray("uint8", [m, 224, 224, 3], block));
  }
  await ds.flush();
  return ds;
}

/** 2-worker (or k-worker) compute-only decode ceiling: each worker decodes `perWorker` images in a tight loop. */
function workerCeiling(files: Uint8Array[], workers: number, perWorker: number): Promise<number> {
  const distinct = files.slice(0, 64);
  return Promise.all(
    Array.from({ length: workers }, () => new Promise<number>((ok, fail) => {
      const w = new Worker(new URL("./jpeg-ceiling-worker.mjs", import.meta.url), { workerData: { files: distinct, rounds: Math.ceil(perWorker / distinct.length) } });
      w.on("message", (m: { n: number; seconds: number }) => {
        ok(m.n / m.seconds);
        void w.terminate();
      });
      w.on("error", fail);
    })),
  ).then((xs) => xs.reduce((a, b) => a + b, 0));
}

async function benchJpeg(): Promise<void> {
  const files = await jpegFiles(JPEGS);
  const dir = join(ROOT, "jpeg");
  await writeJpegDataset(new FileStore(join(dir, "ds")), files);
  mkdirSync(join(dir, "folder"), { recursive: true });
  files.forEach((f, i) => writeFileSync(join(dir, "folder", `${i}.jpg`), f));
  const ds = await openDatasetEngine(new FileStore(join(dir, "ds")));
  const probe = Math.min(JPEGS, 800);
  for (const f of files.slice(0, 64)) jpeg.decode(f, { useTArray: true, formatAsRGBA: false }); // JIT warm-up
  const loaders = new Map([1, 2, 3].map((w) => [`${w}w`, dataloader(ds).batch(64).numpy({ numWorkers: w, tensors: ["images"], persistentWorkers: true })]));
  loaders.set("2w-shuffle", dataloader(ds).batch(64).shuffle({ seed: 1, bufferSizeMB: 64 }).numpy({ numWorkers: 2, tensors: ["images"], persistentWorkers: true }));
  for (const l of loaders.values()) await epoch(l, "images"); // worker start and JIT warm-up
  const r: Record<string, number[]> = { one: [], two: [], folder: [] };
  for (const k of loaders.keys()) r[k] = [];
  for (let rep = 0; rep < REPS; rep++) {
    r.one!.push(await rate(probe, () => { for (let i = 0; i < probe; i++) jpeg.decode(files[i]!, { useTArray: true, formatAsRGBA: false }); }));
    r.two!.push(await workerCeiling(files, 2, probe >> 1));
    r.folder!.push(await rate(probe, async () => {
      const batch = new Uint8Array(64 * 256 * 256 * 3);
      for (let i = 0; i < probe; i++) {
        const img = jpeg.decode(await readFile(join(dir, "folder", `${i}.jpg`)), { useTArray: true, formatAsRGBA: false });
        batch.set(img.data, (i % 64) * 256 * 256 * 3);
      }
    }));
    for (const [k, l] of loaders) r[k]!.push(await rate(JPEGS, () => epoch(l, "images")));
  }
  for (const l of loaders.values()) l.close();
  const extra = { images: JPEGS, size: "256x256", batch: 64 };
  emit("loader-e2e-jpeg-1w", "images/s", r["1w"]!, "jpeg-js tight loop, 1 core", r.one!, { ...extra, goal: 0.9 });
  emit("loader-e2e-jpeg-2w", "images/s", r["2w"]!, "jpeg-js tight loop, 2 workers", r.two!, { ...extra, goal: 0.85 });
  emit("loader-e2e-jpeg-3w", "images/s", r["3w"]!, "loader, 2 workers", r["2w"]!, { ...extra, goal: 1 });
  emit("loader-e2e-jpeg-2w-shuffle", "images/s", r["2w-shuffle"]!, "loader, 2 workers, no shuffle", r["2w"]!, { ...extra, goal: 0.9 });
  emit("loader-e2e-jpeg-vs-imagefolder", "images/s", r["1w"]!, "ImageFolder: fs.readFile + jpeg-js, 1 core", r.folder!, extra);
  emit("loader-e2e-jpeg-2w-vs-imagefolder", "images/s", r["2w"]!, "ImageFolder: fs.readFile + jpeg-js, 1 core", r.folder!, extra);
}

/** k_rawloop: chunk files read into a reused buffer (shuffled chunk order), rows shuffled, copied into a reused batch. */
function rawCeiling(dir: string, n: number, codec: "none" | "lz4"): () => number {
  mkdirSync(dir, { recursive: true });
  const chunks: { fd: number; len: number; rows: number }[] = [];
  const block = new Uint8Array(PER * S);
  const comp = new Uint8Array(lz4BlockBound(PER * S));
  for (let c = 0; c * PER < n; c++) {
    const rows = Math.min(PER, n - c * PER);
    for (let k = 0; k < rows; k++) block.set(rawSample(c * PER + k), k * S);
    let blob = block.subarray(0, rows * S);
    if (codec === "lz4") blob = comp.subarray(0, lz4CompressBlock(blob, comp));
    const file = join(dir, `chunk_${c}`);
    writeFileSync(file, blob);
    chunks.push({ fd: openSync(file, "r"), len: blob.length, rows });
  }
  process.on("exit", () => chunks.forEach((c) => closeSync(c.fd)));
  const raw = new Uint8Array(PER * S);
  const cbuf = new Uint8Array(lz4BlockBound(PER * S));
  const batch = new Uint8Array(32 * S);
  return () => {
    const t0 = performance.now();
    let inb = 0;
    for (const c of shuffled(chunks.length)) {
      const ch = chunks[c]!;
      if (codec === "none") readSync(ch.fd, raw, 0, ch.len, 0);
      else {
        readSync(ch.fd, cbuf, 0, ch.len, 0);
        lz4DecompressBlock(cbuf, 0, ch.len, raw, 0, ch.rows * S);
      }
      for (const i of shuffled(ch.rows)) {
        batch.set(raw.subarray(i * S, i * S + S), inb * S);
        if (++inb === 32) inb = 0;
      }
    }
    return n / ((performance.now() - t0) / 1000);
  };
}

/**
 * The engine alone: every chunk's rows copied with one `readManyInto` into a reused buffer, chunks in shuffled order.
 * What the loader can reach over this engine; the gap from here to k_rawloop is the engine's.
 */
async function engineCeiling(ds: DatasetEngine, n: number): Promise<() => Promise<number>> {
  const col = ds.tensor("images");
  const ids = await col.chunkIds!();
  const runs = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    let run = runs.get(ids[i]!);
    if (!run) runs.set(ids[i]!, (run = []));
    run.push(i);
  }
  const list = [...runs.values()];
  const scratch = new Uint8Array(Math.max(...list.map((r) => r.length)) * S);
  return async () => {
    const t0 = performance.now();
    for (const c of shuffled(list.length)) await col.readManyInto!(list[c]!, scratch);
    return n / ((performance.now() - t0) / 1000);
  };
}

async function benchRaw(codec: "none" | "lz4"): Promise<void> {
  const n = codec === "none" ? RAW : LZ4;
  const dir = join(ROOT, `raw-${codec}`);
  await writeRawDataset(new FileStore(join(dir, "ds")), n, codec === "none" ? null : "lz4");
  const ceiling = rawCeiling(join(dir, "flat"), n, codec);
  // The engine's decoded-chunk LRU would hold a small lz4 dataset whole; keep it below the dataset so every epoch
  // decodes its chunks, as the ceiling does.
  const ds = await openDatasetEngine(new FileStore(join(dir, "ds")), codec === "lz4" ? { cacheBytes: 2 * CHUNK } : {});
  const make = (src: TensorSource, reuseBatches: boolean) => dataloader(src).batch(32).shuffle({ seed: 4, bufferSizeMB: 64 }).numpy({ tensors: ["images"], reuseBatches });
  const fresh = make(ds, false);
  const reused = make(ds, true);
  const old = make(readManyOnly(ds), true);
  const engine = await engineCeiling(ds, n);
  ceiling();
  await engine();
  await epoch(fresh, "images");
  await epoch(reused, "images");
  await epoch(old, "images");
  const r = { base: [] as number[], fresh: [] as number[], reused: [] as number[], old: [] as number[], engine: [] as number[] };
  for (let rep = 0; rep < REPS; rep++) {
    r.base.push(ceiling());
    r.engine.push(await engine());
    r.reused.push(await rate(n, () => epoch(reused, "images")));
    r.fresh.push(await rate(n, () => epoch(fresh, "images")));
    r.old.push(await rate(n, () => epoch(old, "images")));
  }
  const name = codec === "none" ? "raw224" : "raw224-lz4";
  const base = codec === "none" ? "k_rawloop warm (readSync + set into reused batch)" : "k_rawloop lz4 (readSync + lz4 block decode + set)";
  const extra = { samples: n, batch: 32, shuffle: "seed, 64 MB buffer", goal: codec === "none" ? 0.5 : 0.8 };
  emit(`loader-e2e-${name}-reuse`, "samples/s", r.reused, base, r.base, { ...extra, reuseBatches: true });
  emit(`loader-e2e-${name}`, "samples/s", r.fresh, base, r.base, { ...extra, reuseBatches: false });
  emit(`loader-e2e-${name}-readMany-reuse`, "samples/s", r.old, base, r.base, { ...extra, reuseBatches: true, path: "readMany + copy (no readManyInto)" });
  emit(`loader-e2e-${name}-reuse-vs-engine`, "samples/s", r.reused, "engine readManyInto of whole chunks (shuffled order) into a reused buffer", r.engine, { ...extra, reuseBatches: true });
  emit(`loader-e2e-${name}-engine-vs-ceiling`, "samples/s", r.engine, base, r.base, { samples: n });
}

async function benchLabels(): Promise<void> {
  const labels = new Uint32Array(LABELS);
  for (let i = 0; i < LABELS; i++) labels[i] = i % 1000;
  const dir = join(ROOT, "labels");
  {
    const ds = await createDatasetEngine(new FileStore(dir));
    const t = await ds.createTensor("labels", { htype: "class_label", dtype: "uint32" });
    await t.extendBatch(ndarray("uint32", [LABELS], labels));
    await ds.flush();
  }
  const ds = await openDatasetEngine(new FileStore(dir));
  const loaders = { fresh: dataloader(ds).batch(256).shuffle({ seed: 3 }).numpy(), reused: dataloader(ds).batch(256).shuffle({ seed: 3 }).numpy({ reuseBatches: true }) };
  const gather = (): number => {
    const t0 = performance.now();
    const perm = shuffled(LABELS);
    let sink = 0;
    for (let s = 0; s < LABELS; s += 256) {
      const batch = new Uint32Array(Math.min(256, LABELS - s));
      for (let j = 0; j < batch.length; j++) batch[j] = labels[perm[s + j]!]!;
      sink += batch[0]!;
    }
    return LABELS / ((performance.now() - t0) / 1000) + sink * 0;
  };
  for (let w = 0; w < 3; w++) {
    gather();
    await epoch(loaders.fresh, "labels");
    await epoch(loaders.reused, "labels");
  }
  const r = { base: [] as number[], fresh: [] as number[], reused: [] as number[] };
  for (let rep = 0; rep < REPS + 2; rep++) {
    r.base.push(gather());
    r.fresh.push(await rate(LABELS, () => epoch(loaders.fresh, "labels")));
    r.reused.push(await rate(LABELS, () => epoch(loaders.reused, "labels")));
  }
  const extra = { samples: LABELS, batch: 256, goalValue: 10_000_000 };
  emit("loader-e2e-labels-shuffled", "samples/s", r.fresh, "shuffled gather into 256 batches", r.base, extra);
  emit("loader-e2e-labels-shuffled-reuse", "samples/s", r.reused, "shuffled gather into 256 batches", r.base, { ...extra, reuseBatches: true });
}

async function copyStore(from: Store, to: Store): Promise<void> {
  for await (const key of from.list("")) await to.set(key, (await from.get(key))!);
}

/**
 * What the server can serve at all: plain unsigned `fetch` GETs of the loaded tensor's chunk objects (whole), `threads`
 * at a time as the loader's look-ahead, no loader and no signing, in samples/s of the dataset (and MB/s).
 */
async function serverCeiling(endpoint: string, bucket: string, prefix: string, keys: string[], threads: number, samples: number): Promise<{ samplesPerSec: number; mbPerSec: number }> {
  const t0 = performance.now();
  let next = 0;
  let bytes = 0;
  await Promise.all(Array.from({ length: Math.min(threads, keys.length) }, async () => {
    while (next < keys.length) {
      const res = await fetch(`${endpoint}/${bucket}/${prefix}/${keys[next++]!}`);
      if (res.status !== 200) throw new Error(`server ceiling: GET answered ${res.status}`);
      const body = await res.arrayBuffer();
      bytes += body.byteLength;
    }
  }));
  const s = (performance.now() - t0) / 1000;
  return { samplesPerSec: samples / s, mbPerSec: bytes / s / 1e6 };
}

async function benchS3(): Promise<void> {
  const server = await startS3Server({ bucket: "loader-bench" });
  try {
    let gets = 0;
    const counting: typeof fetch = (input, init) => {
      if ((init?.method ?? "GET") === "GET") gets++;
      return fetch(input, init);
    };
    const s3 = (prefix: string) => new S3Store({ bucket: server.bucket, prefix, endpoint: server.endpoint, credentials: server.credentials, region: "us-east-1", fetch: counting });
    const rawDir = join(ROOT, "s3-raw");
    await writeRawDataset(new FileStore(rawDir), S3_RAW, null);
    await copyStore(new FileStore(rawDir), s3("raw"));
    const jpegDir = join(ROOT, "s3-jpeg");
    await writeJpegDataset(new FileStore(jpegDir), await jpegFiles(S3_JPEGS));
    await copyStore(new FileStore(jpegDir), s3("jpeg"));
    const shuffledRaw = (extra: Record<string, unknown>) => (ds: DatasetEngine) =>
      dataloader(ds).batch(32).shuffle({ seed: 5, bufferSizeMB: 64 }).numpy({ tensors: ["images"], reuseBatches: true, numThreads: S3_THREADS, ...extra });
    const cases = [
      // Defaults: batch reads on FileStore, runs read ahead (one request per chunk) on S3.
      { name: "raw224", n: S3_RAW, dir: rawDir, prefix: "raw", make: shuffledRaw({}) },
      { name: "raw224-batchReads", n: S3_RAW, dir: rawDir, prefix: "raw", make: shuffledRaw({ batchReads: true }) },
      { name: "jpeg-2w", n: S3_JPEGS, dir: jpegDir, prefix: "jpeg", make: (ds: DatasetEngine) => dataloader(ds).batch(64).numpy({ numWorkers: 2, tensors: ["images"], persistentWorkers: true, numThreads: S3_THREADS }) },
    ];
    for (const c of cases) {
      const local = c.make(await openDatasetEngine(new FileStore(c.dir)));
      const remote = c.make(await openDatasetEngine(s3(c.prefix)));
      const chunkKeys: string[] = [];
      for await (const k of s3(c.prefix).list("")) if (k.startsWith("tensors/images/chunks/")) chunkKeys.push(k);
      await epoch(local, "images");
      await epoch(remote, "images");
      await serverCeiling(server.endpoint, server.bucket, c.prefix, chunkKeys, S3_THREADS, c.n);
      const r = { local: [] as number[], remote: [] as number[], served: [] as number[], mb: [] as number[] };
      let requests = 0;
      for (let rep = 0; rep < REPS; rep++) {
        r.local.push(await rate(c.n, () => epoch(local, "images")));
        const ceiling = await serverCeiling(server.endpoint, server.bucket, c.prefix, chunkKeys, S3_THREADS, c.n);
        r.served.push(ceiling.samplesPerSec);
        r.mb.push(ceiling.mbPerSec);
        const before = gets;
        r.remote.push(await rate(c.n, () => epoch(remote, "images")));
        requests = gets - before;
      }
      local.close();
      remote.close();
      const extra = { samples: c.n, numThreads: S3_THREADS, getRequestsPerEpoch: requests, chunkObjects: chunkKeys.length };
      emit(`loader-e2e-s3-${c.name}`, "samples/s", r.remote, "same loader on FileStore", r.local, { ...extra, goal: 0.85 });
      emit(`loader-e2e-s3-${c.name}-vs-server`, "samples/s", r.remote, `plain fetch GETs of the chunk objects, ${S3_THREADS} at a time (server bound)`, r.served, { ...extra, serverMBps: Math.round(median(r.mb)) });
    }
  } finally {
    await server.stop();
  }
}

try {
  if (ONLY.has("labels")) await benchLabels();
  if (ONLY.has("raw")) await benchRaw("none");
  if (ONLY.has("lz4")) await benchRaw("lz4");
  if (ONLY.has("jpeg")) await benchJpeg();
  if (ONLY.has("s3")) await benchS3();
} finally {
  rmSync(ROOT, { recursive: true, force: true });
}
