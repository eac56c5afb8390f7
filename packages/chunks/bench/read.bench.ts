/**
 * Random single-sample reads and a full label scan: shoal against pread of the same bytes and against zarrita on the
 * same chunk shape, in one run (JSON lines on stdout).
 * Sizes: SHOAL_BENCH_READ_SAMPLES (224×224×3 samples, default 2000), SHOAL_BENCH_READS (default 3000),
 * SHOAL_BENCH_LZ4_SAMPLES (default 800), SHOAL_BENCH_LABELS (default 1e6), SHOAL_BENCH_REPS (default 3).
 * zarrita cannot write lz4, so compressed chunks compare shoal lz4 against zarrita gzip-1 (both decode chunk bytes).
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ndarray } from "@shoal/core";
import type { Store } from "@shoal/storage";
import { FileStore } from "@shoal/storage/fs";
import FileSystemStore from "@zarrita/storage/fs";
import * as zarr from "zarrita";
import { DatasetEngine, DEFAULT_MAX_CHUNK_SIZE, type TensorEngine } from "../src/index.ts";
import { REPS, S224 as S, benchRoot, compare, emit, imagePool, num, readOrder } from "./bench-lib.ts";

const N = num("SHOAL_BENCH_READ_SAMPLES", 2000);
const READS = num("SHOAL_BENCH_READS", 3000);
const LZ4_N = num("SHOAL_BENCH_LZ4_SAMPLES", 800);
const LABELS = num("SHOAL_BENCH_LABELS", 1_000_000);
const root = benchRoot("read");
const { sample } = imagePool();

async function writeShoal(dir: string, count: number, chunkCompression: string | null): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  const ds = await DatasetEngine.create(new FileStore(dir));
  const t = await ds.createTensor("images", { dtype: "uint8", chunkCompression });
  for (let i = 0; i < count; i += 64) {
    const rows = [];
    for (let j = i; j < Math.min(count, i + 64); j++) rows.push(ndarray("uint8", [224, 224, 3], sample(j)));
    await t.extend(rows);
  }
  await ds.flush();
}

/** Samples per chunk of the tensor (the shape zarrita gets: [perChunk, 224, 224, 3]). */
async function perChunk(t: TensorEngine): Promise<number> {
  const ids = await t.chunkIds();
  let first = 0;
  while (first < ids.length && ids[first] === ids[0]) first++;
  return first;
}

async function writeZarr(dir: string, count: number, chunk: number, codec: "raw" | "gzip"): Promise<zarr.Array<"uint8", FileSystemStore>> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const store = new FileSystemStore(dir);
  const codecs = [{ name: "bytes", configuration: { endian: "little" } }, ...(codec === "gzip" ? [{ name: "gzip", configuration: { level: 1 } }] : [])];
  const arr = await zarr.create(zarr.root(store).resolve("x"), { shape: [count, 224, 224, 3], chunkShape: [chunk, 224, 224, 3], dtype: "uint8", codecs });
  for (let i = 0; i < count; i += chunk) {
    const n = Math.min(chunk, count - i);
    const block = new Uint8Array(chunk * S);
    for (let k = 0; k < n; k++) block.set(sample(i + k), k * S);
    // zarrita has no gzip encoder: gzip chunks are written with node:zlib at the v3 chunk key, as perf-scripts/n_zarrita does.
    if (codec === "raw") await zarr.set(arr, [zarr.slice(i, i + n), null, null, null], { data: block.subarray(0, n * S), shape: [n, 224, 224, 3], stride: [S, 672, 3, 1] });
    else {
      const p = join(dir, "x", "c", String(i / chunk), "0", "0", "0");
      mkdirSync(join(p, ".."), { recursive: true });
      writeFileSync(p, gzipSync(block, { level: 1 }));
    }
  }
  return zarr.open(zarr.root(store).resolve("x"), { kind: "array" }) as Promise<zarr.Array<"uint8", FileSystemStore>>;
}

/** The ceiling's layout: the same samples packed into chunk files of `per` samples, read with pread. */
function writeFlat(dir: string, count: number, per: number): (i: number, into: Uint8Array) => void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const fds: number[] = [];
  for (let c = 0; c * per < count; c++) {
    const n = Math.min(per, count - c * per);
    const block = new Uint8Array(n * S);
    for (let k = 0; k < n; k++) block.set(sample(c * per + k), k * S);
    writeFileSync(join(dir, `chunk_${c}`), block);
    fds.push(openSync(join(dir, `chunk_${c}`), "r"));
  }
  process.on("exit", () => fds.forEach((fd) => closeSync(fd)));
  return (i, into) => void readSync(fds[Math.floor(i / per)]!, into, 0, S, (i % per) * S);
}

