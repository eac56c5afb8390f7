// `npm run bench`: builds, then runs every packages/*/bench/*.bench.ts on Node. Each bench prints JSON lines
// ({"bench": ..., "metric": ..., "value": ..., "baseline": ..., ...}); they are echoed and saved to bench/results/.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);
const filter = process.argv[2];
if (!process.argv.includes("--no-build")) {
  const r = spawnSync("npx", ["turbo", "run", "build", "--output-logs=errors-only"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(1);
}
const files = [];
for (const group of ["packages", "apps"]) {
  for (const pkg of readdirSync(join(root, group))) {
    const dir = join(root, group, pkg, "bench");
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (f.endsWith(".bench.ts") && (!filter || f.includes(filter) || pkg.includes(filter))) files.push(join(dir, f));
  }
}
const outDir = join(root, "bench", "results");
mkdirSync(outDir, { recursive: true });
const lines = [];
let failed = 0;
for (const f of files.sort()) {
  process.stderr.write(`# ${f.slice(root.length + 1)}\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", "--expose-gc", f], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 });
  for (const line of r.stdout.split("\n")) {
    if (!line.trim().startsWith("{")) continue;
    process.stdout.write(line + "\n");
    lines.push(line);
  }
  if (r.status !== 0) failed++;
}
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
writeFileSync(join(outDir, `bench-${stamp}.jsonl`), lines.join("\n") + "\n");
process.stderr.write(`# ${lines.length} results from ${files.length} files → bench/results/bench-${stamp}.jsonl\n`);
process.exit(failed ? 1 : 0);
