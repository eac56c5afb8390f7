import { mkdirSync, rmSync, writeFileSync, renameSync, openSync, writeSync, closeSync, linkSync } from "node:fs";
import { open, mkdir, chmod, rename, writeFile, link } from "node:fs/promises";
import { randomFillSync } from "node:crypto";
import { pool } from "../src/pool.ts";
const N = 2000, SZ = 100_000;
const data = randomFillSync(new Uint8Array(N * SZ));
const items = Array.from({ length: N }, (_, i) => i);
async function trial(name: string, fn: (dir: string) => Promise<void> | void) {
  const dir = `/tmp/cm/io-${name}`; rmSync(dir, { recursive: true, force: true }); mkdirSync(dir, { recursive: true });
  for (let i = 0; i < 256; i++) mkdirSync(`${dir}/${i.toString(16).padStart(2, "0")}`, { recursive: true });
  const t = performance.now(); await fn(dir); console.log(name, (performance.now() - t).toFixed(0), "ms");
  rmSync(dir, { recursive: true, force: true });
}
const sub = (i: number) => data.subarray(i * SZ, (i + 1) * SZ);
const aa = (i: number) => (i % 256).toString(16).padStart(2, "0");
for (const W of [1, 4, 8]) {
  await trial(`async6-w${W}`, (dir) => pool(items, W, async (i) => {
    await mkdir(`${dir}/${aa(i)}`, { recursive: true });
    const tmp = `${dir}/${aa(i)}/${i}.tmp`; const fh = await open(tmp, "w");
    await fh.write(sub(i), 0, SZ); await fh.close(); await chmod(tmp, 0o444); await rename(tmp, `${dir}/${aa(i)}/${i}`);
  }));
  await trial(`async-writeFile-w${W}`, (dir) => pool(items, W, async (i) => { await writeFile(`${dir}/${aa(i)}/${i}`, sub(i), { mode: 0o444, flag: "wx" }); }));
}
await trial("sync-open-write-close-rename", (dir) => { for (const i of items) { const tmp = `${dir}/${aa(i)}/${i}.tmp`; const fd = openSync(tmp, "wx", 0o444); writeSync(fd, sub(i)); closeSync(fd); renameSync(tmp, `${dir}/${aa(i)}/${i}`); } });
await trial("sync-write+link", (dir) => { mkdirSync(`${dir}/v`); for (const i of items) { const p = `${dir}/${aa(i)}/${i}`; const fd = openSync(p, "wx", 0o444); writeSync(fd, sub(i)); closeSync(fd); linkSync(p, `${dir}/v/${i}`); } });
