// @runtimes node
// The chromium leg of scripts/test.mjs counts what happened in the page: passes, failed assertions, an uncaught
// error, a module that throws while loading, a file that cannot be bundled for a browser, a file that never
// finishes, and a missing browser. Probe test files are written into a dot folder of this package (the runner's walk
// of the repository skips dot folders) and the runner is started on that folder alone. It drives the runner itself,
// so it runs on Node only.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const repo = fileURLToPath(new URL("../../..", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));

const PROBES: Record<string, string> = {
  "pass.test.ts": `// @runtimes chromium
import { test } from "uvu";
import * as assert from "uvu/assert";
test("in a browser", () => assert.is(typeof document, "object"));
test("fetches a file beside it", async () => assert.is(await (await fetch(new URL("./data.txt", import.meta.url))).text(), "probe data"));
test("fails", () => assert.is(1, 2, "probe-mismatch"));
test.run();
`,
  "uncaught.test.ts": `// @runtimes chromium
import { test } from "uvu";
test("passes, then leaves an error behind", () => void setTimeout(() => { throw new Error("probe-uncaught"); }));
test.run();
`,
  "node-import.test.ts": `// @runtimes chromium
import { readFileSync } from "node:fs";
import { test } from "uvu";
test("never runs", () => void readFileSync);
test.run();
`,
  "load-error.test.ts": `// @runtimes chromium
import { test } from "uvu";
await Promise.reject(new Error("probe-load-error"));
test("never registered", () => {});
test.run();
`,
  "never.test.ts": `// @runtimes chromium
import { test } from "uvu";
test("never ends", () => new Promise(() => {}));
test.run();
`,
  // No header and outside the browser suites: not a chromium file.
  "plain.test.ts": `import { test } from "uvu";
test("runs on the process runtimes only", () => {});
test.run();
`,
};

function runner(dir: string, env: Record<string, string>) {
  const r = spawnSync(process.execPath, ["scripts/test.mjs", "--no-build", "--runtimes", "chromium", "--dir", dir], {
    cwd: repo,
    env: { ...process.env, SHOAL_TEST_TIMEOUT_MS: "8000", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, lines: r.stdout.trim().split("\n") };
}

let root: string;
let dir: string;
test.before(() => {
  root = mkdtempSync(join(here, ".chromium-probe-"));
  dir = join(root, "test");
  mkdirSync(dir);
  for (const [name, text] of Object.entries(PROBES)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, "data.txt"), "probe data");
});
test.after(() => rmSync(root, { recursive: true, force: true }));

test("passes, failed assertions, uncaught errors, load errors, unbundlable files and hangs are each counted", () => {
  const { code, out, lines } = runner(root, {});
  const rel = (name: string) => relative(repo, join(dir, name));
  const line = (name: string) => lines.find((l) => l.includes(` ${rel(name)} `)) ?? "";
  assert.match(line("pass.test.ts"), /^FAIL chromium .* 2 passed, 1 failed/, out);
  assert.match(out, "probe-mismatch");
  assert.match(line("uncaught.test.ts"), /^FAIL chromium .* 1 passed, 1 failed/, out);
  assert.match(out, "probe-uncaught");
  assert.match(line("node-import.test.ts"), /^FAIL chromium .* 0 passed, 1 failed/, out);
  assert.match(out, "cannot bundle");
  assert.match(out, "// @runtimes node,node24,bun,deno");
  assert.match(line("load-error.test.ts"), /^FAIL chromium .* 0 passed, 1 failed \([0-7]\.\d+s\)$/, `fails without waiting out the timeout\n${out}`);
  assert.match(out, "probe-load-error");
  assert.match(line("never.test.ts"), /TIMEOUT$/, out);
  assert.is(line("plain.test.ts"), "", "a headerless file outside the browser suites stays off chromium");
  assert.ok(lines.includes("chromium: 3 passed, 5 failed in 5 files"), out);
  assert.is(lines.at(-1), "3 passed, 5 failed");
  assert.is(code, 1);
});

test("a missing browser fails the run by name instead of skipping its files", () => {
  const { code, out, lines } = runner(root, { SHOAL_CHROMIUM: join(root, "no-such-chromium") });
  assert.match(out, /FAIL runtime chromium: chromium not found at .*no-such-chromium/);
  assert.is(lines.at(-1), "0 passed, 1 failed");
  assert.is(code, 1);
});

test.run();
