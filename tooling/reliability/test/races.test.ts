// Concurrent commits of real processes to one branch, on a local folder and on s3rver: in every race each process
// either commits (and its commit is in the branch's log afterwards, its row in the data) or gets a typed error saying
// another writer won. Half the races open first and commit together (the branch ref is raced: exactly one winner),
// half open and commit at once (the write lock is raced). A few long-lived racers run all races, paced by a barrier.
import { spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { S3Store } from "@shoal/storage/s3";
import type { Store } from "@shoal/storage";
import { startS3Server } from "@shoal/testing/node";
import { empty, load } from "shoal/node";
import { scale } from "../src/mutate.ts";
import { report } from "../src/results.ts";

const root = new URL("../../../", import.meta.url).pathname;
const childScript = new URL("./fixtures/race-child.mjs", import.meta.url).pathname;
const races = scale(100);
/** Racers per store: s3rver answers every request of all of them on one core, so two race there. */
const RACERS = { local: 3, s3: 2 };
/** What a loser may hear: another writer published the branch first, or holds the dataset's write lock. */
const LOSING = ["ConcurrentWriteError", "DatasetLockedError"];

interface Answer {
  race: number;
  step: string;
  ok?: boolean;
  id?: string;
  value?: number;
  error?: string;
  message?: string;
  closeError?: { error: string; message: string };
}

class Racer {
  readonly #proc: ChildProcessWithoutNullStreams;
  readonly #waiting: ((a: Answer) => void)[] = [];
  readonly ready: Promise<void>;
  #stderr = "";

  constructor(index: number) {
    this.#proc = spawn("node", [childScript, String(index)], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    this.#proc.stderr.on("data", (d: Uint8Array) => (this.#stderr += new TextDecoder().decode(d)));
    let buf = "";
    let onReady!: () => void;
    this.ready = new Promise((r) => (onReady = r));
    this.#proc.stdout.on("data", (d: Uint8Array) => {
      buf += new TextDecoder().decode(d);
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === "ready") onReady();
        else this.#waiting.shift()?.(JSON.parse(line) as Answer);
      }
    });
  }

  /** One step at a time per racer: answers come back in order. */
  send(msg: { race: number; step: string; target: unknown }): Promise<Answer> {
    const answer = new Promise<Answer>((resolve) => this.#waiting.push(resolve));
    this.#proc.stdin.write(`${JSON.stringify(msg)}\n`);
    return answer;
  }

  stop(): string {
    this.#proc.stdin.end();
    this.#proc.kill("SIGTERM");
    return this.#stderr;
  }
}

interface Figures {
  racers: number;
  races: number;
  commits: number;
  losers: Record<string, number>;
  lostCommits: number;
  refRaces: number;
  lockRaces: number;
}

/** Where a batch of races runs: what the racers are told, and how this process opens it to check. */
interface Place {
  target: unknown;
  open(): Store | string;
}

/**
 * Runs `races` races, `perPlace` on each fresh dataset `place(n)` gives, and checks after each race that every
 * reported commit is in the branch's log, and after each batch that the rows are exactly the winners' rows.
 */
async function race(racers: Racer[], perPlace: number, place: (n: number) => Promise<Place>): Promise<Figures> {
  const figures: Figures = { racers: racers.length, races, commits: 0, losers: {}, lostCommits: 0, refRaces: 0, lockRaces: 0 };
  let here: Place | undefined;
  let reported: { id: string; value: number }[] = [];
  for (let i = 0; i < races; i++) {
    if (i % perPlace === 0) {
      if (here) await checkRows(here, reported);
      here = await place(i / perPlace);
      reported = [];
    }
    const target = here!.target;
    const refRace = i % 2 === 0;
    let answers: Answer[];
    if (refRace) {
      figures.refRaces++;
      const opened = await Promise.all(racers.map((r) => r.send({ race: i, step: "open", target })));
      for (const a of opened) assert.ok(a.ok, `race ${i}: open failed: ${a.error} ${a.message}`);
      answers = await Promise.all(racers.map((r) => r.send({ race: i, step: "commit", target })));
    } else {
      figures.lockRaces++;
      answers = await Promise.all(racers.map((r) => r.send({ race: i, step: "open+commit", target })));
    }
    const winners = answers.filter((a) => a.ok);
    for (const a of answers) {
      assert.is(a.closeError, undefined, `race ${i}: a winner could not close: ${JSON.stringify(a.closeError)}`);
      if (a.ok) continue;
      assert.ok(LOSING.includes(a.error!), `race ${i}: a loser got ${a.error}: ${a.message}`);
      assert.match(a.message!, /another writer|open for writing by session/, `race ${i}: the error says why: ${a.error} ${a.message}`);
      figures.losers[a.error!] = (figures.losers[a.error!] ?? 0) + 1;
    }
    // Racers that opened the same head before committing: the ref admits exactly one of them.
    if (refRace) assert.is(winners.length, 1, `race ${i}: ${winners.length} winners of one branch ref`);
    else assert.ok(winners.length >= 1, `race ${i}: nobody won: ${JSON.stringify(answers)}`);
    reported.push(...winners.map((a) => ({ id: a.id!, value: a.value! })));
    figures.commits += winners.length;
    const ds = await load(here!.open(), { readOnly: true });
    const ids = new Set((await ds.commits()).map((c) => c.commit));
    const lost = reported.filter((c) => !ids.has(c.id));
    figures.lostCommits += lost.length;
    assert.equal(lost, [], `race ${i}: commits reported as made are missing from the log`);
    await ds.close();
  }
  await checkRows(here!, reported);
  return figures;
}

