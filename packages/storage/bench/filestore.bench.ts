// FileStore sequential write and read throughput against node:fs/promises writeFile/readFile on the same bytes,
// in the same run. SHOAL_BENCH_BYTES sets the total (default 1 GiB), in 8 MiB objects, reps (default 5) of blocks that alternate shoal and node:fs; medians over blocks.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStore } from "../src/fs.ts";

const OBJECT_BYTES = 8 * 2 ** 20;
const totalBytes = Number(process.env.SHOAL_BENCH_BYTES ?? 2 ** 30);
const count = Math.max(1, Math.round(totalBytes / OBJECT_BYTES));
const reps = Number(process.env.SHOAL_BENCH_REPS ?? 5);
const payload = new Uint8Array(OBJECT_BYTES);
for (let i = 0; i < payload.length; i++) payload[i] = (i * 2654435761) >>> 24;

const mbPerSec = (bytes: number, ms: number) => bytes / 2 ** 20 / (ms / 1000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const BLOCK = 8; // objects per timed block: shoal and node:fs alternate block by block, so load from other
// processes on the machine hits both sides alike instead of one whole phase.
// Per block: milliseconds of each side, and shoal's speed relative to the node:fs block timed right beside it.
const results = { storeWrite: [] as number[], rawWrite: [] as number[], storeRead: [] as number[], rawRead: [] as number[] };
const ratios = { write: [] as number[], read: [] as number[] };
for (let rep = 0; rep < reps; rep++) {
  const root = await mkdtemp(join(tmpdir(), "shoal-bench-fs-"));
  try {
    const store = new FileStore(join(root, "store"));
    const rawDir = join(root, "raw");
    await mkdir(rawDir, { recursive: true });
    await store.set("objects/warm", payload);
    await writeFile(join(rawDir, "warm"), payload);
    const phases = [
      ["storeWrite", (i: number) => store.set(`objects/${i}`, payload)],
      ["rawWrite", (i: number) => writeFile(join(rawDir, String(i)), payload)],
      ["storeRead", async (i: number) => void ((await store.get(`objects/${i}`))?.byteLength === OBJECT_BYTES || fail())],
      ["rawRead", async (i: number) => void ((await readFile(join(rawDir, String(i)))).byteLength === OBJECT_BYTES || fail())],
    ] as const;
    for (const pair of [[phases[0], phases[1]], [phases[2], phases[3]]] as const) {
      for (let first = 0, block = 0; first < count; first += BLOCK, block++) {
        const order = (block + rep) % 2 === 0 ? pair : ([pair[1], pair[0]] as const);
        const ms: Record<string, number> = {};
        for (const [name, op] of order) {
          ms[name] = await timed(async () => {
            for (let i = first; i < Math.min(count, first + BLOCK); i++) await op(i);
          });
        }
        const [mine, raw] = [pair[0][0], pair[1][0]];
        const blockBytes = (Math.min(count, first + BLOCK) - first) * OBJECT_BYTES;
        results[mine].push(mbPerSec(blockBytes, ms[mine] ?? 0));
        results[raw].push(mbPerSec(blockBytes, ms[raw] ?? 0));
        ratios[mine === "storeWrite" ? "write" : "read"].push((ms[raw] ?? 0) / (ms[mine] ?? 1));
      }
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function fail(): never {
  throw new Error("short read");
}

const bytes = count * OBJECT_BYTES;
for (const [bench, mine, baseline, ratio, name] of [
  ["filestore-write", results.storeWrite, results.rawWrite, ratios.write, "node:fs/promises writeFile"],
  ["filestore-read", results.storeRead, results.rawRead, ratios.read, "node:fs/promises readFile"],
] as const) {
  const line = {
    bench,
    metric: "MB/s",
    value: Math.round(median(mine)),
    baseline: name,
    baselineValue: Math.round(median(baseline)),
    // Median of block-by-block ratios: robust to load spikes from other processes.
    ratio: Number(median(ratio).toFixed(3)),
    bytes,
    objectBytes: OBJECT_BYTES,
    reps,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
