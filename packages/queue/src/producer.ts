/**
 * `redisQueue(url)`: the scheduler `transform.eval(input, ds, { scheduler: "queue", queue })` hands a run to. It
 * splits the input into tasks on a BullMQ queue, waits for `shoal worker` processes to run them (each into a task
 * dataset of its own), then appends their rows to the target in input order and commits once. A task that fails on
 * every attempt is reported with its input range, and the target is left as it was.
 * @module
 */
import type { ComputeInputLike, ComputeTarget, EvalOptions, EvalResult, QueueScheduler, Transform } from "@shoal/compute";
import { InvalidArgumentError, ReadOnlyModeError } from "@shoal/core";
import type { StoreCreds } from "shoal";
import { type Job, Queue, QueueEvents } from "bullmq";
import { assertReachable, connectionOptions } from "./connection.ts";
import { QueueInputError, TaskFailedError, VersionMismatchError } from "./errors.ts";
import { assertJsonSamples } from "./inputs.ts";
import { type StorageSettings, type TaskData, type TaskOutcome, DEFAULT_QUEUE_NAME, VERSION_MISMATCH } from "./protocol.ts";
import { credsFor, deletePrefix, readRows, stagingRoot } from "./staging.ts";
import { installedVersion } from "./node-version.ts";

export interface RedisQueueOptions {
  /** Queue name shared with the workers (default "shoal-compute"). */
  name?: string;
  /** Attempts per task before the run fails (default 3). */
  attempts?: number;
  /** Store settings workers need (S3-compatible endpoint, region, path style); their keys come from their env. */
  storage?: StorageSettings;
  /** This process's credentials for the store (it reads the task datasets); never sent to workers. */
  creds?: StoreCreds;
  /** Where task datasets go (default: beside the target, `<target>.compute/<run>`). */
  staging?: string;
}

/** What the producer needs of the target: a shoal Dataset opened on a path or URL the workers reach. */
interface QueueTarget extends ComputeTarget {
  readonly path: string | null;
  readonly branch: string;
  readonly hasHeadChanges: boolean;
  readonly commitId: string | undefined;
  flush(): Promise<void>;
  commit(message?: string, opts?: { allowEmpty?: boolean }): Promise<string>;
}

export function redisQueue(url: string, opts: RedisQueueOptions = {}): QueueScheduler {
  connectionOptions(url);
  const attempts = opts.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) throw new InvalidArgumentError(`[shoal] attempts must be a whole number ≥ 1, got ${String(opts.attempts)}`);
  return { run: (transform, input, target, evalOpts) => runOnQueue(url, opts, attempts, transform, input, target as QueueTarget, evalOpts) };
}