/** `store` without its optional readInto: what every store looked like before it. */
function withoutReadInto(store: Store): Store {
  return {
    capabilities: store.capabilities, get: store.get.bind(store), set: store.set.bind(store), delete: store.delete.bind(store),
    list: store.list.bind(store), head: store.head.bind(store),
  };
}

const rate = async (count: number, f: (k: number) => unknown): Promise<number> => {
  const t = performance.now();
  for (let k = 0; k < count; k++) await f(k);
  return count / ((performance.now() - t) / 1000);
};

// ---------- uncompressed ----------
{
  const dir = join(root, "raw");
  await writeShoal(dir, N, null);
  const ds = await DatasetEngine.open(new FileStore(dir));
  const images = ds.tensor("images");
  const per = await perChunk(images);
  const order = readOrder(READS, N);
  const pread = writeFlat(join(root, "flat"), N, per);
  const reused = new Uint8Array(S);
  const z = await writeZarr(join(root, "zarr-raw"), N, per, "raw");
  const zReads = Math.min(READS, 300);
  const got = (await images.read(order[0]!)) as { data: Uint8Array };
  if (got.data.length !== S || got.data[5] !== sample(order[0]!)[5]) throw new Error("read mismatch");
  const r = { pread: [] as number[], fresh: [] as number[], steady: [] as number[], first: [] as number[], zarr: [] as number[] };
  await rate(READS, (k) => images.read(order[k]!));
  for (let rep = 0; rep < REPS; rep++) {
    r.pread.push(await rate(READS, (k) => pread(order[k]!, reused)));
    r.fresh.push(await rate(READS, (k) => pread(order[k]!, new Uint8Array(S))));
    r.steady.push(await rate(READS, (k) => images.read(order[k]!)));
    ds.clearCache();
    r.first.push(await rate(READS, (k) => images.read(order[k]!)));
    r.zarr.push(await rate(zReads, (k) => zarr.get(z, [order[k]!, null, null, null])));
  }
  const note = `${N} samples, ${per} per 16 MB chunk, ${READS} reads`;
  emit({ bench: "chunks-random-read-uncompressed", metric: "samples/s", ...compare(r.steady, r.pread), baseline: "fs.readSync at offset into one reused buffer (pread)", note: `${note}; headers cached, groups verified once` });
  emit({ bench: "chunks-random-read-uncompressed-vs-fresh-pread", metric: "samples/s", ...compare(r.steady, r.fresh), baseline: "fs.readSync at offset into a new buffer per read", note });
  emit({ bench: "chunks-random-read-uncompressed-first-touch", metric: "samples/s", ...compare(r.first, r.pread), baseline: "fs.readSync at offset into one reused buffer (pread)", note: `${note}; after clearCache: header fetch per chunk, checksum per read` });
  emit({ bench: "chunks-random-read-uncompressed-vs-zarrita", metric: "samples/s", ...compare(r.steady, r.zarr, 1), baseline: `zarrita get of one sample, FileSystemStore, chunks [${per},224,224,3] raw`, note: `zarrita: ${zReads} reads` });
  emit({ bench: "chunks-random-read-uncompressed-first-touch-vs-zarrita", metric: "samples/s", ...compare(r.first, r.zarr, 1), baseline: `zarrita get of one sample, FileSystemStore, chunks [${per},224,224,3] raw` });
  // Batches of 32 random samples: readMany + one set per sample into the batch (what a loader does with copies)
  // against readManyInto (one copy into the batch) and pread of each sample straight into the batch.
  const B = 32;
  const batches = Math.floor(READS / B);
  const batch = new Uint8Array(B * S);
  const viaMany = async (b: number) => {
    const got = (await images.readMany(order.subarray(b * B, b * B + B))) as { data: Uint8Array }[];
    got.forEach((g, j) => batch.set(g.data, j * S));
  };
  const viaInto = (b: number) => images.readManyInto(order.subarray(b * B, b * B + B), batch);
  const viaPread = (b: number) => {
    for (let j = 0; j < B; j++) pread(order[b * B + j]!, batch.subarray(j * S, j * S + S));
  };
  // The same engine path over the same files with Store.readInto hidden: a ranged get per sample, then a copy.
  const buffered = (await DatasetEngine.open(withoutReadInto(new FileStore(dir)))).tensor("images");
  const viaBuffered = (b: number) => buffered.readManyInto(order.subarray(b * B, b * B + B), batch);
  const q = { many: [] as number[], into: [] as number[], pread: [] as number[], buffered: [] as number[] };
  await rate(batches, viaInto);
  await rate(batches, viaBuffered);
  for (let rep = 0; rep < REPS; rep++) {
    q.pread.push(B * (await rate(batches, viaPread)));
    q.many.push(B * (await rate(batches, viaMany)));
    q.into.push(B * (await rate(batches, viaInto)));
    q.buffered.push(B * (await rate(batches, viaBuffered)));
  }
  emit({ bench: "chunks-batch-read-into", metric: "samples/s", ...compare(q.into, q.pread), baseline: "fs.readSync of each sample into its batch slot", note: `batches of ${B} random samples` });
  emit({ bench: "chunks-batch-read-into-vs-readMany", metric: "samples/s", ...compare(q.into, q.many), baseline: "readMany + set of each sample into the batch" });
  emit({ bench: "chunks-batch-read-into-vs-buffered", metric: "samples/s", ...compare(q.into, q.buffered), baseline: "readManyInto with Store.readInto hidden (ranged get into a new buffer, then a copy)" });
}

