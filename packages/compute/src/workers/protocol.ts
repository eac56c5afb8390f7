/**
 * Messages between eval and its workers (threads or child processes). Code is named, never sent: a worker imports
 * each stage's module and takes the named export.
 * @module
 */
import type { RunMode, TaskResult } from "../run.ts";

export interface StageRef {
  name: string;
  module: string;
  exportName: string;
  args: readonly unknown[];
}

export type ToWorker =
  | { type: "init"; stages: StageRef[]; mode: RunMode; ignoreErrors: boolean; encode: Record<string, string> }
  | { type: "task"; id: number; start: number; samples: unknown[] };

export interface WireError {
  code: string;
  message: string;
  stage?: string;
  index?: number;
  input?: string;
  reason?: string;
}

export type FromWorker =
  | { type: "ready" }
  | { type: "result"; id: number; result: TaskResult }
  | { type: "error"; id: number | undefined; error: WireError };
