/**
 * Failure kinds of the loader. Builder misuse mirrors Deep Lake's `ValueError` guards (same wording, tests match it);
 * read and decode failures name the tensor and the root sample index.
 * @module
 */
import { ShoalError } from "@shoal/core";

/** The loader chain is misconfigured: a method called twice, a terminal called twice, conflicting tensor lists. */
export class LoaderConfigError extends ShoalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("LoaderConfigError", `[shoal] ${message}`, options);
  }
}

/** One sample could not be read, decoded or transformed. `index` is the root row index. */
export class SampleReadError extends ShoalError {
  readonly tensor: string;
  readonly index: number;
  constructor(tensor: string, index: number, stage: string, options?: { cause?: unknown }) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super("SampleReadError", `[shoal] ${stage} failed for tensor ${JSON.stringify(tensor)} at sample ${index}${why}`, options);
    this.tensor = tensor;
    this.index = index;
  }
}

/** A decode worker died (uncaught error, out of memory, exit): the epoch fails instead of waiting forever. */
export class WorkerCrashError extends ShoalError {
  readonly worker: number;
  constructor(worker: number, options?: { cause?: unknown }) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : options?.cause === undefined ? "" : `: ${String(options.cause)}`;
    super("WorkerCrashError", `[shoal] loader worker ${worker} crashed${why}`, options);
    this.worker = worker;
  }
}
