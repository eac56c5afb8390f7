/**
 * The failures of the queue scheduler, each saying where: the Redis URL, the task's input range, the versions.
 * @module
 */
import { ShoalError } from "@shoal/core";

/** Redis did not answer at the given URL (or refused the connection). */
export class QueueConnectionError extends ShoalError {
  readonly url: string;
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super("QueueConnectionError", `[shoal] no Redis answering at ${url}: ${reason}`, options);
    this.url = url;
  }
}

/** What eval was given cannot travel to workers on other machines (or the target cannot be reached by them). */
export class QueueInputError extends ShoalError {
  constructor(message: string) {
    super("QueueInputError", message);
  }
}

/** A task failed on every attempt; `start`/`end` is its input range [start, end). The dataset is unchanged. */
export class TaskFailedError extends ShoalError {
  readonly task: number;
  readonly start: number;
  readonly end: number;
  readonly attempts: number;
  readonly reason: string;
  constructor(task: number, start: number, end: number, attempts: number, reason: string) {
    super("TaskFailedError", `[shoal] queue task ${task} (inputs ${start}…${end - 1}) failed ${attempts} times; last: ${reason}`);
    this.task = task;
    this.start = start;
    this.end = end;
    this.attempts = attempts;
    this.reason = reason;
  }
}

/** A worker runs another shoal version than the producer: its results might not match, so it refuses the task. */
export class VersionMismatchError extends ShoalError {
  readonly producer: string;
  readonly worker: string;
  constructor(producer: string, worker: string) {
    super("VersionMismatchError", `[shoal] a queue worker runs @shoal/queue ${worker}, the producer ${producer}: run workers of the same version`);
    this.producer = producer;
    this.worker = worker;
  }
}
