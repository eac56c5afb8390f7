import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import jpegjs from "jpeg-js";
import { FileStore } from "@shoal/storage/fs";
import { DatasetEngine } from "../src/index.ts";
const root = "/tmp/shoal-prof-jpeg-" + process.pid;
const N = Number(process.env.N ?? 5000);
mkdirSync(join(root, "j"), { recursive: true });
const distinct = Array.from({ length: 16 }, (_, k) => {
  const w = 96; const rgba = new Uint8Array(w * w * 4);
  for (let i = 0; i < w * w; i++) { rgba[4 * i] = (i % w) * 2 + k * 9; rgba[4 * i + 1] = Math.floor(i / w) * 2; rgba[4 * i + 2] = (i * 2654435761) >>> 27; rgba[4 * i + 3] = 255; }
  return new Uint8Array(jpegjs.encode({ data: rgba, width: w, height: w }, 85).data);
});
const files = Array.from({ length: N }, (_, i) => { const p = join(root, "j", `${i}.jpg`); writeFileSync(p, distinct[i % 16]!); return p; });
for (let r = 0; r < Number(process.env.R ?? 5); r++) {
  let t = performance.now(); let bytes = 0;
  for (const f of files) bytes += readFileSync(f).byteLength;
  const base = N / ((performance.now() - t) / 1000);
  const dir = join(root, "ds"); rmSync(dir, { recursive: true, force: true });
  t = performance.now();
  const ds = await DatasetEngine.create(new FileStore(dir));
  const images = await ds.createTensor("images", { htype: "image", dtype: "uint8", sampleCompression: "jpeg" });
  const batch: { kind: "compressed"; bytes: Uint8Array; compression: string }[] = [];
  let tRead = 0;
  for (const f of files) {
    const t0 = performance.now();
    const b = readFileSync(f);
    tRead += performance.now() - t0;
    batch.push({ kind: "compressed", bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength), compression: "jpeg" });
    if (batch.length === 256) await images.extend(batch.splice(0));
  }
  await images.extend(batch);
  const tExt = performance.now() - t;
  await ds.flush();
  const ours = N / ((performance.now() - t) / 1000);
  console.log(`base ${base.toFixed(0)} ours ${ours.toFixed(0)} ratio ${(ours / base).toFixed(2)} read ${tRead.toFixed(0)}ms extend-loop ${tExt.toFixed(0)}ms total ${(N/ours*1000).toFixed(0)}ms`);
}
rmSync(root, { recursive: true, force: true });
