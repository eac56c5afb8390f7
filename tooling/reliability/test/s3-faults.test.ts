// A real dataset workload on a real S3 server (s3rver) through a proxy that injects 5xx, 503 SlowDown, connection
// resets, truncated bodies and stalls at seeded random requests. Every read through the proxy returns the bytes a
// clean connection returns, or a typed error (0 corrupt reads); a write that fails leaves the last committed state or
// completes; the proxy sees the client retry (with backoff) the requests it faulted.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { S3Store } from "@shoal/storage/s3";
import type { Store } from "@shoal/storage";
import { FileDataset } from "@shoal/clearml-compat/node";
import { startS3Server } from "@shoal/testing/node";
import { type Dataset, empty, load } from "shoal/node";
import { FAULT_KINDS, type FaultProxy, startFaultProxy } from "../src/fault-proxy.ts";
import { Rng, scale, seedBase } from "../src/mutate.ts";
import { canonical, describe } from "../src/outcome.ts";
import { report } from "../src/results.ts";

const ROWS_PER_COMMIT = 4;
const rounds = scale(6);
const rawReads = scale(40);
const TIMEOUT_MS = 250;
const RATE = 0.12;

const s3 = await startS3Server({ bucket: "faults" });
const proxy: FaultProxy = await startFaultProxy({ upstream: s3.endpoint, seed: seedBase() * 7919 + 14, rate: RATE, stallMs: TIMEOUT_MS * 3 });
const rng = new Rng(seedBase() + 1414);
// One writer per dataset here: the in-process lock satisfies shoal's rule for stores that cannot enforce create-only.
const commitLock = { acquire: async () => {}, release: async () => {} };

/** `maxAttempts` 2 lets some operations run out of retries, so failures reach the dataset layer too. */
function store(endpoint: string, prefix: string, maxAttempts = 5): Store {
  return new S3Store({ bucket: s3.bucket, prefix, endpoint, credentials: s3.credentials, forcePathStyle: true, timeoutMs: TIMEOUT_MS, maxAttempts, retryBaseMs: 10, retryMaxMs: 80 });
}

const tally = { reads: 0, corrupt: 0, typedReadErrors: 0, crashes: 0, writes: 0, failedWrites: 0, keptPrevious: 0, completedAnyway: 0, failures: [] as string[] };

/** Runs a read through the proxy: it must equal `expected`, or fail with a typed error. */
async function checkedRead(what: string, read: () => Promise<unknown>, expected: unknown): Promise<void> {
  tally.reads++;
  let got: unknown;
  try {
    got = await read();
  } catch (e) {
    if (isShoalError(e)) tally.typedReadErrors++;
    else {
      tally.crashes++;
      tally.failures.push(`crash: ${what}: ${describe(e)}`);
    }
    return;
  }
  if (canonical(got) !== canonical(expected)) {
    tally.corrupt++;
    tally.failures.push(`corrupt read: ${what}`);
  }
}

/** A typed failure of a write is allowed (and counted); anything else is a defect. */
async function write<T>(what: string, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
  tally.writes++;
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    tally.failedWrites++;
    if (!isShoalError(e)) {
      tally.crashes++;
      tally.failures.push(`crash: ${what}: ${describe(e)}`);
    }
    return { ok: false };
  }
}

/** Opens through the proxy, trying a few times: opening is many reads, and faults may exhaust one's retries. */
async function openFaulty(s: Store, readOnly: boolean): Promise<Dataset> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await load(s, { readOnly, commitLock, lockEnabled: false });
    } catch (e) {
      if (!isShoalError(e) || attempt === 5) throw e;
    }
  }
}

const row = (i: number) => Int32Array.from({ length: 16 }, (_, k) => i * 100 + k);

test(`a dataset created, appended, committed and read back through ${rounds} rounds of injected S3 faults`, async () => {
  const faulty = store(proxy.url, "ds");
  const fragile = store(proxy.url, "ds", 2);
  const clean = store(s3.endpoint, "ds");
  const made = await write("create", async () => {
    const ds = await empty(faulty, { commitLock, lockEnabled: false });
    await ds.createTensor("x", { dtype: "int32", maxChunkSize: 1024 });
    await ds.createTensor("label", { htype: "text" });
    await ds.commit("tensors", { allowEmpty: true });
    await ds.close();
  });
  if (!made.ok) {
    // Creation itself failed: start over without faults, so the rounds below still run.
    await proxy.setRate(0);
    try {
      const ds = await empty(faulty, { commitLock, lockEnabled: false, overwrite: true });
      await ds.createTensor("x", { dtype: "int32", maxChunkSize: 1024 });
      await ds.createTensor("label", { htype: "text" });
      await ds.close();
    } finally {
      await proxy.setRate(RATE);
    }
  }
  let rows = 0;
  const reported: string[] = [];
  for (let r = 0; r < rounds; r++) {
    const n = rows;
    const result = await write(`round ${r}`, async () => {
      const ds = await openFaulty(r % 2 ? fragile : faulty, false);
      const ids = Array.from({ length: ROWS_PER_COMMIT }, (_, k) => n + k);
      await ds.extend({ x: ids.map(row), label: ids.map((i) => `row ${i}`) });
      const id = await ds.commit(`round ${r}`);
      await ds.close();
      return id;
    });
    if (result.ok) reported.push(result.value);
    // The committed state, read without the proxy: the previous one or the new one, never anything between.
    const after = await load(clean, { readOnly: true });
    const now = after.tensor("x").length;
    assert.ok(now === n || now === n + ROWS_PER_COMMIT, `round ${r}: ${now} rows after a write from ${n}`);
    if (result.ok) assert.is(now, n + ROWS_PER_COMMIT, `round ${r}: a reported commit is visible`);
    else if (now === n) tally.keptPrevious++;
    else tally.completedAnyway++;
    assert.is(after.tensor("label").length, now, "every tensor ends at the same row");
    const ids = new Set((await after.commits()).map((c) => c.commit));
    assert.equal(reported.filter((c) => !ids.has(c)), [], `round ${r}: every reported commit is in the log`);
    rows = now;
    const expectedX = Array.from({ length: rows }, (_, i) => [...row(i)]);
    const expectedLabels = Array.from({ length: rows }, (_, i) => `row ${i}`);
    const cleanLog = (await after.commits()).map((c) => [c.commit, c.message]);
    await after.close();
    let reader: Dataset;
    try {
      reader = await openFaulty(faulty, true);
    } catch (e) {
      assert.ok(isShoalError(e), describe(e));
      tally.typedReadErrors++;
      continue;
    }
    const all = Array.from({ length: rows }, (_, i) => i);
    await checkedRead(`round ${r}: x`, async () => ((await reader.tensor("x").readMany(all)) as { data: Int32Array }[]).map((a) => [...a.data]), expectedX);
    await checkedRead(`round ${r}: labels`, () => reader.tensor("label").text(), expectedLabels);
    if (rows > 0) {
      const i = rng.nextUint32() % rows;
      await checkedRead(`round ${r}: x[${i}]`, async () => [...((await reader.tensor("x").read(i)) as { data: Int32Array }).data], expectedX[i]);
    }
    await checkedRead(`round ${r}: log`, async () => (await reader.commits()).map((c) => [c.commit, c.message]), cleanLog);
    await reader.close();
  }
  assert.ok(rows >= ROWS_PER_COMMIT, `no round committed (${rows} rows)`);
});

