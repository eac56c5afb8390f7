// Writers SIGKILLed at seeded random moments while appending, flushing and committing: afterwards the dataset
// opens for writing (the dead writer's lock is detected as stale), holds exactly whole flushed batches, keeps every
// commit the writer reported, and fixVc() finds it consistent. `shoal unlock` breaks a dead writer's lock.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { empty, load } from "shoal/node";
import { repairsOf } from "../src/kill.ts";
import { Rng, scale, seedBase } from "../src/mutate.ts";
import { report } from "../src/results.ts";

const root = new URL("../../../", import.meta.url).pathname;
const child = new URL("./fixtures/crash-child.mjs", import.meta.url).pathname;
const cliBin = join(root, "apps/cli/dist/bin.js");
const BATCH = 5;
const trials = scale(50);

interface Trial {
  flushed: number;
  commits: string[];
  stderr: string;
  exited: boolean;
}

/** Runs the writer, kills it `delayMs` after it is ready (or lets it be if it fails first). */
function runWriter(path: string, delayMs: number): Promise<Trial> {
  return new Promise((resolve) => {
    const p = spawn("node", [child, path, String(BATCH)], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    const t: Trial = { flushed: -1, commits: [], stderr: "", exited: false };
    let buf = "";
    p.stdout.on("data", (d: Uint8Array) => {
      buf += new TextDecoder().decode(d);
      for (;;) {
        const nl = buf.indexOf("\n");
        if (nl < 0) break;
        const line = buf.slice(0, nl).split(" ");
        buf = buf.slice(nl + 1);
        if (line[0] === "ready") setTimeout(() => p.kill("SIGKILL"), delayMs);
        if (line[0] === "flushed") t.flushed = Number(line[1]);
        if (line[0] === "committed") t.commits.push(line[2]!);
      }
    });
    p.stderr.on("data", (d: Uint8Array) => (t.stderr += new TextDecoder().decode(d)));
    p.on("close", (code, signal) => {
      t.exited = signal !== "SIGKILL";
      resolve(t);
    });
  });
}

test(`${trials} writers SIGKILLed mid-append/flush/commit: the dataset opens, nothing flushed or committed is lost`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "shoal-reliability-crash-"));
  const rng = new Rng(seedBase() + 77);
  let unreadable = 0;
  let lost = 0;
  let staleLocks = 0;
  let repaired = 0;
  try {
    const path = join(dir, "ds");
    const ds = await empty(path);
    await ds.createTensor("x", { dtype: "int32", maxChunkSize: 4096 });
    await ds.createTensor("label", { htype: "text" });
    await ds.close();
    const committed: string[] = [];
    let lastFlushed = 0;
    for (let i = 0; i < trials; i++) {
      const t = await runWriter(path, 20 + (rng.nextUint32() % 250));
      assert.not.ok(t.exited, `writer ${i} exited by itself: ${t.stderr}`);
      committed.push(...t.commits);
      if (t.flushed >= 0) lastFlushed = t.flushed;
      if (existsSync(join(path, "locks/write.json"))) staleLocks++;
      let after;
      try {
        after = await load(path); // for writing: the dead writer's lock must not block it
      } catch (e) {
        unreadable++;
        assert.unreachable(`trial ${i}: reopen failed: ${e}`);
        return;
      }
      const n = after.tensor("x").length;
      assert.ok(n >= lastFlushed && n % BATCH === 0 && n <= lastFlushed + BATCH, `trial ${i}: ${n} rows, last flush reported ${lastFlushed}`);
      assert.is(after.tensor("label").length, n, "every tensor ends at the same row");
      const labels = (await after.tensor("label").text()) as string[];
      const bad = labels.findIndex((s, k) => s !== `row ${k}`);
      if (bad >= 0) lost++;
      assert.is(bad, -1, `trial ${i}: row ${bad} reads ${labels[bad]}`);
      const last = (await after.tensor("x").read(n - 1)) as { data: Int32Array } | undefined;
      if (n > 0) assert.is(last!.data[63], n - 1);
      const ids = new Set((await after.commits()).map((c) => c.commit));
      const missing = committed.filter((c) => !ids.has(c));
      lost += missing.length;
      assert.equal(missing, [], `trial ${i}: commits lost`);
      const fix = await after.fixVc();
      repaired += repairsOf(fix);
      lastFlushed = n;
      await after.close();
    }
    await report("crash", { trials, unreadable, lostCommittedSamples: lost, staleLocksDetected: staleLocks, commits: committed.length, fixVcRepairs: repaired });
    assert.ok(committed.length >= 3, `only ${committed.length} commits were made: the kill points never reached commit`);
    assert.ok(staleLocks > trials / 2, `a killed writer leaves its lock (${staleLocks} of ${trials})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function cli(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn("node", [cliBin, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
    p.stderr.on("data", (d: Uint8Array) => (out += new TextDecoder().decode(d)));
    p.on("close", (code) => resolve({ code: code ?? -1, out }));
  });
}

test("shoal unlock: breaks a dead writer's lock with a clear message, refuses a live one, says when there is none", async () => {
  const dir = mkdtempSync(join(tmpdir(), "shoal-reliability-unlock-"));
  try {
    const path = join(dir, "ds");
    const ds = await empty(path);
    await ds.createTensor("x", { dtype: "int32", maxChunkSize: 4096 });
    await ds.close();
    assert.match((await cli(["unlock", path])).out, "not locked");
    const t = await runWriter(path, 10);
    assert.ok(existsSync(join(path, "locks/write.json")), "the killed writer left its lock");
    const session = (JSON.parse(readFileSync(join(path, "locks/write.json"), "utf8")) as { session: string }).session;
    const r = await cli(["unlock", path]);
    assert.is(r.code, 0, r.out);
    assert.match(r.out, `removed the write lock of session ${session}`);
    assert.match(r.out, "its process has exited");
    assert.not.ok(existsSync(join(path, "locks/write.json")));
    assert.ok(t.flushed >= -1);
    const live = await load(path); // this process holds it now
    const refused = await cli(["unlock", path]);
    assert.is(refused.code, 6, refused.out);
    assert.match(refused.out, "still running");
    assert.ok(existsSync(join(path, "locks/write.json")), "a live lock is left alone");
    assert.is((await cli(["unlock", path, "--force"])).code, 0);
    await live.close();
    const missing = await cli(["unlock", join(dir, "nothing-here")]);
    assert.is(missing.code, 4, missing.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
