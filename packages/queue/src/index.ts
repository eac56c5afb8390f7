/**
 * `@shoal/queue`: compute beyond one machine. `redisQueue(url)` is the scheduler of
 * `transform.eval(input, ds, { scheduler: "queue", queue })`; `startWorker({ queue })` (or `shoal worker --queue`)
 * runs its tasks anywhere that reaches the dataset's store. BullMQ over Redis carries the tasks.
 * @module
 */
export { redisQueue, type RedisQueueOptions } from "./producer.ts";
export { startWorker, DEFAULT_QUEUE_NAME, type RunningWorker, type WorkerOptions } from "./worker.ts";
export { redisCommitLock, type RedisCommitLockOptions } from "./lock.ts";
export { QueueConnectionError, QueueInputError, TaskFailedError, VersionMismatchError } from "./errors.ts";
export type { StorageSettings, TaskData, TaskOutcome } from "./protocol.ts";
export { installedVersion } from "./version.ts";
