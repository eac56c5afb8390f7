/**
 * Picks how to start decode workers on this runtime, and where the worker module lives (src .ts or built .js).
 * @module
 */
import { UnsupportedError } from "@shoal/core";
import { type WorkerSpawner, nodeWorkerSpawner, webWorkerSpawner } from "./host.ts";

const fromSource = import.meta.url.endsWith(".ts");

/** URL of the worker module for this runtime family. Built files sit flat in dist/, sources under src/workers/. */
export function workerUrl(kind: "web" | "node"): URL {
  const name = kind === "web" ? "decode-worker" : "node-decode-worker";
  return fromSource ? new URL(`../${name}.ts`, import.meta.url) : new URL(`./${name}.js`, import.meta.url);
}

interface MaybeNodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * Web Workers where the runtime has them (browsers, Deno, Bun); on Node, worker_threads obtained through
 * `process.getBuiltinModule`, which keeps this module free of `node:` imports so it still bundles for browsers.
 */
export function defaultSpawner(): WorkerSpawner {
  const g = globalThis as { Worker?: unknown; process?: MaybeNodeProcess };
  if (typeof g.Worker === "function") {
    return webWorkerSpawner(g.Worker as Parameters<typeof webWorkerSpawner>[0], workerUrl("web"));
  }
  const threads = g.process?.getBuiltinModule?.("node:worker_threads") as { Worker?: unknown } | undefined;
  if (threads && typeof threads.Worker === "function") {
    return nodeWorkerSpawner(threads.Worker as Parameters<typeof nodeWorkerSpawner>[0], workerUrl("node"));
  }
  throw new UnsupportedError(
    "workers",
    "[shoal] this runtime has neither Web Workers nor worker_threads: use numWorkers: 0 or pass `spawner` (see @shoal/loader/node)",
  );
}
