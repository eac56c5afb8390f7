/**
 * A fixed set of compute workers (threads or child processes). Every worker imports the transform's modules once
 * (`init`), then takes one task at a time; a task goes to an idle worker. A worker that dies fails its task and
 * every later one with ComputeWorkerError: a run never waits on a dead worker, and never half-commits.
 * @module
 */
import { ShoalError } from "@shoal/core";
import { ComputeWorkerError, TransformError, TransformOutputError } from "../errors.ts";
import type { RunMode, TaskResult } from "../run.ts";
import type { Stage } from "../transform.ts";
import type { WorkerHost, WorkerSpawner } from "./host.ts";
import type { FromWorker, StageRef, WireError } from "./protocol.ts";
import { defaultSpawner } from "./spawn.ts";

export type { WorkerSpawner } from "./host.ts";

export interface PoolOptions {
  workers: number;
  mode: RunMode;
  kind: "threads" | "processes";
  ignoreErrors: boolean;
  /** Tensors whose array samples workers encode with the tensor's sample codec (e.g. `{ images: "jpeg" }`). */
  encode: Record<string, string>;
  spawner: WorkerSpawner | undefined;
}

export interface Runner {
  readonly slots: number;
  run(start: number, samples: unknown[]): Promise<TaskResult>;
  close(): void;
}

interface Slot {
  host: WorkerHost;
  ready: Promise<void>;
  /** Fails a wait for this worker's start: any worker's death ends the run, a slow starter's too. */
  abandon(e: unknown): void;
  busy: boolean;
  task: { id: number; resolve(r: TaskResult): void; reject(e: unknown): void } | undefined;
}

export function threadPool(stages: readonly Stage[], opts: PoolOptions): Runner {
  const spawn = opts.spawner ?? defaultSpawner(opts.kind);
  const refs: StageRef[] = stages.map((s) => ({ name: s.name, module: s.module!, exportName: s.exportName, args: [...s.args] }));
  const slots: Slot[] = [];
  const waiting: ((slot: Slot) => void)[] = [];
  let failure: unknown;
  let closed = false;
  let nextId = 0;
  // Bun and Deno do not always count a busy worker as pending work: without a timer of its own the process can
  // exit under a run that is waiting for its workers' replies.
  const keepAlive = setInterval(() => {}, 1 << 30);

  const fail = (e: unknown): void => {
    if (failure !== undefined) return;
    failure = e;
    for (const s of slots) {
      s.abandon(e);
      s.task?.reject(e);
    }
    close();
  };

  for (let w = 0; w < opts.workers; w++) {
    const host = spawn({ typescript: refs.some((r) => /\.[cm]?ts$/.test(new URL(r.module, "file:///").pathname)) });
    let readyResolve!: () => void;
    let readyReject!: (e: unknown) => void;
    const ready = new Promise<void>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    ready.catch(() => {});
    const slot: Slot = { host, ready, abandon: readyReject, busy: false, task: undefined };
    host.listen(
      (raw) => {
        const m = raw as FromWorker;
        if (m.type === "ready") return readyResolve();
        if (m.type === "error" && m.id === undefined) {
          const e = fromWire(m.error);
          readyReject(e);
          return fail(e);
        }
        const task = slot.task;
        if (!task || m.id !== task.id) return;
        slot.task = undefined;
        if (m.type === "result") task.resolve(m.result);
        else task.reject(fromWire(m.error));
      },
      (cause) => {
        if (closed) return;
        const e = new ComputeWorkerError(`[shoal] compute worker ${w} (${opts.kind}) died: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
        readyReject(e);
        fail(e);
      },
    );
    host.post({ type: "init", stages: refs, mode: opts.mode, ignoreErrors: opts.ignoreErrors, encode: opts.encode }, []);
    slots.push(slot);
  }

  const acquire = (): Promise<Slot> => {
    const idle = slots.find((s) => !s.busy);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (slot: Slot): void => {
    const next = waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  };

  function close(): void {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    for (const s of slots) s.host.terminate();
  }

  return {
    slots: opts.workers,
    async run(start, samples) {
      if (failure !== undefined) throw failure;
      const slot = await acquire();
      try {
        await slot.ready;
        if (failure !== undefined) throw failure;
        return await new Promise<TaskResult>((resolve, reject) => {
          const id = nextId++;
          slot.task = { id, resolve, reject };
          slot.host.post({ type: "task", id, start, samples }, []);
        });
      } finally {
        release(slot);
      }
    },
    close,
  };
}

/** Rebuilds the error a worker raised, as the same class, so callers catch one type whatever the scheduler. */
export function fromWire(w: WireError): Error {
  if (w.code === "TransformError") {
    const e = new TransformError(w.stage ?? "?", w.index ?? -1, w.input ?? "?", w.reason ?? w.message);
    return e;
  }
  if (w.code === "TransformOutputError") return new TransformOutputError(w.stage ?? "?", w.index ?? -1, w.reason ?? w.message);
  if (w.code === "ComputeWorkerError") return new ComputeWorkerError(w.message);
  return new WorkerRaisedError(w.code, w.message);
}

/** A typed shoal error raised inside a worker (e.g. InvalidArgumentError from the transform's own checks). */
export class WorkerRaisedError extends ShoalError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}
