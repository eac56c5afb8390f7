/**
 * The failures of a compute run. Each names where it happened (sample index, input, stage) so a run over thousands
 * of samples points at the one that broke.
 * @module
 */
import { ShoalError } from "@shoal/core";

/** A transform threw on one input sample. `completed` input samples were committed by checkpoints before it. */
export class TransformError extends ShoalError {
  readonly index: number;
  readonly stage: string;
  readonly input: string;
  readonly reason: string;
  completed = 0;
  constructor(stage: string, index: number, input: string, reason: string, options?: { cause?: unknown }) {
    super("TransformError", `[shoal] transform ${JSON.stringify(stage)} failed on sample ${index} (input ${input}): ${reason}`, options);
    this.stage = stage;
    this.reason = reason;
    this.index = index;
    this.input = input;
  }
}

/** A transform wrote to `out` wrongly: tensors of unequal lengths for one sample, or a value that is not a sample. */
export class TransformOutputError extends ShoalError {
  readonly index: number;
  readonly stage: string;
  readonly reason: string;
  constructor(stage: string, index: number, reason: string) {
    super("TransformOutputError", `[shoal] transform ${JSON.stringify(stage)}, sample ${index}: ${reason}`);
    this.index = index;
    this.stage = stage;
    this.reason = reason;
  }
}

/** A worker died or could not start (its module failed to load, the runtime killed it). */
export class ComputeWorkerError extends ShoalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ComputeWorkerError", message, options);
  }
}
