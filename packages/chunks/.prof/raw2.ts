import { mkdirSync, rmSync, writeFileSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { ndarray } from "@shoal/core";
import { FileStore } from "@shoal/storage/fs";
import { MemoryStore } from "@shoal/storage";
import { DatasetEngine } from "../src/index.ts";
import { S224 as S, imagePool } from "../bench/bench-lib.ts";
const { sample } = imagePool();
const N = Number(process.env.N ?? 3000);
const dir = "/tmp/shoal-prof-raw2-" + process.pid;
class SyncFileStore extends FileStore {
  override async set(key: string, value: Uint8Array): Promise<void> {
    const p = join(dir, key); mkdirSync(dirname(p), { recursive: true }); writeFileSync(p + ".tmp", value); renameSync(p + ".tmp", p);
  }
}
class NullStore extends MemoryStore { override async set(key: string, value: Uint8Array, o?: any): Promise<void> { if (!key.includes("/chunks/")) return super.set(key, value, o); } }
for (const kind of ["file", "sync", "null", "file", "sync", "null", "file", "sync", "null"]) {
  rmSync(dir, { recursive: true, force: true });
  const store = kind === "file" ? new FileStore(dir) : kind === "sync" ? new SyncFileStore(dir) : new NullStore();
  const t = performance.now(); const c0 = process.cpuUsage();
  const ds = await DatasetEngine.create(store);
  const images = await ds.createTensor("images", { dtype: "uint8", maxChunkSize: 16_000_000 });
  const tc = performance.now() - t;
  for (let i = 0; i < N; i += 64) {
    const rows = [];
    for (let j = i; j < Math.min(N, i + 64); j++) rows.push(ndarray("uint8", [224, 224, 3], sample(j)));
    await images.extend(rows);
  }
  await ds.flush();
  const dt = performance.now() - t; const cu = process.cpuUsage(c0);
  console.log(`${kind} ${(N * S / 1e6 / (dt / 1000)).toFixed(0)} MB/s create ${tc.toFixed(1)}ms total ${dt.toFixed(0)}ms cpu ${((cu.user + cu.system) / 1000).toFixed(0)}`);
}
rmSync(dir, { recursive: true, force: true });
