/**
 * `@shoal/queue/node`: the queue scheduler over BullMQ + Redis. `redisQueue(url)` is the scheduler of
 * `transform.eval(input, ds, { scheduler: "queue", queue })`; `startWorker({ queue })` (or `shoal worker --queue`)
 * runs its tasks anywhere that reaches the dataset's store; `redisCommitLock(url)` makes commits from several
 * machines take turns. Runs on Node, Bun and Deno.
 * @module
 */
export * from "./index.ts";
export { redisQueue, type RedisQueueOptions } from "./producer.ts";
export { startWorker, type RunningWorker, type WorkerOptions } from "./worker.ts";
export { redisCommitLock, type RedisCommitLockOptions } from "./lock.ts";
export { installedVersion } from "./node-version.ts";
