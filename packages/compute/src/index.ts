/**
 * `@shoal/compute`: Deep Lake's `@deeplake.compute` for shoal. `compute(fn)` makes a transform, `pipeline(...)`
 * chains them, `transform.eval(input, ds, { numWorkers, scheduler })` runs it serially, on threads or on child
 * processes, and appends the result to the dataset in input order, atomically.
 * @module
 */
export { compute, pipeline, Transform, type ComputeFunction, type ComputeOptions, type Stage, type TransformFunction } from "./transform.ts";
export { type ComputeInputLike, type ComputeTarget, type EvalOptions, type EvalResult, type FilterEvalOptions, type QueueScheduler, type Scheduler, evaluate, filterPositions } from "./eval.ts";
export { Output, type OutputTensor } from "./output.ts";
export { ComputeWorkerError, TransformError, TransformOutputError } from "./errors.ts";
export { type RunMode, type RunnableStage, type TaskResult, runSamples, runTask } from "./run.ts";
export type { StageRef } from "./workers/protocol.ts";
export { loadStage } from "./workers/serve.ts";
export { describeSample } from "./describe.ts";
export { type WorkerHost, type WorkerSpawner } from "./workers/host.ts";
