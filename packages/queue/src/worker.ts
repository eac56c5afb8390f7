/**
 * `startWorker({ queue })` and `shoal worker --queue redis://…`: takes compute tasks off the queue, runs them with
 * the same loop as local workers, writes each attempt's rows into a task dataset of its own and commits it. A
 * killed worker's task goes back to the queue when its lock expires and another worker runs it again.
 * @module
 */
import { type RunnableStage, type StageRef, loadStage, runSamples } from "@shoal/compute";
import { InvalidArgumentError } from "@shoal/core";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import { empty, load } from "shoal";
import { assertReachable, connectionOptions, redact } from "./connection.ts";
import { redisCommitLock } from "./lock.ts";
import { type TaskData, type TaskOutcome, DEFAULT_QUEUE_NAME, VERSION_MISMATCH } from "./protocol.ts";
import { credsFor } from "./staging.ts";
import { installedVersion } from "./node-version.ts";

export interface WorkerOptions {
  /** `redis://host:6379` */
  queue: string;
  /** Queue name shared with the producer (default "shoal-compute"). */
  name?: string;
  /** Tasks this process runs at once (default 1: a task is CPU work in this thread). */
  concurrency?: number;
  /** How long a task stays claimed without a heartbeat before another worker may take it (default 5 s). */
  lockMs?: number;
  /** The version this worker reports (default: the installed @shoal/queue); tests pin another to see the refusal. */
  version?: string;
  onTask?: (event: { task: number; run: string; rows?: number; error?: string }) => void;
}

export interface RunningWorker {
  /** Finishes the tasks in hand, then disconnects. */
  close(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  if (typeof opts !== "object" || opts === null || typeof opts.queue !== "string") throw new InvalidArgumentError("[shoal] startWorker needs { queue: \"redis://host:6379\" }");
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidArgumentError(`[shoal] concurrency must be a whole number ≥ 1, got ${String(opts.concurrency)}`);
  const lockMs = opts.lockMs ?? 5000;
  if (!Number.isFinite(lockMs) || lockMs < 500) throw new InvalidArgumentError(`[shoal] lockMs must be at least 500, got ${String(opts.lockMs)}`);
  await assertReachable(opts.queue);
  const version = opts.version ?? installedVersion();
  const stageCache = new Map<string, Promise<RunnableStage[]>>();
  const stagesOf = (refs: StageRef[]): Promise<RunnableStage[]> => {
    const key = JSON.stringify(refs);
    let p = stageCache.get(key);
    if (!p) stageCache.set(key, (p = Promise.all(refs.map(loadStage))));
    return p;
  };
  const worker = new Worker<TaskData, TaskOutcome>(
    opts.name ?? DEFAULT_QUEUE_NAME,
    async (job: Job<TaskData, TaskOutcome>) => {
      const d = job.data;
      if (d.version !== version) throw new UnrecoverableError(`${VERSION_MISMATCH}: producer ${d.version}, worker ${version}`);
      const result = await runSamples(await stagesOf(d.stages), d.samples, d.start, d.ignoreErrors);
      const creds = credsFor(d.storage);
      // A fresh dataset per attempt: an attempt killed halfway leaves a folder that no finished task names.
      const path = `${d.staging}/${d.task}-${job.attemptsMade}-${crypto.randomUUID().slice(0, 8)}`;
      const target = await load(d.dataset, { readOnly: true, creds, branch: d.branch });
      const out = await empty(path, { creds, overwrite: true, commitLock: redisCommitLock(d.queue, path) });
      try {
        for (const name of target.tensorNames()) await out.createTensorLike(name, target.tensor(name));
        if (result.rows > 0) await out.extend(result.columns as never, { skipOk: d.skipOk });
        await out.commit(`task ${d.task} of run ${d.run}`, { allowEmpty: true });
      } finally {
        await out.close();
        await target.close();
      }
      opts.onTask?.({ task: d.task, run: d.run, rows: result.rows });
      return { staging: path, rows: result.rows, skipped: result.skipped };
    },
    { connection: connectionOptions(opts.queue), concurrency, lockDuration: lockMs, stalledInterval: Math.max(500, Math.floor(lockMs / 2)), maxStalledCount: 3 },
  );
  worker.on("failed", (job, err) => job && opts.onTask?.({ task: job.data.task, run: job.data.run, error: err.message }));
  worker.on("error", () => {
    // Connection drops: BullMQ reconnects by itself; a task in hand fails through its own promise.
  });
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
    },
  };
}

export { redact };
