/**
 * Ingest, random read and scan of the chunk engine against plain node:fs loops, in one run (JSON lines on stdout).
 * Sizes: SHOAL_BENCH_SAMPLES (224×224×3 samples ingested, default 6000; the figure is 20000),
 * SHOAL_BENCH_READS (random reads, default 3000), SHOAL_BENCH_LABELS (default 1e6), SHOAL_BENCH_REPS (default 3).
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ndarray } from "@shoal/core";
import { FileStore } from "@shoal/storage/fs";
import { DatasetEngine } from "../src/index.ts";

const N = Number(process.env.SHOAL_BENCH_SAMPLES ?? 6000);
const READS = Number(process.env.SHOAL_BENCH_READS ?? 3000);
const LABELS = Number(process.env.SHOAL_BENCH_LABELS ?? 1_000_000);
const REPS = Number(process.env.SHOAL_BENCH_REPS ?? 3);
const S = 224 * 224 * 3;
const CHUNK = 16_000_000;
const root = join(process.env.PERF_TMP ?? tmpdir(), `shoal-chunks-bench-${process.pid}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

// 64 distinct image-like samples (smooth gradients plus noise, like perf-scripts/lib.mjs imageLikeBuffer).
const pool = new Uint8Array(64 * S);
for (let k = 0; k < 64; k++) for (let i = 0; i < S; i++) pool[k * S + i] = ((i % 672) / 3 + k * 5 + ((i * 2654435761) >>> 29)) & 0xff;
const sample = (i: number) => pool.subarray((i & 63) * S, ((i & 63) + 1) * S);

function ceilingWrite(dir: string): { mbps: number; index: Uint32Array } {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const chunk = new Uint8Array(CHUNK);
  const index = new Uint32Array(N * 2);
  let used = 0;
  let n = 0;
  const t = performance.now();
  const flush = () => {
    writeFileSync(join(dir, `chunk_${n++}`), chunk.subarray(0, used));
    used = 0;
  };
  for (let i = 0; i < N; i++) {
    if (used + S > CHUNK) flush();
    chunk.set(sample(i), used);
    index[2 * i] = n;
    index[2 * i + 1] = used;
    used += S;
  }
  if (used) flush();
  writeFileSync(join(dir, "index"), index);
  return { mbps: (N * S) / 1e6 / ((performance.now() - t) / 1000), index };
}

async function shoalWrite(dir: string, chunkCompression: string | null, count = N): Promise<number> {
  rmSync(dir, { recursive: true, force: true });
  const t = performance.now();
  const ds = await DatasetEngine.create(new FileStore(dir));
  const images = await ds.createTensor("images", { dtype: "uint8", chunkCompression, maxChunkSize: CHUNK });
  const batch = 64;
  for (let i = 0; i < count; i += batch) {
    const rows = [];
    for (let j = i; j < Math.min(count, i + batch); j++) rows.push(ndarray("uint8", [224, 224, 3], sample(j)));
    await images.extend(rows);
  }
  await ds.flush();
  return (count * S) / 1e6 / ((performance.now() - t) / 1000);
}

const ceilDir = join(root, "ceiling");
const shoalDir = join(root, "shoal");
{
  const base: number[] = [];
  const ours: number[] = [];
  ceilingWrite(ceilDir);
  for (let r = 0; r < REPS; r++) {
    base.push(ceilingWrite(ceilDir).mbps);
    ours.push(await shoalWrite(shoalDir, null));
  }
  const v = median(ours);
  const b = median(base);
  emit({ bench: "chunks-ingest-raw-224x224x3", samples: N, metric: "MB/s", value: Math.round(v), baseline: "writeFileSync 16 MB chunk files (m_rawwrite)", baselineValue: Math.round(b), ratio: +(v / b).toFixed(2) });
}

// Random single-sample reads: shoal (uncompressed, lz4) vs pread of the same bytes from the ceiling's chunk files.
{
  const { index } = ceilingWrite(ceilDir);
  const order = Array.from({ length: READS }, (_, k) => (k * 2654435761) % N);
  const fds = new Map<number, number>();
  const buf = new Uint8Array(S);
  const pread = () => {
    const t = performance.now();
    for (const i of order) {
      const c = index[2 * i]!;
      let fd = fds.get(c);
      if (fd === undefined) fds.set(c, (fd = openSync(join(ceilDir, `chunk_${c}`), "r")));
      readSync(fd, buf, 0, S, index[2 * i + 1]!);
    }
    return READS / ((performance.now() - t) / 1000);
  };
  // The store's own cost for the same reads (a range get per sample), to separate engine from store overhead.
  const ceilStore = new FileStore(ceilDir);
  const storeGet = async () => {
    const t = performance.now();
    for (const i of order) await ceilStore.get(`chunk_${index[2 * i]}`, { range: { offset: index[2 * i + 1]!, length: S } });
    return READS / ((performance.now() - t) / 1000);
  };
  const lz4Dir = join(root, "shoal-lz4");
  const lz4Count = Math.min(N, 1500);
  await shoalWrite(lz4Dir, "lz4", lz4Count);
  const ds = await DatasetEngine.open(new FileStore(shoalDir));
  const lz4 = await DatasetEngine.open(new FileStore(lz4Dir), { cacheBytes: 64 << 20 });
  const shoalRead = async (d: DatasetEngine, limit: number, reads = READS) => {
    const t = d.tensor("images");
    d.clearCache();
    const start = performance.now();
    for (let k = 0; k < reads; k++) await t.read(order[k]! % limit);
    return reads / ((performance.now() - start) / 1000);
  };
  // lz4 chunks decode a whole 16 MB chunk per cache miss (~30 ms), so fewer reads keep the run short.
  const lz4Reads = Math.max(50, Math.floor(READS / 20));
  pread();
  await shoalRead(ds, N);
  const base: number[] = [];
  const raw: number[] = [];
  const packed: number[] = [];
  const gets: number[] = [];
  for (let r = 0; r < REPS; r++) {
    base.push(pread());
    gets.push(await storeGet());
    raw.push(await shoalRead(ds, N));
    packed.push(await shoalRead(lz4, lz4Count, lz4Reads));
  }
  for (const fd of fds.values()) closeSync(fd);
  const b = median(base);
  emit({ bench: "chunks-random-read-uncompressed", metric: "samples/s", value: Math.round(median(raw)), baseline: "fs.readSync at offset (pread)", baselineValue: Math.round(b), ratio: +(median(raw) / b).toFixed(2) });
  emit({ bench: "chunks-random-read-uncompressed-vs-store", metric: "samples/s", value: Math.round(median(raw)), baseline: "FileStore.get with the same byte range", baselineValue: Math.round(median(gets)), ratio: +(median(raw) / median(gets)).toFixed(2) });
  emit({ bench: "chunks-random-read-lz4", metric: "samples/s", value: Math.round(median(packed)), baseline: "fs.readSync at offset (pread)", baselineValue: Math.round(b), ratio: +(median(packed) / b).toFixed(3), note: `${lz4Reads} reads over ${lz4Count} samples, 64 MiB decoded-chunk cache` });
}

// Full scan of a uint32 labels tensor: column() plus a sum, vs the same sum over an in-memory typed array.
{
  const labels = new Uint32Array(LABELS);
  for (let i = 0; i < LABELS; i++) labels[i] = (i * 7) % 1000;
  const dir = join(root, "labels");
  rmSync(dir, { recursive: true, force: true });
  const w = await DatasetEngine.create(new FileStore(dir));
  const t = await w.createTensor("labels", { dtype: "uint32", createIdTensor: false, createShapeTensor: false });
  await t.extendBatch(ndarray("uint32", [LABELS], labels));
  await w.flush();
  const sum = (a: Uint32Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]!;
    return s;
  };
  const ds = await DatasetEngine.open(new FileStore(dir));
  const col = ds.tensor("labels");
  const scan = async (cold: boolean) => {
    if (cold) ds.clearCache();
    const start = performance.now();
    const c = await col.column();
    if (sum(c!.data as Uint32Array) !== sum(labels)) throw new Error("scan mismatch");
    return LABELS / ((performance.now() - start) / 1000);
  };
  const loop = () => {
    const start = performance.now();
    sum(labels);
    return LABELS / ((performance.now() - start) / 1000);
  };
  for (let r = 0; r < 3; r++) (loop(), await scan(false));
  const base: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  for (let r = 0; r < Math.max(REPS, 5); r++) {
    base.push(loop());
    cold.push(await scan(true));
    warm.push(await scan(false));
  }
  const b = median(base);
  emit({ bench: "chunks-scan-labels-uint32", labels: LABELS, metric: "samples/s", value: Math.round(median(cold)), baseline: "plain loop over the typed array", baselineValue: Math.round(b), ratio: +(median(cold) / b).toFixed(2), note: "cold: chunk read from FileStore, checksum verified, copied out, summed" });
  emit({ bench: "chunks-scan-labels-uint32-warm", labels: LABELS, metric: "samples/s", value: Math.round(median(warm)), baseline: "plain loop over the typed array", baselineValue: Math.round(b), ratio: +(median(warm) / b).toFixed(2), note: "decoded chunk in the LRU, copied out, summed" });
}

rmSync(root, { recursive: true, force: true });