async function runOnQueue(url: string, opts: RedisQueueOptions, attempts: number, transform: Transform, input: ComputeInputLike, ds: QueueTarget, evalOpts: EvalOptions): Promise<EvalResult> {
  if (!Array.isArray(input)) throw new QueueInputError("[shoal] the queue scheduler takes an array of JSON values (paths, URLs, numbers…) as input: workers elsewhere cannot read this process's objects");
  assertJsonSamples(input);
  const missing = transform.stages.find((s) => s.module === undefined);
  if (missing) throw new QueueInputError(`[shoal] transform ${JSON.stringify(missing.name)} has no module: declare it with compute(fn, { module: import.meta.url }) so workers can import it`);
  if (typeof ds?.extend !== "function" || typeof ds.commit !== "function") throw new InvalidArgumentError("[shoal] the queue scheduler writes to a shoal Dataset");
  if (ds.readOnly) throw new ReadOnlyModeError("the dataset given to eval");
  if (typeof ds.path !== "string" || ds.path === "" || ds.path.startsWith("memory:")) {
    throw new QueueInputError("[shoal] the queue scheduler needs a dataset opened on a path or URL its workers reach (s3://…, a shared folder), not an in-memory one");
  }
  await assertReachable(url);
  const batchSize = evalOpts.batchSize ?? Math.max(1, Math.ceil(input.length / 16));
  // Task datasets copy the target's tensors as of now: pending changes are committed first, as merge does.
  await ds.flush();
  if (ds.hasHeadChanges || ds.commitId === undefined) await ds.commit("before compute on the queue", { allowEmpty: true });
  const run = crypto.randomUUID().replace(/-/g, "").slice(0, 12);
  const staging = opts.staging ?? stagingRoot(ds.path, run);
  const c = opts.creds;
  const storage = opts.storage ?? (c ? { endpoint: c.endpoint, region: c.region, forcePathStyle: c.forcePathStyle } : {});
  const creds = c ?? credsFor(storage);
  const name = opts.name ?? DEFAULT_QUEUE_NAME;
  const connection = connectionOptions(url);
  const queue = new Queue<TaskData, TaskOutcome>(name, { connection });
  const events = new QueueEvents(name, { connection });
  const label = transform.stages.map((s) => s.name).join(" → ");
  try {
    await events.waitUntilReady();
    const version = installedVersion();
    const tasks: TaskData[] = [];
    for (let start = 0, task = 0; start < input.length; start += batchSize, task++) {
      const end = Math.min(input.length, start + batchSize);
      tasks.push({
        run, task, start, end, samples: input.slice(start, end), stages: transform.stages.map((s) => ({ name: s.name, module: s.module!, exportName: s.exportName, args: [...s.args] })),
        ignoreErrors: evalOpts.ignoreErrors === true, skipOk: evalOpts.skipOk === true, dataset: ds.path, branch: ds.branch, staging, storage, queue: url, version,
      });
    }
    const jobs = await queue.addBulk(
      tasks.map((t) => ({ name: `${run}-${t.task}`, data: t, opts: { jobId: `${run}-${t.task}`, attempts, backoff: { type: "fixed", delay: 100 }, removeOnComplete: { age: 600 }, removeOnFail: { age: 600 } } })),
    );
    let done = 0;
    events.setMaxListeners(jobs.length + 16);
    queue.setMaxListeners(jobs.length + 16);
    // Each finished task's rows are read back while the others still run: the gathering overlaps the work.
    const outcomes = await Promise.allSettled(
      jobs.map(async (job: Job<TaskData, TaskOutcome>, i) => {
        const r = (await job.waitUntilFinished(events)) as TaskOutcome;
        done += tasks[i]!.end - tasks[i]!.start;
        evalOpts.onProgress?.(done, input.length);
        return { outcome: r, part: await readRows(r.staging, creds) };
      }),
    );
    const failedAt = outcomes.findIndex((o) => o.status === "rejected");
    if (failedAt >= 0) {
      const reason = String(((outcomes[failedAt] as PromiseRejectedResult).reason as Error)?.message ?? (outcomes[failedAt] as PromiseRejectedResult).reason);
      const mismatch = new RegExp(`${VERSION_MISMATCH}: producer (\\S+), worker (\\S+)`).exec(reason);
      if (mismatch) throw new VersionMismatchError(mismatch[1]!, mismatch[2]!);
      const t = tasks[failedAt]!;
      throw new TaskFailedError(t.task, t.start, t.end, attempts, reason);
    }
    // Every task in, in task order: one extend (all or nothing) and one commit on the target.
    const columns: Record<string, unknown[]> = {};
    const skipped: number[] = [];
    let rows = 0;
    for (const o of outcomes as PromiseFulfilledResult<{ outcome: TaskOutcome; part: Awaited<ReturnType<typeof readRows>> }>[]) {
      skipped.push(...o.value.outcome.skipped);
      const part = o.value.part;
      rows += part.rows;
      for (const [k, v] of Object.entries(part.columns)) (columns[k] ??= []).push(...v);
    }
    const written = rows > 0 ? await ds.extend(columns, { skipOk: evalOpts.skipOk, ignoreErrors: evalOpts.ignoreErrors }) : undefined;
    const rejectedRows = (written && written.skipped) || [];
    const commit = await ds.commit(`compute ${label}: ${input.length} inputs in ${tasks.length} tasks on the queue`, { allowEmpty: true });
    return { samples: input.length, rows: rows - rejectedRows.length, skipped, rejectedRows, commits: [commit] };
  } finally {
    await deletePrefix(staging, creds).catch(() => 0);
    await events.close().catch(() => {});
    await queue.close().catch(() => {});
  }
}
