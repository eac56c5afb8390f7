// @runtimes node,node24
// The queue scheduler end to end: a real redis-server, a real S3-compatible server (s3rver), and `shoal worker`
// processes of the built CLI. Rows land in input order in one commit; a worker killed mid-task loses and doubles
// nothing; a task failing on every attempt is reported with its range and leaves the dataset as it was.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type TestRedisServer, type TestS3Server, startRedisServer, startS3Server } from "@shoal/testing/node";
import { type Dataset, empty, isShoalError, load } from "shoal";
import { redisCommitLock, redisQueue } from "../src/node.ts";
// @ts-expect-error: plain JavaScript module
import { failOn, render, stallOnce } from "./fixtures/transforms.mjs";

const bin = fileURLToPath(new URL("../../../apps/cli/dist/bin.js", import.meta.url));
const runtime = process.env.SHOAL_RUNTIME ?? "node";
let redis: TestRedisServer;
let s3: TestS3Server;
let dir = "";
const workers: ChildProcess[] = [];
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function creds() {
  return { ...s3.credentials, endpoint: s3.endpoint, forcePathStyle: true, region: "us-east-1" };
}

/** A `shoal worker` process; resolves once it says it is waiting for tasks. */
function startWorker(name: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn("node", [bin, "worker", "--queue", redis.url, "--name", name, "--lock-ms", "1500"], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey, AWS_REGION: "us-east-1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  workers.push(child);
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr!.on("data", (d) => {
      err += d;
      if (err.includes("waiting for tasks")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
}

async function target(path: string): Promise<Dataset> {
  const url = `s3://${s3.bucket}/${runtime}/${path}`;
  const ds = await empty(url, { creds: creds(), commitLock: redisCommitLock(redis.url, url), overwrite: true });
  await ds.createTensor("images", { htype: "image", sampleCompression: "png" });
  await ds.createTensor("labels", { htype: "class_label", classNames: ["even", "odd"] });
  await ds.commit("tensors");
  return ds;
}

async function stopWorkers(): Promise<void> {
  for (const w of workers.splice(0)) if (w.exitCode === null && w.signalCode === null) w.kill("SIGTERM");
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "shoal-queue-"));
  redis = await startRedisServer();
  s3 = await startS3Server({ bucket: "shoal-queue" });
});
test.after(async () => {
  await stopWorkers();
  await redis?.stop();
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

test("two worker processes: rows in input order, one commit, task datasets gone", async () => {
  await Promise.all([startWorker("q1"), startWorker("q1")]);
  const ds = await target("ordered");
  const before = (await ds.commits()).length;
  const progress: number[] = [];
  const r = await render().eval(range(60), ds, { scheduler: "queue", queue: redisQueue(redis.url, { name: "q1", creds: creds() }), batchSize: 7, onProgress: (d: number) => progress.push(d) });
  assert.is(r.rows, 60);
  assert.is(ds.length, 60);
  assert.equal(Array.from(((await ds.tensor("labels").numpy()) as { data: Uint32Array }).data), range(60).map((x) => x % 2));
  const images = (await ds.tensor("images").numpy({ aslist: true })) as { data: Uint8Array }[];
  assert.equal(images.map((a) => a.data[0]), range(60));
  assert.is((await ds.commits()).length, before + 1);
  assert.is(progress.at(-1), 60);
  const reopened = await load(`s3://${s3.bucket}/${runtime}/ordered`, { creds: creds(), readOnly: true });
  assert.is(reopened.length, 60);
  const left = await fetch(`${s3.endpoint}/${s3.bucket}?list-type=2&prefix=${runtime}/ordered.compute/`).then((x) => x.text());
  assert.not.match(left, /<Key>/);
  await ds.close();
  await stopWorkers();
});

test("a worker killed mid-task: its task runs again on the other, nothing lost or doubled", async () => {
  await Promise.all([startWorker("q2"), startWorker("q2")]);
  const ds = await target("killed");
  const marker = join(dir, "stalled-pid");
  const run = stallOnce(23, marker).eval(range(40), ds, { scheduler: "queue", queue: redisQueue(redis.url, { name: "q2", creds: creds() }), batchSize: 5 });
  for (let i = 0; ; i++) {
    const pid = await readFile(marker, "utf8").catch(() => "");
    if (pid) {
      process.kill(Number(pid), "SIGKILL");
      break;
    }
    if (i > 400) throw new Error("no worker reached the stalling input");
    await new Promise((r) => setTimeout(r, 25));
  }
  const r = await run;
  assert.is(r.rows, 40);
  const images = (await ds.tensor("images").numpy({ aslist: true })) as { data: Uint8Array }[];
  assert.equal(images.map((a) => a.data[0]), range(40));
  await ds.close();
  await stopWorkers();
});

test("a task failing on every attempt: TaskFailedError names its input range, the dataset is unchanged", async () => {
  await startWorker("q3");
  const ds = await target("failing");
  const head = ds.commitId;
  const err = await failOn(17).eval(range(30), ds, { scheduler: "queue", queue: redisQueue(redis.url, { name: "q3", creds: creds() }), batchSize: 10 }).catch((e: unknown) => e);
  assert.ok(isShoalError(err, "TaskFailedError"), String(err));
  assert.match((err as Error).message, /inputs 10…19\) failed 3 times; last: .*cannot take 17/);
  assert.is((err as unknown as { start: number }).start, 10);
  assert.is(ds.length, 0);
  assert.is(ds.commitId, head);
  assert.not.ok(ds.hasHeadChanges);
  await ds.close();
  await stopWorkers();
});

test("a worker of another version refuses the task; the producer says so, without retries", async () => {
  await startWorker("q4", { SHOAL_WORKER_VERSION: "9.9.9" });
  const ds = await target("version");
  const t = Date.now();
  const err = await render().eval(range(4), ds, { scheduler: "queue", queue: redisQueue(redis.url, { name: "q4", creds: creds() }) }).catch((e: unknown) => e);
  assert.ok(isShoalError(err, "VersionMismatchError"), String(err));
  assert.match((err as Error).message, /worker runs @shoal\/queue 9\.9\.9/);
  assert.is(ds.length, 0);
  assert.ok(Date.now() - t < 10_000);
  await ds.close();
  await stopWorkers();
});

test("bad input: unreachable Redis, inputs that cannot travel, an in-memory target, a bad URL", async () => {
  const ds = await target("bad");
  const unreachable = await render().eval([1], ds, { scheduler: "queue", queue: redisQueue("redis://127.0.0.1:1") }).catch((e: unknown) => e);
  assert.ok(isShoalError(unreachable, "QueueConnectionError"), String(unreachable));
  const typed = await render().eval([new Uint8Array(3)], ds, { scheduler: "queue", queue: redisQueue(redis.url) }).catch((e: unknown) => e);
  assert.ok(isShoalError(typed, "QueueInputError") && /input 0 holds a Uint8Array/.test((typed as Error).message), String(typed));
  const fn = await render().eval([{ f: () => 1 }], ds, { scheduler: "queue", queue: redisQueue(redis.url) }).catch((e: unknown) => e);
  assert.ok(isShoalError(fn, "QueueInputError"), String(fn));
  const memory = await empty("memory://queue-target");
  const mem = await render().eval([1], memory, { scheduler: "queue", queue: redisQueue(redis.url) }).catch((e: unknown) => e);
  assert.ok(isShoalError(mem, "QueueInputError"), String(mem));
  assert.throws(() => redisQueue("http://x"), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
  assert.throws(() => redisQueue(redis.url, { attempts: 0 }), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
  assert.is(ds.length, 0);
  await ds.close();
});

test.run();
