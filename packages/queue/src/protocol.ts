/**
 * What a task carries through Redis, and what a worker answers. Everything is JSON: the transform as module URLs and
 * export names, the inputs as values, the dataset as its URL. Secrets stay out: workers take S3 keys from their env.
 * @module
 */
import type { StageRef } from "@shoal/compute";

/** Store settings a worker needs besides its own credentials (S3-compatible endpoints, region, path style). */
export interface StorageSettings {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
}

export interface TaskData {
  run: string;
  task: number;
  start: number;
  end: number;
  samples: unknown[];
  stages: StageRef[];
  ignoreErrors: boolean;
  skipOk: boolean;
  /** The target dataset's path or URL, opened read-only for its tensors' settings. */
  dataset: string;
  branch: string;
  /** Where this run's task datasets go; each attempt writes a fresh one below it. */
  staging: string;
  storage: StorageSettings;
  /** The Redis URL, for the commit lock of the task's own dataset. */
  queue: string;
  version: string;
}

export interface TaskOutcome {
  /** The dataset this attempt wrote its rows to, committed. */
  staging: string;
  rows: number;
  skipped: number[];
}

/** The BullMQ queue producers and workers meet on unless told another name. */
export const DEFAULT_QUEUE_NAME = "shoal-compute";

export const VERSION_MISMATCH = "VersionMismatchError";
