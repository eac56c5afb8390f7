// `npm test`: build, typecheck, then run every test file on every runtime and print one totals line.
// Usage: node scripts/test.mjs [--no-build] [--runtimes node,bun] [--dir packages/storage] [--filter text] [--exclude text]
// A test file whose first lines hold `// @runtimes node,bun` runs on those runtimes only.
// A test that needs a fixture absent from this checkout prints `skipped: <fixture> absent: <test>`; those are counted,
// and SHOAL_FAIL_ON_SKIP=1 (set by .ci/run when shared/ is present) fails the run on any of them.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { availableRuntime } from "./runtimes.mjs";

const root = resolve(new URL("..", import.meta.url).pathname);
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};

const runtimeNames = option("--runtimes", process.env.SHOAL_RUNTIMES ?? "node,node24,bun,deno").split(",");
const dirs = option("--dir") ? [resolve(process.cwd(), option("--dir"))] : ["packages", "apps", "tooling"].map((d) => join(root, d));
const filter = option("--filter");
const exclude = option("--exclude");
const timeoutMs = Number(process.env.SHOAL_TEST_TIMEOUT_MS ?? 600_000);
const concurrency = Number(process.env.SHOAL_TEST_JOBS ?? 2);

if (!flag("--no-build")) {
  const steps = [["npx", ["turbo", "run", "build", "--output-logs=errors-only"]], ["npx", ["turbo", "run", "typecheck", "--output-logs=errors-only"]]];
  for (const [cmd, cmdArgs] of steps) {
    console.log(`$ ${cmd} ${cmdArgs.join(" ")}`);
    const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: "inherit" });
    if (r.status !== 0) {
      console.log(`${cmdArgs[2]} failed`);
      console.log("0 passed, 1 failed");
      process.exit(1);
    }
  }
}

function findTests(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith(".test.ts") && p.includes("/test/")) out.push(p);
  }
  return out;
}

const files = dirs
  .flatMap((d) => findTests(d))
  .filter((f) => (!filter || f.includes(filter)) && (!exclude || !f.includes(exclude)))
  .sort();

function runtimesOf(file) {
  const head = readFileSync(file, "utf8").slice(0, 2000);
  const m = /^\/\/ @runtimes ([\w,]+)/m.exec(head);
  return m ? m[1].split(",") : undefined;
}
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");

function runFile(runtimeName, file) {
  const rt = availableRuntime(runtimeName);
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(rt.cmd, rt.args(file), {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", SHOAL_RUNTIME: runtimeName },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      const text = stripAnsi(output);
      const total = Number(/Total:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const passed = Number(/Passed:\s+(\d+)/.exec(text)?.[1] ?? NaN);
      const skipped = Number(/Skipped:\s+(\d+)/.exec(text)?.[1] ?? 0);
      const absent = text.match(/^skipped: .+$/gm) ?? [];
      let failed = Number.isNaN(total) ? 1 : total - passed - skipped;
      // A file whose every test needs an absent fixture registers none: uvu then prints no summary at all.
      if (Number.isNaN(total) && absent.length > 0 && code === 0) failed = 0;
      // A crash after the summary, or a non-zero exit with no failing test, still fails the file.
      if (code !== 0 && failed === 0) failed = 1;
      if (timedOut) failed = Math.max(failed, 1);
      done({ runtimeName, file, passed: Number.isNaN(passed) ? 0 : passed, failed, skipped: skipped + absent.length, absent, code, timedOut, text, ms: Date.now() - started });
    });
  });
}

// Say which binaries run the tests, so a wrong PATH (e.g. node24 shadowing the machine's node) shows in the log.
for (const name of runtimeNames) {
  const rt = availableRuntime(name);
  const v = spawnSync(rt.cmd, ["--version"], { encoding: "utf8" });
  console.log(`runtime ${name.padEnd(6)} ${rt.cmd}: ${(v.stdout || v.stderr).split("\n")[0]}`);
}

const jobs = runtimeNames.flatMap((r) => files.filter((f) => runtimesOf(f)?.includes(r) ?? true).map((f) => [r, f]));
const results = [];
let next = 0;
async function worker() {
  while (next < jobs.length) {
    const [r, f] = jobs[next++];
    const res = await runFile(r, f);
    results.push(res);
    const status = res.failed ? "FAIL" : "ok  ";
    const skippedNote = res.skipped ? `, ${res.skipped} skipped` : "";
    console.log(`${status} ${r.padEnd(6)} ${relative(root, f)}  ${res.passed} passed, ${res.failed} failed${skippedNote} (${(res.ms / 1000).toFixed(1)}s)${res.timedOut ? " TIMEOUT" : ""}`);
    for (const line of res.absent) console.log(`    ${line}`);
    if (res.failed) console.log(res.text.split("\n").map((l) => `    | ${l}`).join("\n"));
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));

const passed = results.reduce((s, r) => s + r.passed, 0);
let failed = results.reduce((s, r) => s + r.failed, 0);
const skipped = results.reduce((s, r) => s + r.skipped, 0);
const sum = (rs, key) => rs.reduce((s, x) => s + x[key], 0);
for (const r of runtimeNames) {
  const mine = results.filter((x) => x.runtimeName === r);
  const skippedNote = sum(mine, "skipped") ? `, ${sum(mine, "skipped")} skipped` : "";
  console.log(`${r}: ${sum(mine, "passed")} passed, ${sum(mine, "failed")} failed${skippedNote} in ${mine.length} files`);
}
if (files.length === 0) {
  console.log("no test files found");
  failed += 1;
}
if (skipped > 0 && process.env.SHOAL_FAIL_ON_SKIP === "1") {
  console.log(`SHOAL_FAIL_ON_SKIP=1: ${skipped} tests skipped (a fixture they need is absent), counted as one failure`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed ? 1 : 0);
