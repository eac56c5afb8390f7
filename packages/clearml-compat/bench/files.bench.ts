/**
 * The benchmarks, each against its floor measured in the same run on the same folder:
 * - getLocalCopy (cold cache; of the default-compressed version and of one uploaded with `compression: "none"`) and
 *   getMutableLocalCopy vs the real `cp -r` (goal ≥ 0.5); every byte is SHA-256 verified on the way, cp checks nothing;
 * - addFiles + upload vs the real `zip -r` (goal ≥ 0.7), with the default `compression: "auto"` (media stored) and
 *   with `"deflate"` (everything deflated, as zip does); `compression: "none"` vs `zip -r -0`;
 * - a child version that changes 1% of the files: bytes written to the store (counted by a store wrapper) vs the
 *   bytes of the changed files.
 * The folder mixes incompressible `.jpg` and compressible `.csv` files, every file with unique content.
 * Sizes: SHOAL_BENCH_FILES (default 2000), SHOAL_BENCH_MB (total, default 200), SHOAL_BENCH_REPS (default 3),
 * SHOAL_BENCH_WORKERS (maxWorkers, default 4). The size: SHOAL_BENCH_FILES=10000 SHOAL_BENCH_MB=1024.
 */
import { spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GetOptions, RequestOptions, SetOptions, Store, StoreCapabilities } from "@shoal/storage";
import { FileStore } from "@shoal/storage/fs";
import { FileDataset, createNodeLocalFiles } from "../src/node.ts";

const FILES = Number(process.env.SHOAL_BENCH_FILES ?? 2000);
const TOTAL_MB = Number(process.env.SHOAL_BENCH_MB ?? 200);
const REPS = Number(process.env.SHOAL_BENCH_REPS ?? 3);
const WORKERS = Number(process.env.SHOAL_BENCH_WORKERS ?? 4);

const root = mkdtempSync(join(tmpdir(), "shoal-files-bench-"));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const line = (o: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};
const emit = (bench: string, metric: string, value: number, baseline: string, baselineValue: number, extra: Record<string, unknown> = {}): void => {
  line({ bench, metric, value: +value.toFixed(1), baseline, baselineValue: +baselineValue.toFixed(1), ratio: +(value / baselineValue).toFixed(3), ...extra });
};

/** Counts the bytes every write puts into the wrapped store (packs and JSON alike). */
class CountingStore implements Store {
  readonly inner: Store;
  written = 0;
  packBytes = 0;
  constructor(inner: Store) {
    this.inner = inner;
  }
  get capabilities(): StoreCapabilities {
    return this.inner.capabilities;
  }
  get(key: string, opts?: GetOptions) {
    return this.inner.get(key, opts);
  }
  async set(key: string, value: Uint8Array, opts?: SetOptions) {
    await this.inner.set(key, value, opts);
    this.written += value.length;
    if (key.startsWith("packs/")) this.packBytes += value.length;
  }
  delete(key: string, opts?: RequestOptions) {
    return this.inner.delete(key, opts);
  }
  list(prefix: string, opts?: RequestOptions) {
    return this.inner.list(prefix, opts);
  }
  head(key: string, opts?: RequestOptions) {
    return this.inner.head(key, opts);
  }
}

async function time(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
}

const hasZip = spawnSync("zip", ["-v"], { stdio: "ignore" }).status === 0;

// A compressible text block the .csv files slice from (deflates about 3:1, like real CSV).
const TEXT = (() => {
  const rows: string[] = [];
  let x = 12345;
  for (let i = 0, n = 0; n < 4 * 2 ** 20; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const row = `${i},sample_${x % 9973},${(x % 100000) / 1000},${x % 7 === 0 ? "cat" : "dog"},${(x >>> 7) % 255}\n`;
    rows.push(row);
    n += row.length;
  }
  return new TextEncoder().encode(rows.join(""));
})();

