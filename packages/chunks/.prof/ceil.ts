import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { S224 as S, imagePool } from "../bench/bench-lib.ts";
import { xxh32 } from "../src/xxh32.ts";
const { sample } = imagePool();
const N = Number(process.env.N ?? 3000), CHUNK = 16_000_000;
function ceilingWrite(dir: string, hash: boolean): number {
  rmSync(dir, { recursive: true, force: true }); mkdirSync(dir, { recursive: true });
  const chunk = new Uint8Array(CHUNK); const index = new Uint32Array(N * 2); let used = 0; let n = 0; let h = 0;
  const t = performance.now();
  const flush = () => { writeFileSync(join(dir, `chunk_${n++}`), chunk.subarray(0, used)); used = 0; };
  for (let i = 0; i < N; i++) {
    if (used + S > CHUNK) flush();
    chunk.set(sample(i), used);
    if (hash) h ^= xxh32(chunk, used, used + S);
    index[2 * i] = n; index[2 * i + 1] = used; used += S;
  }
  if (used) flush();
  writeFileSync(join(dir, "index"), index);
  return (N * S) / 1e6 / ((performance.now() - t) / 1000);
}
for (let r = 0; r < 6; r++) console.log("plain", ceilingWrite("/tmp/ceil-" + process.pid, false).toFixed(0), "hashed", ceilingWrite("/tmp/ceil-" + process.pid, true).toFixed(0));
rmSync("/tmp/ceil-" + process.pid, { recursive: true, force: true });
