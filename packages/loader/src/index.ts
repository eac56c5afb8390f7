/**
 * `@shoal/loader`: a streaming, chunk-aware data loader over any TensorSource: batch, shuffle, transform, query,
 * sampleBy, offset, decode workers, prefetch and distributed shards. Browser-safe; Node workers come through
 * `process.getBuiltinModule` or `@shoal/loader/node`.
 * @module
 */
export { DataLoader, dataloader } from "./loader.ts";
export { LoaderConfigError, SampleReadError, WorkerCrashError } from "./errors.ts";
export { collateValues, defaultCollate } from "./collate.ts";
export type { WorkerHost, WorkerSpawner } from "./workers/host.ts";
export { webWorkerSpawner, nodeWorkerSpawner } from "./workers/host.ts";
export type * from "./types.ts";
