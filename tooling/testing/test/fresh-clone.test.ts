// @runtimes node
// A user's clone has no shared/ beside it: clone this repository alone into an empty folder, install, build and run
// the Node suite there. Tests whose fixture lives only in shared/ must report themselves skipped; nothing may fail.
// It runs the suite itself on Node, so the runner starts it on Node only.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const repo = fileURLToPath(new URL("../../..", import.meta.url));

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout: number) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", timeout, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

test("a clone alone in an empty folder installs, builds and passes its Node suite; shared-only fixtures skip", () => {
  const dir = mkdtempSync(join(tmpdir(), "shoal-fresh-"));
  try {
    const clone = join(dir, "shoal");
    const env: NodeJS.ProcessEnv = { ...process.env, CI: "true", TURBO_TELEMETRY_DISABLED: "1" };
    for (const name of ["SHOAL_SHARED_DIR", "SHOAL_FAIL_ON_SKIP", "SHOAL_RUNTIME", "SHOAL_TQL_CASES", "SHOAL_RUNTIMES"]) delete env[name];
    const cloned = run("git", ["clone", "--quiet", "--no-hardlinks", repo, clone], dir, env, 60_000);
    assert.is(cloned.code, 0, cloned.out);
    assert.not.ok(existsSync(join(dir, "shared")), "nothing beside the clone");
    const install = run("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], clone, env, 240_000);
    assert.is(install.code, 0, install.out);
    // The suite minus this file (which would recurse); build and typecheck included, as `npm test` does them.
    const suite = run(process.execPath, ["scripts/test.mjs", "--runtimes", "node", "--exclude", "fresh-clone.test.ts"], clone, env, 480_000);
    const last = suite.out.trim().split("\n").at(-1) ?? "";
    const failing = suite.out.split("\n").filter((l) => /^FAIL |^\s+\| |failed$/.test(l));
    assert.is(suite.code, 0, [...failing.slice(0, 60), last].join("\n"));
    const totals = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/.exec(last);
    assert.ok(totals, `last line: ${last}`);
    assert.ok(Number(totals![1]) > 0, "tests ran");
    assert.is(Number(totals![2]), 0, "none failed");
    // Without shared/, the tests of the two fixtures that cannot be vendored say so, each by name.
    const skips = suite.out.match(/^\s*skipped: .+ absent: .+$/gm) ?? [];
    assert.ok(skips.some((l) => l.includes("transcribebot-3.4.0-versioned absent")), "transcribebot tests report skipped");
    assert.ok(skips.some((l) => l.includes("chat-with-docs-3.8.8 absent")), "chat-with-docs tests report skipped");
    assert.is(Number(totals![3] ?? 0), skips.length, "the totals line counts every skip");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
