/**
 * Reading Deep Lake 3.x data against its ceilings, in one run (JSON lines on stdout):
 * - an embedding column (SYNTHETIC float32 [N, 128] in 8 MB uncompressed chunks, written to a temp dir with the test
 *   builder) through `columnMatrix()` from a cold open vs readFileSync of the same chunk files plus one copy;
 * - the same column with lz4 chunk compression vs readFileSync + the codec's lz4 decode;
 * - the real 2.0.6 fixture's JPEGs through `read()` vs decoding the same bytes with the jpeg codec directly.
 * The fixture folder can be moved with SHOAL_DEEPLAKE_FIXTURES.
 * Sizes: SHOAL_BENCH_ROWS (default 40000 rows of 128 float32 = 20 MB), SHOAL_BENCH_REPS (default 5).
 */
import { vendoredFixture } from "@shoal/testing/node";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { getSampleCodec, lz4Decode, lz4Encode } from "@shoal/codecs";
import { FileStore } from "@shoal/storage/fs";
import { openDeepLake } from "../src/index.ts";
import { FIRST, chunk, chunkIds, writeDatasetMeta, writeTensor } from "@shoal/testing";

const ROWS = Number(process.env.SHOAL_BENCH_ROWS ?? 40000);
const REPS = Number(process.env.SHOAL_BENCH_REPS ?? 5);
const DIM = 128;
const PER_CHUNK = Math.floor(8_000_000 / (DIM * 4));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t = performance.now();
    await fn();
    times.push((performance.now() - t) / 1000);
  }
  return median(times);
}

function emit(bench: string, metric: string, value: number, baseline: string, baselineValue: number): void {
  const round = (x: number) => Math.round(x * 10) / 10;
  process.stdout.write(`${JSON.stringify({ bench, metric, value: round(value), baseline, baselineValue: round(baselineValue), ratio: Math.round((value / baselineValue) * 100) / 100 })}\n`);
}

async function writeEmbeddings(root: string, lz4: boolean): Promise<string[]> {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const store = new FileStore(root);
  const chunks: Record<string, Uint8Array> = {};
  const rows: [bigint, number][] = [];
  for (let start = 0, c = 1; start < ROWS; start += PER_CHUNK, c++) {
    const n = Math.min(PER_CHUNK, ROWS - start);
    const data = new Float32Array(n * DIM);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(start * DIM + i);
    const bytes = new Uint8Array(data.buffer);
    const samples = Array.from({ length: n }, (_, k) => ({ bytes: bytes.subarray(k * DIM * 4, (k + 1) * DIM * 4), shape: [DIM] }));
    chunks[c.toString(16)] = chunk(samples, lz4 ? { compress: lz4Encode } : {});
    rows.push([BigInt(c), start + n - 1]);
  }
  await writeTensor(store, FIRST, { key: "embedding", htype: "embedding", dtype: "float32", length: ROWS, minShape: [DIM], maxShape: [DIM], chunkCompression: lz4 ? "lz4" : null, ids: chunkIds(rows), chunks });
  await writeDatasetMeta(store, FIRST, ["embedding"]);
  return Object.keys(chunks).map((name) => join(root, "embedding", "chunks", name));
}

const base = join(tmpdir(), `shoal-deeplake-bench-${process.pid}`);
try {
  const mb = (ROWS * DIM * 4) / 1e6;
  for (const lz4 of [false, true]) {
    const root = join(base, lz4 ? "lz4" : "raw");
    const files = await writeEmbeddings(root, lz4);
    const shoal = await time(async () => {
      const ds = await openDeepLake(new FileStore(root));
      await ds.tensor("embedding").columnMatrix();
    });
    const ceiling = await time(() => {
      const out = new Float32Array(ROWS * DIM);
      const bytes = new Uint8Array(out.buffer);
      let at = 0;
      for (const f of files) {
        const raw = readFileSync(f);
        const l = raw[0]!;
        // Header of one shape row and one bps row (§2.1).
        const header = 1 + l + 8 + 8 + 4 + 12;
        const data = lz4 ? lz4Decode(raw.subarray(header)) : raw.subarray(header);
        bytes.set(data, at);
        at += data.length;
      }
    });
    emit(lz4 ? "deeplake-embeddings-lz4" : "deeplake-embeddings", "MB/s", mb / shoal, lz4 ? "readFileSync + lz4Decode + copy" : "readFileSync + copy", mb / ceiling);
  }
  const dir = process.env.SHOAL_DEEPLAKE_FIXTURES ? join(process.env.SHOAL_DEEPLAKE_FIXTURES, "images-classlabel-2.0.6") : vendoredFixture("deeplake-v3", "images-classlabel-2.0.6");
  const ds = await openDeepLake(new FileStore(dir));
  const t = ds.tensor("images");
  const file = readFileSync(join(dir, "images/chunks/97a4ba"));
  const blobs = [0, 1, 2].map((i) => file.subarray(file.length - (3 - i) * 6523, file.length - (2 - i) * 6523));
  const jpeg = await getSampleCodec("jpeg");
  const ROUNDS = 50;
  const shoal = await time(async () => {
    for (let r = 0; r < ROUNDS; r++) await t.readMany([0, 1, 2]);
  });
  const direct = await time(() => {
    for (let r = 0; r < ROUNDS; r++) for (const b of blobs) jpeg.decode(b);
  });
  emit("deeplake-jpeg-read", "images/s", (3 * ROUNDS) / shoal, "jpeg codec decode of the same bytes", (3 * ROUNDS) / direct);
} finally {
  rmSync(base, { recursive: true, force: true });
}
