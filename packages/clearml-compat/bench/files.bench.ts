/**
 * add+upload and getLocalCopy of many small files and of one large file, on a FileStore in a temp folder, against
 * node:fs cpSync (copy floor) and node:crypto SHA-256 (hashing floor) of the same data.
 * Sizes: SHOAL_BENCH_FILES (default 2000 × 4 KiB), SHOAL_BENCH_BIG_MB (default 256), SHOAL_BENCH_REPS (default 3).
 */
import { createHash, randomFillSync } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStore } from "@shoal/storage/fs";
import { FileDataset, createNodeLocalFiles } from "../src/node.ts";

const FILES = Number(process.env.SHOAL_BENCH_FILES ?? 2000);
const BIG_MB = Number(process.env.SHOAL_BENCH_BIG_MB ?? 256);
const REPS = Number(process.env.SHOAL_BENCH_REPS ?? 3);

const root = mkdtempSync(join(tmpdir(), "shoal-files-bench-"));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const emit = (bench: string, metric: string, value: number, baseline: string, baselineValue: number): void => {
  process.stdout.write(`${JSON.stringify({ bench, metric, value: +value.toFixed(1), baseline, baselineValue: +baselineValue.toFixed(1), ratio: +(value / baselineValue).toFixed(3) })}\n`);
};

function hashTree(dir: string): void {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) createHash("sha256").update(readFileSync(join(e.parentPath, e.name))).digest("hex");
  }
}

async function time(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

async function scenario(label: string, src: string, count: number, bytes: number): Promise<void> {
  const up: number[] = [];
  const get: number[] = [];
  const mut: number[] = [];
  const cp: number[] = [];
  const hash: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const work = join(root, `${label}-${rep}`);
    const local = createNodeLocalFiles({ cacheDir: join(work, "cache") });
    const storage = new FileStore(join(work, "store"));
    const ds = await FileDataset.create({ storage, local, project: "bench", name: label });
    up.push(
      await time(async () => {
        await ds.addFiles(src);
        await ds.upload({ compression: "none", chunkSizeMB: 64 });
      }),
    );
    await ds.finalize();
    get.push(await time(() => ds.getLocalCopy()));
    mut.push(await time(() => ds.getMutableLocalCopy(join(work, "copy"))));
    cp.push(await time(() => cpSync(src, join(work, "cp"), { recursive: true })));
    hash.push(await time(() => hashTree(src)));
    rmSync(work, { recursive: true, force: true });
  }
  const mb = bytes / 2 ** 20;
  const [u, g, m, c, h] = [median(up), median(get), median(mut), median(cp), median(hash)];
  emit(`${label}-add-upload`, "MB/s", mb / u, "node:crypto sha256 + cpSync", mb / (h + c));
  emit(`${label}-add-upload`, "files/s", count / u, "node:crypto sha256 + cpSync", count / (h + c));
  emit(`${label}-get-local-copy`, "MB/s", mb / g, "node:fs cpSync", mb / c);
  emit(`${label}-get-local-copy`, "files/s", count / g, "node:fs cpSync", count / c);
  emit(`${label}-get-mutable-copy`, "MB/s", mb / m, "node:fs cpSync", mb / c);
}

try {
  const small = join(root, "small");
  const block = new Uint8Array(4096);
  for (let i = 0; i < FILES; i++) {
    const dir = join(small, `d${i % 20}`);
    if (i < 20) mkdirSync(dir, { recursive: true });
    randomFillSync(block);
    writeFileSync(join(dir, `f${i}.bin`), block);
  }
  await scenario("small-files", small, FILES, FILES * 4096);
  rmSync(small, { recursive: true, force: true });

  if (BIG_MB > 0) {
    const big = join(root, "big");
    mkdirSync(big);
    const chunk = new Uint8Array(16 * 2 ** 20);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < BIG_MB / 16; i++) parts.push(randomFillSync(chunk).slice());
    writeFileSync(join(big, "big.bin"), Buffer.concat(parts));
    parts.length = 0;
    await scenario("large-file", big, 1, BIG_MB * 2 ** 20);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
