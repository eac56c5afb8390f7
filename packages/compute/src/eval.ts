/**
 * `transform.eval(input, ds, opts)`: splits the input into tasks, runs them on the chosen scheduler, and appends the
 * results to the dataset in input order with one `extend` per checkpoint block. `extend` is atomic, so a failed
 * transform or a rejected output leaves the dataset as it was (up to the last checkpoint commit).
 * @module
 */
import { InvalidArgumentError, ReadOnlyModeError, isShoalError } from "@shoal/core";
import { TransformError, TransformOutputError } from "./errors.ts";
import { type ComputeInputLike, toInput } from "./input.ts";
import type { Columns } from "./output.ts";
import { stderrBar } from "./progress.ts";
import { type RunMode, type TaskResult, runTask } from "./run.ts";
import type { Transform } from "./transform.ts";
import { type Runner, type WorkerSpawner, threadPool } from "./workers/pool.ts";

export type { ComputeInputLike } from "./input.ts";

export type Scheduler = "serial" | "threads" | "processes" | "queue";

/** What eval writes to: a shoal Dataset fits, as does anything with an atomic `extend`. */
export interface ComputeTarget {
  extend(columns: Record<string, readonly any[]>, opts?: { skipOk?: boolean; ignoreErrors?: boolean }): Promise<{ skipped?: number[] } | void>;
  commit?(message?: string): Promise<string>;
  readonly readOnly?: boolean;
  /** The branch's commits, newest first: where `resumeFrom: "checkpoint"` finds the last checkpoint. */
  commits?(): Promise<readonly { message: string | null }[]>;
  /** With `tensor(name).meta.sampleCompression`, lets workers encode image samples themselves. */
  tensorNames?(): string[];
  tensor?(name: string): { readonly meta?: { readonly sampleCompression?: string | null } };
}

