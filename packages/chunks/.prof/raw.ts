import { rmSync } from "node:fs";
import { ndarray } from "@shoal/core";
import { FileStore } from "@shoal/storage/fs";
import { DatasetEngine } from "../src/index.ts";
import { S224 as S, imagePool } from "../bench/bench-lib.ts";
const { sample } = imagePool();
const N = Number(process.env.N ?? 3000);
const dir = "/tmp/shoal-prof-raw-" + process.pid;
for (let r = 0; r < Number(process.env.R ?? 4); r++) {
  rmSync(dir, { recursive: true, force: true });
  const t = performance.now(); const c0 = process.cpuUsage();
  const ds = await DatasetEngine.create(new FileStore(dir));
  const images = await ds.createTensor("images", { dtype: "uint8", maxChunkSize: 16_000_000 });
  let t1 = 0;
  for (let i = 0; i < N; i += 64) {
    const rows = [];
    for (let j = i; j < Math.min(N, i + 64); j++) rows.push(ndarray("uint8", [224, 224, 3], sample(j)));
    await images.extend(rows);
  }
  t1 = performance.now() - t;
  await ds.flush();
  const dt = performance.now() - t; const cu = process.cpuUsage(c0);
  console.log(`${(N * S / 1e6 / (dt / 1000)).toFixed(0)} MB/s  extend ${t1.toFixed(0)}ms total ${dt.toFixed(0)}ms cpu user ${(cu.user/1000).toFixed(0)} sys ${(cu.system/1000).toFixed(0)}`);
}
rmSync(dir, { recursive: true, force: true });