test(`${rawReads} whole and ranged object reads through the proxy equal the clean copy`, async () => {
  const faulty = store(proxy.url, "ds");
  const fragile = store(proxy.url, "ds", 2);
  const clean = store(s3.endpoint, "ds");
  const keys: string[] = [];
  for await (const k of clean.list("")) keys.push(k);
  for (let i = 0; i < rawReads; i++) {
    const key = keys[rng.nextUint32() % keys.length]!;
    const whole = (await clean.get(key))!;
    const offset = whole.length > 1 ? rng.nextUint32() % (whole.length - 1) : 0;
    const range = { offset, length: Math.max(1, Math.min(whole.length - offset, 1 + (rng.nextUint32() % 300))) };
    const via = i % 2 ? fragile : faulty;
    await checkedRead(`get ${key}`, async () => [...((await via.get(key)) ?? [])], [...whole]);
    await checkedRead(`get ${key} [${range.offset}, +${range.length})`, async () => [...((await via.get(key, { range })) ?? [])], [...whole.subarray(range.offset, range.offset + range.length)]);
    await checkedRead(`head ${key}`, async () => (await via.head(key))?.size, whole.length);
  }
  await checkedRead("list", async () => {
    const listed: string[] = [];
    for await (const k of faulty.list("")) listed.push(k);
    return listed;
  }, keys);
});

test("a ClearML-style file dataset uploaded and finalized through the faults reads back byte for byte", async () => {
  const src = mkdtempSync(join(tmpdir(), "shoal-faults-files-"));
  try {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 6; i++) {
      const bytes = Uint8Array.from({ length: 200 + i * 97 }, (_, k) => (k * 31 + i) & 0xff);
      files[`f${i}.bin`] = bytes;
      writeFileSync(join(src, `f${i}.bin`), bytes);
    }
    const faulty = store(proxy.url, "files");
    let fd: FileDataset | undefined;
    for (let attempt = 0; attempt < 6 && !fd?.isFinal(); attempt++) {
      // Every step is resumable: a failed one is redone by the next attempt on the same draft.
      await write(`file dataset attempt ${attempt}`, async () => {
        fd ??= await FileDataset.create({ storage: faulty, project: "p", name: "faults" });
        if (Object.keys(fd.fileEntries).length === 0) await fd.addFiles(src);
        await fd.finalize({ autoUpload: true, uploadOptions: { chunkSizeMB: 0.001 } });
      });
    }
    assert.ok(fd?.isFinal(), "the file dataset was finalized within 6 attempts");
    const cleanFd = await FileDataset.get({ storage: store(s3.endpoint, "files"), id: fd!.id });
    for (const [name, bytes] of Object.entries(files)) {
      assert.equal([...(await cleanFd.readFile(name))], [...bytes], `${name} as stored`);
      await checkedRead(`file ${name}`, async () => [...(await fd!.readFile(name))], [...bytes]);
    }
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
});

test("figures: faults of every kind were injected and retried, 0 corrupt reads", async () => {
  const stats = await proxy.stats();
  const gaps = stats.retryGapsMs;
  const figures = {
    requests: stats.requests,
    faults: stats.faults,
    faultsTotal: Object.values(stats.faults).reduce((a, b) => a + b, 0),
    afterForward: stats.afterForward,
    retries: stats.retries,
    meanRetryGapMs: gaps.length ? Math.round(gaps.reduce((a, b) => a + b, 0) / gaps.length) : 0,
    ...tally,
    failures: tally.failures.slice(0, 10),
  };
  console.log(JSON.stringify(figures));
  await report("s3 faults", figures);
  assert.equal(tally.failures, [], "no corrupt read and no untyped error");
  assert.is(tally.corrupt, 0);
  for (const kind of FAULT_KINDS) assert.ok(stats.faults[kind] > 0, `no ${kind} fault was injected (${JSON.stringify(stats.faults)})`);
  assert.ok(stats.retries >= figures.faultsTotal / 2, `${stats.retries} retries of ${figures.faultsTotal} faulted requests`);
});

test.after(async () => {
  await proxy.stop();
  await s3.stop();
});

test.run();
