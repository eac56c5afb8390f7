/**
 * `@shoal/loader/node`: decode workers on Node's worker_threads, for hosts where the default detection is not
 * wanted (e.g. a bundled app whose worker file lives elsewhere: pass its URL).
 * @module
 */
import { Worker } from "node:worker_threads";
import type { WorkerSpawner } from "./workers/host.ts";
import { nodeWorkerSpawner } from "./workers/host.ts";
import { workerUrl } from "./workers/spawn.ts";

/** A `spawner` for `numpy({ spawner })` that starts worker_threads running the loader's decode worker (or `url`). */
export function nodeWorkers(url: URL = workerUrl("node")): WorkerSpawner {
  return nodeWorkerSpawner(Worker, url);
}
