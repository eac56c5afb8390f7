/**
 * `@shoal/queue`: compute beyond one machine. This root entry holds what any runtime can import (the errors, the
 * task protocol's types); the scheduler and the worker speak TCP to Redis, so they live in `@shoal/queue/node`
 * (Node, Bun and Deno): `redisQueue(url)` for `transform.eval(input, ds, { scheduler: "queue", queue })`, and
 * `startWorker({ queue })` (or `shoal worker --queue`) to run its tasks anywhere that reaches the dataset's store.
 * @module
 */
export { QueueConnectionError, QueueInputError, TaskFailedError, VersionMismatchError } from "./errors.ts";
export { DEFAULT_QUEUE_NAME, type StorageSettings, type TaskData, type TaskOutcome } from "./protocol.ts";