/** Every winner's row is in the data exactly once, and nothing else is. */
async function checkRows(place: Place, reported: { value: number }[]): Promise<void> {
  const ds = await load(place.open(), { readOnly: true });
  const values = [...((await ds.tensor("x").numpy()) as { data: Int32Array }).data].sort((a, b) => a - b);
  assert.equal(values, reported.map((c) => c.value).sort((a, b) => a - b), "rows are exactly the winners' rows");
  assert.is(ds.tensor("label").length, reported.length);
  await ds.close();
}

async function withRacers<T>(count: number, fn: (racers: Racer[]) => Promise<T>): Promise<T> {
  const racers = Array.from({ length: count }, (_, k) => new Racer(k));
  try {
    await Promise.all(racers.map((r) => r.ready));
    return await fn(racers);
  } finally {
    for (const r of racers) r.stop();
  }
}

async function createTensors(ds: Awaited<ReturnType<typeof empty>>): Promise<void> {
  await ds.createTensor("x", { dtype: "int32" });
  await ds.createTensor("label", { htype: "text" });
  await ds.close();
}

const all: Record<string, Figures> = {};

test(`${races} races of ${RACERS.local} processes committing to one branch of a local folder: 0 lost commits`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "shoal-races-"));
  try {
    const path = join(dir, "ds");
    all.local = await withRacers(RACERS.local, (racers) =>
      race(racers, races, async () => {
        await createTensors(await empty(path));
        return { target: { kind: "local", path }, open: () => path };
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(`${races} races of ${RACERS.s3} processes committing to one branch on s3rver (with the lock it needs): 0 lost commits`, async () => {
  const s3 = await startS3Server({ bucket: "races" });
  const lockDir = join(mkdtempSync(join(tmpdir(), "shoal-races-lock-")), "lock");
  const store = (prefix = "ds") => new S3Store({ bucket: s3.bucket, prefix, endpoint: s3.endpoint, credentials: s3.credentials, forcePathStyle: true });
  try {
    // s3rver ignores If-None-Match: without a lock, writing is refused outright rather than left to chance.
    await createTensors(await empty(store(), { commitLock: { acquire: async () => {}, release: async () => {} } }));
    const unlocked = await load(store()).then(() => undefined, (e: unknown) => e);
    assert.ok(isShoalError(unlocked, "LockRequiredError"), `writing on s3rver without a commit lock: ${String(unlocked)}`);
    assert.match((unlocked as Error).message, "does not enforce conditional writes");
    // A fresh dataset every 10 races keeps each race small: opening reads one index segment per commit and tensor.
    all.s3 = await withRacers(RACERS.s3, (racers) =>
      race(racers, 10, async (n) => {
        const prefix = `ds-${n}`;
        await createTensors(await empty(store(prefix), { commitLock: { acquire: async () => {}, release: async () => {} } }));
        return { target: { kind: "s3", endpoint: s3.endpoint, bucket: s3.bucket, prefix, lockDir }, open: () => store(prefix) };
      }),
    );
  } finally {
    await s3.stop();
    rmSync(join(lockDir, ".."), { recursive: true, force: true });
  }
});

test("figures", async () => {
  await report("races", { local: all.local, s3: all.s3 });
  for (const f of Object.values(all)) {
    assert.is(f.lostCommits, 0);
    assert.ok(Object.values(f.losers).reduce((a, b) => a + b, 0) >= f.refRaces, "every ref race had losers");
  }
});

test.run();
