/**
 * Picks how to start compute workers on this runtime, and where the worker module lives (src .ts or built .js).
 * `node:` modules come from `process.getBuiltinModule`, which keeps this file importable in browsers.
 * @module
 */
import { UnsupportedError } from "@shoal/core";
import { type ForkFn, type WorkerSpawner, nodeWorkerSpawner, processSpawner, webWorkerSpawner } from "./host.ts";

const fromSource = import.meta.url.endsWith(".ts");

export function workerUrl(kind: "web" | "node" | "process"): URL {
  const name = { web: "compute-worker", node: "node-compute-worker", process: "node-compute-process" }[kind];
  return fromSource ? new URL(`../${name}.ts`, import.meta.url) : new URL(`./${name}.js`, import.meta.url);
}

interface MaybeNodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

function builtin<T>(id: string): T | undefined {
  return (globalThis as { process?: MaybeNodeProcess }).process?.getBuiltinModule?.(id) as T | undefined;
}

export function defaultSpawner(kind: "threads" | "processes"): WorkerSpawner {
  if (kind === "processes") {
    const cp = builtin<{ fork?: ForkFn }>("node:child_process");
    if (typeof cp?.fork === "function") return processSpawner(cp.fork, workerUrl("process"));
    throw new UnsupportedError("processes", '[shoal] scheduler "processes" needs child processes (Node, Bun): use "threads" here');
  }
  // worker_threads first where it exists (Node, Bun, Deno): its "exit" event tells a worker that died (process.exit,
  // an OOM kill), which a Web Worker never reports, and a run must not wait forever on a dead worker.
  const threads = builtin<{ Worker?: unknown }>("node:worker_threads");
  if (typeof threads?.Worker === "function") return nodeWorkerSpawner(threads.Worker as Parameters<typeof nodeWorkerSpawner>[0], workerUrl("node"));
  const g = globalThis as { Worker?: unknown };
  if (typeof g.Worker === "function") return webWorkerSpawner(g.Worker as Parameters<typeof webWorkerSpawner>[0], workerUrl("web"));
  throw new UnsupportedError("workers", '[shoal] this runtime has neither Web Workers nor worker_threads: use scheduler "serial"');
}