export interface EvalOptions {
  /** Workers besides this thread; 0 (default) runs serially. */
  numWorkers?: number;
  /** Default "threads" when numWorkers > 0, else "serial". */
  scheduler?: Scheduler;
  /** Scheduler "queue": where tasks go (`redisQueue(url)` of @shoal/queue). */
  queue?: QueueScheduler;
  /** Draw a progress bar on stderr. */
  progressbar?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Output rows may leave out tensors of the dataset (passed to the dataset's extend). */
  skipOk?: boolean;
  /** Skip input samples whose transform throws, and output rows the dataset rejects, instead of failing. */
  ignoreErrors?: boolean;
  /** Commit every this many input samples, so a failure keeps the work done so far; resume with `resumeFrom`. */
  checkpointInterval?: number;
  /**
   * Append to the dataset every this many input samples instead of once at the end, so memory holds one block.
   * A failure then keeps the rows of the blocks before it (uncommitted): for ingest into a new dataset.
   */
  writeInterval?: number;
  /**
   * First input index to process: `err.completed` of a failed checkpointed run, or `"checkpoint"` to continue after
   * the newest checkpoint commit this transform made over an input of this length (0 when there is none): what a
   * rerun after a killed process passes.
   */
  resumeFrom?: number | "checkpoint";
  /** Input samples per task (default: enough tasks to keep every worker busy). */
  batchSize?: number;
  /** How to start workers (default: Web Workers or worker_threads for threads, child processes for processes). */
  spawner?: WorkerSpawner;
  signal?: AbortSignal;
}

export interface EvalResult {
  /** Input samples processed by this call. */
  samples: number;
  /** Rows appended to the dataset. */
  rows: number;
  /** Input indices skipped under ignoreErrors (the transform threw). */
  skipped: number[];
  /** Output rows the dataset rejected under ignoreErrors (positions within their checkpoint block). */
  rejectedRows: number[];
  /** Commit ids of checkpoints. */
  commits: string[];
}

/** Runs tasks beyond this process: implemented by @shoal/queue, which this package does not depend on. */
export interface QueueScheduler {
  run(transform: Transform, input: ComputeInputLike, target: ComputeTarget, opts: EvalOptions): Promise<EvalResult>;
}

export async function evaluate(transform: Transform, inputLike: ComputeInputLike, target: ComputeTarget, opts: EvalOptions): Promise<EvalResult> {
  const o = checkOptions(opts);
  if (o.scheduler === "queue") return opts.queue!.run(transform, inputLike, target, opts);
  if (typeof target !== "object" || target === null || typeof target.extend !== "function") {
    throw new InvalidArgumentError("[shoal] eval needs a dataset to write to (an object with extend)");
  }
  if (target.readOnly === true) throw new ReadOnlyModeError("the dataset given to eval");
  if (o.checkpoint > 0 && typeof target.commit !== "function") throw new InvalidArgumentError("[shoal] checkpointInterval needs a dataset that can commit");
  const input = toInput(inputLike);
  const label = transform.stages.map((st) => st.name).join(" → ");
  const from = o.resumeFrom === "checkpoint" ? await lastCheckpoint(target, label, input.length) : o.resumeFrom;
  if (from > input.length) throw new InvalidArgumentError(`[shoal] resumeFrom ${from} is past the input's end (${input.length} samples)`);
  const total = input.length - from;
  const progress = opts.onProgress ?? (opts.progressbar ? stderrBar(transform.stages.map((s) => s.name).join(" → ")) : undefined);
  const runner = startRunner(transform, o, opts.spawner, encodings(target), "transform");
  const result: EvalResult = { samples: 0, rows: 0, skipped: [], rejectedRows: [], commits: [] };
  try {
    const blockSize = o.checkpoint > 0 ? o.checkpoint : o.writeInterval > 0 ? o.writeInterval : Math.max(total, 1);
    for (let blockStart = from; blockStart < input.length; blockStart += blockSize) {
      const blockEnd = Math.min(input.length, blockStart + blockSize);
      const size = opts.batchSize ?? defaultTaskSize(blockEnd - blockStart, runner.slots);
      const tasks: [number, number][] = [];
      for (let s = blockStart; s < blockEnd; s += size) tasks.push([s, Math.min(blockEnd, s + size)]);
      const results = await runAll(tasks, runner, input.read, () => {
        if (opts.signal?.aborted) throw opts.signal.reason;
      }, (n) => {
        result.samples += n;
        progress?.(result.samples, total);
      });
      const { columns, rows } = mergeInOrder(results, tasks, transform);
      for (const r of results) result.skipped.push(...r.skipped);
      if (rows > 0) {
        const written = await target.extend(columns, { skipOk: opts.skipOk, ignoreErrors: opts.ignoreErrors });
        const rejected = (written && written.skipped) || [];
        result.rejectedRows.push(...rejected);
        result.rows += rows - rejected.length;
      }
      if (o.checkpoint > 0) result.commits.push(await target.commit!(checkpointMessage(label, blockEnd, input.length)));
    }
    return result;
  } catch (e) {
    if (isShoalError(e, "TransformError")) (e as TransformError).completed = from + (result.commits.length > 0 ? result.commits.length * o.checkpoint : 0);
    throw e;
  } finally {
    runner.close();
  }
}

export interface FilterEvalOptions {
  numWorkers?: number;
  scheduler?: "serial" | "threads" | "processes";
  progressbar?: boolean;
  onProgress?: (done: number, total: number) => void;
  batchSize?: number;
  spawner?: WorkerSpawner;
  signal?: AbortSignal;
}

/**
 * Deep Lake's `ds.filter(fn(args), num_workers=…)`: `fn(sample, ...args)` of a one-stage transform decides per input
 * sample; returns the positions kept, in input order.
 */
export async function filterPositions(transform: Transform, inputLike: ComputeInputLike, opts: FilterEvalOptions = {}): Promise<Uint32Array> {
  const o = checkOptions(opts);
  if (transform.stages.length !== 1) throw new InvalidArgumentError(`[shoal] filter takes one compute function, not a pipeline of ${transform.stages.length}`);
  const input = toInput(inputLike);
  const progress = opts.onProgress ?? (opts.progressbar ? stderrBar(`filter ${transform.stages[0]!.name}`) : undefined);
  const runner = startRunner(transform, o, opts.spawner, {}, "filter");
  try {
    const size = opts.batchSize ?? defaultTaskSize(input.length, runner.slots);
    const tasks: [number, number][] = [];
    for (let s = 0; s < input.length; s += size) tasks.push([s, Math.min(input.length, s + size)]);
    let done = 0;
    const results = await runAll(tasks, runner, input.read, () => opts.signal?.throwIfAborted(), (n) => progress?.((done += n), input.length));
    const kept: number[] = [];
    results.forEach((r, t) => {
      const keep = r.columns.keep as number[];
      for (let k = 0; k < keep.length; k++) if (keep[k]) kept.push(tasks[t]![0] + k);
    });
    return Uint32Array.from(kept);
  } finally {
    runner.close();
  }
}

/** Enough tasks to keep every worker busy and even out slow ones, without paying a message per sample. */
function defaultTaskSize(samples: number, slots: number): number {
  return Math.max(1, Math.min(256, Math.ceil(samples / (slots * 4))));
}

function checkOptions(opts: EvalOptions): { workers: number; scheduler: Scheduler; checkpoint: number; writeInterval: number; resumeFrom: number | "checkpoint"; ignoreErrors: boolean } {
  if (typeof opts !== "object" || opts === null) throw new InvalidArgumentError("[shoal] eval options must be an object");
  const workers = opts.numWorkers ?? 0;
  if (!Number.isInteger(workers) || workers < 0) throw new InvalidArgumentError(`[shoal] numWorkers must be a whole number ≥ 0, got ${String(workers)}`);
  const scheduler = opts.scheduler ?? (workers > 0 ? "threads" : "serial");
  if (!["serial", "threads", "processes", "queue"].includes(scheduler)) {
    throw new InvalidArgumentError(`[shoal] unknown scheduler ${JSON.stringify(scheduler)}: use "serial", "threads", "processes" or "queue"`);
  }
  if (scheduler === "queue" && (typeof opts.queue !== "object" || opts.queue === null || typeof opts.queue.run !== "function")) {
    throw new InvalidArgumentError('[shoal] scheduler "queue" needs { queue: redisQueue("redis://host:6379") } from @shoal/queue/node');
  }
  const checkpoint = opts.checkpointInterval ?? 0;
  if (typeof checkpoint !== "number" || Number.isNaN(checkpoint)) throw new InvalidArgumentError("[shoal] checkpointInterval must be a number");
  if (checkpoint > 0 && !Number.isInteger(checkpoint)) throw new InvalidArgumentError(`[shoal] checkpointInterval must be a whole number, got ${checkpoint}`);
  const writeInterval = opts.writeInterval ?? 0;
  if (!Number.isInteger(writeInterval) || writeInterval < 0) throw new InvalidArgumentError(`[shoal] writeInterval must be a whole number ≥ 0, got ${String(writeInterval)}`);
  const resumeFrom = opts.resumeFrom ?? 0;
  if (resumeFrom !== "checkpoint" && (!Number.isInteger(resumeFrom) || resumeFrom < 0)) {
    throw new InvalidArgumentError(`[shoal] resumeFrom must be a whole number ≥ 0 or "checkpoint", got ${JSON.stringify(resumeFrom)}`);
  }
  if (opts.batchSize !== undefined && (!Number.isInteger(opts.batchSize) || opts.batchSize < 1)) {
    throw new InvalidArgumentError(`[shoal] batchSize must be a whole number ≥ 1, got ${String(opts.batchSize)}`);
  }
  for (const k of ["onProgress"] as const) {
    if (opts[k] !== undefined && typeof opts[k] !== "function") throw new InvalidArgumentError(`[shoal] ${k} must be a function`);
  }
  return { workers: scheduler === "serial" ? 0 : Math.max(1, workers), scheduler, checkpoint: Math.max(0, checkpoint), writeInterval, resumeFrom, ignoreErrors: opts.ignoreErrors === true };
}

function checkpointMessage(label: string, done: number, total: number): string {
  return `compute ${label}: checkpoint ${done}/${total}`;
}

/** Input samples done by the newest checkpoint of `label` over `total` inputs on the target's branch. */
async function lastCheckpoint(target: ComputeTarget, label: string, total: number): Promise<number> {
  if (typeof target.commits !== "function") throw new InvalidArgumentError('[shoal] resumeFrom "checkpoint" needs a dataset with a commit log');
  const prefix = `compute ${label}: checkpoint `;
  for (const c of await target.commits()) {
    const m = c.message?.startsWith(prefix) ? /^(\d+)\/(\d+)$/.exec(c.message.slice(prefix.length)) : null;
    if (m && Number(m[2]) === total) return Number(m[1]);
  }
  return 0;
}

/** The sample compression of each tensor of the target that has one. */
function encodings(target: ComputeTarget): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof target.tensorNames !== "function" || typeof target.tensor !== "function") return out;
  for (const name of target.tensorNames()) {
    const c = target.tensor(name)?.meta?.sampleCompression;
    if (typeof c === "string" && c !== "") out[name] = c;
  }
  return out;
}

