// `npm test`: build, typecheck, then run every test file on every runtime and print one totals line.
// Usage: node scripts/test.mjs [--no-build] [--runtimes node,bun] [--dir packages/storage] [--filter text] [--exclude text]
// A test file whose first lines hold `// @runtimes node,bun` runs on those runtimes only. Without the header a file
// runs on node, node24, bun and deno, and also in `chromium` when it belongs to one of BROWSER_SUITES: there a test
// that needs node: APIs (fs, child processes, servers) says so with `// @runtimes node,node24,bun,deno`; elsewhere a
// header naming chromium brings a file into the browser (packages/shoal/test/visualize-browser.test.ts).
// The chromium runtime (scripts/chromium.mjs) runs unless --runtimes leaves it out; a missing browser fails the run.
// A test that needs a fixture absent from this checkout prints `skipped: <fixture> absent: <test>`; those are counted,
// and SHOAL_FAIL_ON_SKIP=1 (set by .ci/run when shared/ is present) fails the run on any of them.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ChromiumRuntime, CHROMIUM, chromiumMissing } from "./chromium.mjs";
import { availableRuntime } from "./runtimes.mjs";

const root = resolve(new URL("..", import.meta.url).pathname);
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};

const PROCESS_RUNTIMES = ["node", "node24", "bun", "deno"];
const runtimeNames = option("--runtimes", process.env.SHOAL_RUNTIMES ?? [...PROCESS_RUNTIMES, "chromium"].join(",")).split(",");
// Issue #12: the packages whose suites also prove themselves in a browser. The facade, vcs and CLI suites build
// datasets on disk and stay out.
const BROWSER_SUITES = ["packages/storage", "packages/codecs", "packages/chunks", "packages/views", "packages/loader"];
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
  if (m) {
    const named = m[1].split(",");
    const unknown = named.filter((r) => r !== "chromium" && !PROCESS_RUNTIMES.includes(r));
    if (unknown.length) throw new Error(`${relative(root, file)}: unknown runtime ${unknown.join(", ")} in its @runtimes header`);
    return named;
  }
  const inBrowserSuite = BROWSER_SUITES.some((d) => relative(join(root, d), file).split("/")[0] !== "..");
  return inBrowserSuite ? [...PROCESS_RUNTIMES, "chromium"] : PROCESS_RUNTIMES;
}
const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");

let chromium;
async function runFile(runtimeName, file) {
  const started = Date.now();
  const out =
    runtimeName === "chromium"
      ? await (chromium ??= new ChromiumRuntime(root, timeoutMs)).run(file).catch((e) => ({ text: `chromium: ${e.stack ?? e.message}\n`, code: 1, timedOut: false }))
      : await spawnFile(runtimeName, file);
  return { runtimeName, file, ...summarize(out), ms: Date.now() - started };
}

/** Counts from uvu's report in `text`, with the exit code deciding the file's fate where the report cannot. */
function summarize({ text: raw, code, timedOut }) {
  const text = stripAnsi(raw);
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
  return { passed: Number.isNaN(passed) ? 0 : passed, failed, skipped: skipped + absent.length, absent, code, timedOut, text };
}

function spawnFile(runtimeName, file) {
  const rt = availableRuntime(runtimeName);
  return new Promise((done) => {
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
      done({ text: output, code, timedOut });
    });
  });
}

// Say which binaries run the tests, so a wrong PATH (e.g. node24 shadowing the machine's node) shows in the log.
const filesOn = (r) => files.filter((f) => runtimesOf(f).includes(r));
// A runtime that cannot start is one failure with its reason, never a silent skip of its files. The browser is
// needed only when some file runs there (a package outside BROWSER_SUITES tests without it).
const broken = new Map();
for (const name of runtimeNames) {
  if (name === "chromium") {
    if (filesOn(name).length === 0) continue;
    const why = chromiumMissing();
    if (why) broken.set(name, why);
    else console.log(`runtime chromium ${CHROMIUM}: ${spawnSync(CHROMIUM, ["--version"], { encoding: "utf8" }).stdout.trim()}`);
    continue;
  }
  const rt = availableRuntime(name);
  const v = spawnSync(rt.cmd, ["--version"], { encoding: "utf8" });
  console.log(`runtime ${name.padEnd(8)} ${rt.cmd}: ${(v.stdout || v.stderr).split("\n")[0]}`);
}
for (const [name, why] of broken) console.log(`FAIL runtime ${name}: ${why}`);

const jobs = runtimeNames.filter((r) => !broken.has(r)).flatMap((r) => filesOn(r).map((f) => [r, f]));
const results = [];
let next = 0;
async function worker() {
  while (next < jobs.length) {
    const [r, f] = jobs[next++];
    const res = await runFile(r, f);
    results.push(res);
    const status = res.failed ? "FAIL" : "ok  ";
    const skippedNote = res.skipped ? `, ${res.skipped} skipped` : "";
    console.log(`${status} ${r.padEnd(8)} ${relative(root, f)}  ${res.passed} passed, ${res.failed} failed${skippedNote} (${(res.ms / 1000).toFixed(1)}s)${res.timedOut ? " TIMEOUT" : ""}`);
    for (const line of res.absent) console.log(`    ${line}`);
    if (res.failed) console.log(res.text.split("\n").map((l) => `    | ${l}`).join("\n"));
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
await chromium?.close();

const passed = results.reduce((s, r) => s + r.passed, 0);
let failed = results.reduce((s, r) => s + r.failed, 0) + broken.size;
const skipped = results.reduce((s, r) => s + r.skipped, 0);
const sum = (rs, key) => rs.reduce((s, x) => s + x[key], 0);
for (const r of runtimeNames) {
  const mine = results.filter((x) => x.runtimeName === r);
  const skippedNote = sum(mine, "skipped") ? `, ${sum(mine, "skipped")} skipped` : "";
  if (broken.has(r)) console.log(`${r}: not run, counted as one failure: ${broken.get(r)}`);
  else console.log(`${r}: ${sum(mine, "passed")} passed, ${sum(mine, "failed")} failed${skippedNote} in ${mine.length} files`);
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