/** The i-th file's bytes: sizes spread 0.2×–1.8× the mean, content unique per file (and per `salt`). */
function fileBytes(i: number, mean: number, salt: number): Uint8Array {
  const size = Math.max(16, Math.round(mean * (0.2 + 1.6 * (((i * 7919) % 1000) / 1000))));
  const out = new Uint8Array(size);
  if (i % 2 === 0) return randomFillSync(out);
  const head = new TextEncoder().encode(`# file ${i} salt ${salt}\n`);
  out.set(head.subarray(0, size));
  const start = (i * 104729 + salt * 7) % (TEXT.length - size);
  if (size > head.length) out.set(TEXT.subarray(start, start + size - head.length), head.length);
  return out;
}

const pathOf = (i: number): string => `d${i % 100}/f${i}.${i % 2 === 0 ? "jpg" : "csv"}`;

function makeFolder(dir: string): number {
  const mean = (TOTAL_MB * 2 ** 20) / FILES;
  let bytes = 0;
  for (let i = 0; i < Math.min(100, FILES); i++) mkdirSync(join(dir, `d${i}`), { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const b = fileBytes(i, mean, 0);
    writeFileSync(join(dir, pathOf(i)), b);
    bytes += b.length;
  }
  return bytes;
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  return n;
}

try {
  const src = join(root, "src");
  mkdirSync(src);
  const bytes = makeFolder(src);
  const mb = bytes / 2 ** 20;
  line({ bench: "files-setup", files: FILES, MB: +mb.toFixed(1), reps: REPS, maxWorkers: WORKERS, zip: hasZip });

  const t = { get: [] as number[], getStored: [] as number[], mut: [] as number[], hit: [] as number[], cp: [] as number[], up: [] as number[], upNone: [] as number[], upDeflate: [] as number[], zip: [] as number[], zip0: [] as number[] };
  let last: { store: CountingStore; ds: FileDataset; local: ReturnType<typeof createNodeLocalFiles>; work: string } | undefined;
  for (let rep = 0; rep < REPS; rep++) {
    const work = join(root, `rep${rep}`);
    mkdirSync(work);
    // Floors first, then shoal on the same (page-cache warm) folder.
    t.cp.push(await time(() => run("cp", ["-r", src, join(work, "cp")], root)));
    rmSync(join(work, "cp"), { recursive: true, force: true });
    if (hasZip) {
      t.zip.push(await time(() => run("zip", ["-r", "-q", join(work, "a.zip"), "src"], root)));
      rmSync(join(work, "a.zip"), { force: true });
      t.zip0.push(await time(() => run("zip", ["-r", "-q", "-0", join(work, "a0.zip"), "src"], root)));
      rmSync(join(work, "a0.zip"), { force: true });
    }

    const local = createNodeLocalFiles({ cacheDir: join(work, "cache") });
    const store = new CountingStore(new FileStore(join(work, "store")));
    const ds = await FileDataset.create({ storage: store, local, project: "bench", name: "files" });
    t.up.push(
      await time(async () => {
        await ds.addFiles(src, { maxWorkers: WORKERS });
        await ds.upload({ maxWorkers: WORKERS });
      }),
    );
    await ds.finalize();
    t.get.push(await time(() => ds.getLocalCopy({ maxWorkers: WORKERS })));
    t.hit.push(await time(() => ds.getLocalCopy({ maxWorkers: WORKERS })));
    t.mut.push(await time(() => ds.getMutableLocalCopy(join(work, "mutable"), { maxWorkers: WORKERS })));
    rmSync(join(work, "mutable"), { recursive: true, force: true });

    const plain = new FileStore(join(work, "store-none"));
    const dsNone = await FileDataset.create({ storage: plain, local, project: "bench", name: "files-none" });
    t.upNone.push(
      await time(async () => {
        await dsNone.addFiles(src, { maxWorkers: WORKERS });
        await dsNone.upload({ maxWorkers: WORKERS, compression: "none" });
      }),
    );
    await dsNone.finalize();
    const localNone = createNodeLocalFiles({ cacheDir: join(work, "cache-none") });
    const noneAgain = await FileDataset.get({ storage: plain, local: localNone, id: dsNone.id });
    t.getStored.push(await time(() => noneAgain.getLocalCopy({ maxWorkers: WORKERS })));
    rmSync(join(work, "cache-none"), { recursive: true, force: true });
    rmSync(join(work, "store-none"), { recursive: true, force: true });
    const dsDeflate = await FileDataset.create({ storage: new FileStore(join(work, "store-deflate")), local, project: "bench", name: "files-deflate" });
    t.upDeflate.push(
      await time(async () => {
        await dsDeflate.addFiles(src, { maxWorkers: WORKERS });
        await dsDeflate.upload({ maxWorkers: WORKERS, compression: "deflate" });
      }),
    );
    rmSync(join(work, "store-deflate"), { recursive: true, force: true });
    if (last) rmSync(last.work, { recursive: true, force: true });
    last = { store, ds, local, work };
  }

  const [g, m, h, c, u, un, ud] = [median(t.get), median(t.mut), median(t.hit), median(t.cp), median(t.up), median(t.upNone), median(t.upDeflate)];
  emit("files-get-local-copy", "MB/s", mb / g, "cp -r", mb / c, { files: FILES });
  emit("files-get-local-copy", "files/s", FILES / g, "cp -r", FILES / c);
  emit("files-get-local-copy-stored", "MB/s", mb / median(t.getStored), "cp -r", mb / c, { note: "version uploaded with compression: none (no inflate)" });
  emit("files-get-mutable-copy", "MB/s", mb / m, "cp -r", mb / c);
  line({ bench: "files-get-local-copy-cached", metric: "files/s", value: Math.round(FILES / h), note: "second call: the view's marker is found, no per-file stat" });
  if (hasZip) {
    const [z, z0] = [median(t.zip), median(t.zip0)];
    emit("files-add-upload", "MB/s", mb / u, "zip -r", mb / z, { compression: "auto" });
    emit("files-add-upload", "files/s", FILES / u, "zip -r", FILES / z, { compression: "auto" });
    emit("files-add-upload-deflate", "MB/s", mb / ud, "zip -r", mb / z, { compression: "deflate" });
    emit("files-add-upload-stored", "MB/s", mb / un, "zip -r -0", mb / z0, { compression: "none" });
  } else {
    line({ bench: "files-add-upload", skipped: "zip CLI not found (apt-get install -y zip)", metric: "MB/s", value: +(mb / u).toFixed(1) });
    line({ bench: "files-add-upload-stored", skipped: "zip CLI not found (apt-get install -y zip)", metric: "MB/s", value: +(mb / un).toFixed(1) });
  }

  if (last) {
    // A child that rewrites 1% of the files (same sizes, new content): what does its upload write?
    const { store, ds, local } = last;
    const changed = Math.max(1, Math.round(FILES / 100));
    const mean = (TOTAL_MB * 2 ** 20) / FILES;
    let changedBytes = 0;
    for (let k = 0; k < changed; k++) {
      const i = Math.floor((k * FILES) / changed);
      const b = fileBytes(i, mean, 1);
      writeFileSync(join(src, pathOf(i)), b);
      changedBytes += b.length;
    }
    const child = await FileDataset.create({ storage: store, local, parents: [ds] });
    const before = { written: store.written, packs: store.packBytes };
    const synced = await child.syncFolder(src, { maxWorkers: WORKERS });
    await child.finalize({ autoUpload: true });
    const written = store.written - before.written;
    const packs = store.packBytes - before.packs;
    line({
      bench: "files-child-1pct",
      metric: "bytes written",
      value: written,
      packBytes: packs,
      baseline: "bytes of the changed files",
      baselineValue: changedBytes,
      ratio: +(written / changedBytes).toFixed(3),
      shareOfDataset: +(written / folderBytes(src)).toFixed(4),
      modified: synced.modified,
    });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