// ---------- lz4 chunks ----------
{
  const dir = join(root, "lz4");
  await writeShoal(dir, LZ4_N, "lz4");
  const cacheBytes = 64 << 20;
  const ds = await DatasetEngine.open(new FileStore(dir), { cacheBytes });
  const images = ds.tensor("images");
  const per = await perChunk(images);
  const z = await writeZarr(join(root, "zarr-gzip"), LZ4_N, per, "gzip");
  const reads = Math.max(100, Math.floor(READS / 10));
  const order = readOrder(reads, LZ4_N);
  const zReads = Math.max(20, Math.floor(reads / 10));
  const ours: number[] = [];
  const theirs: number[] = [];
  await rate(20, (k) => images.read(order[k]!));
  for (let rep = 0; rep < REPS; rep++) {
    ds.clearCache();
    ours.push(await rate(reads, (k) => images.read(order[k]!)));
    theirs.push(await rate(zReads, (k) => zarr.get(z, [order[k]!, null, null, null])));
  }
  const chunkMB = ((per * S) / 1e6).toFixed(1);
  emit({
    bench: "chunks-random-read-lz4-vs-zarrita", metric: "samples/s", ...compare(ours, theirs, 1), baseline: `zarrita get of one sample, chunks [${per},224,224,3] gzip-1`,
    note: `${reads} reads over ${LZ4_N} samples, ${per} per chunk (${chunkMB} MB raw; maxChunkSize default ${DEFAULT_MAX_CHUNK_SIZE}), ${cacheBytes >> 20} MiB decoded-chunk cache cleared per rep; zarrita cannot write lz4`,
  });
}

// ---------- full scan of a labels column ----------
{
  const labels = new Uint32Array(LABELS);
  for (let i = 0; i < LABELS; i++) labels[i] = (i * 7) % 1000;
  const dir = join(root, "labels");
  const w = await DatasetEngine.create(new FileStore(dir));
  const t = await w.createTensor("labels", { dtype: "uint32", createIdTensor: false, createShapeTensor: false });
  await t.extendBatch(ndarray("uint32", [LABELS], labels));
  await w.flush();
  const sum = (a: Uint32Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]!;
    return s;
  };
  const expected = sum(labels);
  const ds = await DatasetEngine.open(new FileStore(dir));
  const col = ds.tensor("labels");
  let check = 0;
  const scan = async (cold: boolean) => {
    if (cold) ds.clearCache();
    const start = performance.now();
    const c = await col.column();
    check = sum(c!.data as Uint32Array);
    return LABELS / ((performance.now() - start) / 1000);
  };
  const loop = () => {
    const start = performance.now();
    check = sum(labels);
    return LABELS / ((performance.now() - start) / 1000);
  };
  for (let r = 0; r < 3; r++) (loop(), await scan(false));
  const base: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  for (let r = 0; r < Math.max(REPS, 5); r++) {
    base.push(loop());
    cold.push(await scan(true));
    if (check !== expected) throw new Error("scan mismatch");
    warm.push(await scan(false));
    if (check !== expected) throw new Error("scan mismatch");
  }
  emit({ bench: "chunks-scan-labels-uint32", labels: LABELS, metric: "samples/s", ...compare(cold, base), baseline: "plain loop over the typed array", note: "cold: tensor.column() reads the chunk from FileStore and verifies it, then the loop" });
  emit({ bench: "chunks-scan-labels-uint32-warm", labels: LABELS, metric: "samples/s", ...compare(warm, base), baseline: "plain loop over the typed array", note: "tensor.column() from the cache (no copy), then the loop" });
}

rmSync(root, { recursive: true, force: true });
