// The README's runnable example, run as a user runs it: its output names the rows each scheduler wrote.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

test("examples/ingest.mjs writes 1000 rows on serial, threads and processes", async () => {
  const dir = await mkdtemp(join(tmpdir(), "shoal-compute-example-"));
  try {
    const script = fileURLToPath(new URL("../examples/ingest.mjs", import.meta.url));
    const isDeno = Boolean((globalThis as { Deno?: unknown }).Deno);
    const args = isDeno ? ["run", "-A", "--quiet", script, dir] : [script, dir];
    const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 120_000 });
    assert.is(r.status, 0, r.stderr);
    for (const scheduler of ["serial", "threads", "processes"]) assert.ok(r.stdout.includes(`${scheduler}: 1000 rows, 500 odd, first label 0`), r.stdout);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
