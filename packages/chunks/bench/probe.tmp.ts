import { ndarray } from "@shoal/core";
import { FileStore } from "@shoal/storage/fs";
import { DatasetEngine } from "../src/index.ts";
const dir = "/tmp/probe-ds";
const S = 224 * 224 * 3;
const N = 600;
const ds0 = await DatasetEngine.create(new FileStore(dir), { overwrite: true });
const t0 = await ds0.createTensor("images", { dtype: "uint8" });
const buf = new Uint8Array(S);
for (let i = 0; i < N; i += 50) await t0.extend(Array.from({ length: 50 }, () => ndarray("uint8", [224, 224, 3], buf)));
await ds0.flush();
const ds = await DatasetEngine.open(new FileStore(dir));
const t = ds.tensor("images");
for (let r = 0; r < 3; r++) {
  const s = performance.now();
  for (let k = 0; k < 1000; k++) await t.read((k * 7919) % N);
  console.log("reads/s", (1000 / ((performance.now() - s) / 1000)).toFixed(0));
}