function startRunner(
  transform: Transform,
  o: { workers: number; scheduler: Scheduler; ignoreErrors: boolean },
  spawner: WorkerSpawner | undefined,
  encode: Record<string, string>,
  mode: RunMode,
): Runner {
  if (o.scheduler === "serial") {
    return { slots: 1, run: (start, samples) => runTask(mode, transform.stages, samples, start, o.ignoreErrors), close() {} };
  }
  const missing = transform.stages.find((s) => s.module === undefined);
  if (missing) {
    throw new InvalidArgumentError(
      `[shoal] scheduler "${o.scheduler}" imports transform ${JSON.stringify(missing.name)} in each worker: declare it with compute(fn, { module: import.meta.url }) and export it`,
    );
  }
  return threadPool(transform.stages, { workers: o.workers, mode, kind: o.scheduler as "threads" | "processes", ignoreErrors: o.ignoreErrors, encode, spawner });
}

/**
 * Runs every task with up to `runner.slots` in flight; resolves to the results in task order. After a failure no
 * new task starts, the ones in flight finish, and the failure of the earliest task is thrown: the error names the
 * same sample whatever the scheduler and worker count.
 */
async function runAll(
  tasks: [number, number][],
  runner: Runner,
  read: (s: number, e: number) => Promise<unknown[]>,
  check: () => void,
  onDone: (n: number) => void,
): Promise<TaskResult[]> {
  const results: TaskResult[] = new Array(tasks.length);
  let next = 0;
  let failed: { err: unknown; i: number } | undefined;
  const lane = async () => {
    while (next < tasks.length && failed === undefined) {
      const i = next++;
      const [s, e] = tasks[i]!;
      try {
        check();
        results[i] = await runner.run(s, await read(s, e));
        onDone(e - s);
      } catch (err) {
        // Read through a cast: the loop condition narrowed `failed` to undefined, but other lanes set it meanwhile.
        const earlier = failed as { err: unknown; i: number } | undefined;
        if (earlier === undefined || i < earlier.i) failed = { err, i };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(runner.slots, tasks.length) }, lane));
  const first = failed as { err: unknown; i: number } | undefined;
  if (first !== undefined) throw first.err;
  return results;
}

function mergeInOrder(results: TaskResult[], tasks: [number, number][], transform: Transform): { columns: Columns; rows: number } {
  const columns: Columns = {};
  let names: string | undefined;
  let rows = 0;
  results.forEach((r, i) => {
    if (r.rows === 0) return;
    const keys = Object.keys(r.columns).sort();
    names ??= keys.join(", ");
    if (keys.join(", ") !== names) {
      throw new TransformOutputError(transform.stages.at(-1)!.name, tasks[i]![0], `samples ${tasks[i]![0]}…${tasks[i]![1] - 1} wrote tensors [${keys.join(", ")}], earlier samples wrote [${names}]`);
    }
    for (const k of keys) {
      const c = (columns[k] ??= []);
      for (const s of r.columns[k]!) c.push(s);
    }
    rows += r.rows;
  });
  return { columns, rows };
}
