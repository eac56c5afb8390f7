import { mkdirSync, rmSync, openSync, writeSync, closeSync, linkSync, writeFileSync, open as cbOpen, write as cbWrite, close as cbClose, link as cbLink } from "node:fs";
import { open, writeFile, link } from "node:fs/promises";
import { promisify } from "node:util";
import { spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { pool } from "../src/pool.ts";
const N = 2000, SZ = 100_000;
const data = randomFillSync(new Uint8Array(N * SZ));
const items = Array.from({ length: N }, (_, i) => i);
const sub = (i: number) => data.subarray(i * SZ, (i + 1) * SZ);
rmSync("/tmp/cm/src2", { recursive: true, force: true }); mkdirSync("/tmp/cm/src2");
for (let i = 0; i < 100; i++) mkdirSync(`/tmp/cm/src2/d${i}`);
for (const i of items) writeFileSync(`/tmp/cm/src2/d${i % 100}/${i}`, sub(i));
const po = promisify(cbOpen), pw = promisify(cbWrite), pc = promisify(cbClose), pl = promisify(cbLink);
async function trial(name: string, fn: (dir: string) => Promise<void> | void) {
  const dir = `/tmp/cm/io-${name}`; rmSync(dir, { recursive: true, force: true }); mkdirSync(dir, { recursive: true });
  mkdirSync(`${dir}/obj`); for (let i = 0; i < 100; i++) mkdirSync(`${dir}/d${i}`);
  const t = performance.now(); await fn(dir); const ms = performance.now() - t;
  rmSync(dir, { recursive: true, force: true });
  const t2 = performance.now(); spawnSync("cp", ["-r", "/tmp/cm/src2", `${dir}-cp`]); const cp = performance.now() - t2;
  rmSync(`${dir}-cp`, { recursive: true, force: true });
  console.log(name.padEnd(20), ms.toFixed(0), "ms; cp", cp.toFixed(0), "ratio", (cp / ms).toFixed(2));
}
const p = (dir: string, i: number) => `${dir}/d${i % 100}/${i}`;
for (let r = 0; r < 2; r++) {
  await trial("fsp-handle+link", (dir) => pool(items, 4, async (i) => { const fh = await open(p(dir, i), "wx", 0o444); await fh.write(sub(i), 0, SZ); await fh.close(); await link(p(dir, i), `${dir}/obj/${i}`); }));
  await trial("cb-promisify+link", (dir) => pool(items, 4, async (i) => { const fd = await po(p(dir, i), "wx", 0o444); await pw(fd, sub(i), 0, SZ); await pc(fd); await pl(p(dir, i), `${dir}/obj/${i}`); }));
  await trial("cb-promisify+link-w8", (dir) => pool(items, 8, async (i) => { const fd = await po(p(dir, i), "wx", 0o444); await pw(fd, sub(i), 0, SZ); await pc(fd); await pl(p(dir, i), `${dir}/obj/${i}`); }));
  await trial("fsp-writeFile+link", (dir) => pool(items, 4, async (i) => { await writeFile(p(dir, i), sub(i), { flag: "wx", mode: 0o444 }); await link(p(dir, i), `${dir}/obj/${i}`); }));
  await trial("sync+link", (dir) => { for (const i of items) { const fd = openSync(p(dir, i), "wx", 0o444); writeSync(fd, sub(i)); closeSync(fd); linkSync(p(dir, i), `${dir}/obj/${i}`); } });
}
