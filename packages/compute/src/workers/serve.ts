/**
 * The body of a compute worker, whatever carries its messages: import the stages once, then run tasks.
 * @module
 */
import { ShoalError, isShoalError } from "@shoal/core";
import { ComputeWorkerError } from "../errors.ts";
import { encodeColumns, loadEncoders } from "../encode.ts";
import { type RunMode, type RunnableStage, runTask } from "../run.ts";
import { FUNCTION, type TransformFunction } from "../transform.ts";
import type { FromWorker, StageRef, ToWorker, WireError } from "./protocol.ts";

export type Reply = (message: FromWorker, transfer: ArrayBuffer[]) => void;

export function createServer(reply: Reply): (message: ToWorker) => Promise<void> {
  let stages: RunnableStage[] | undefined;
  let ignoreErrors = false;
  let mode: RunMode = "transform";
  let encoders: Awaited<ReturnType<typeof loadEncoders>> = new Map();
  return async (message) => {
    if (message.type === "init") {
      try {
        stages = await Promise.all(message.stages.map(loadStage));
        ignoreErrors = message.ignoreErrors;
        mode = message.mode ?? "transform";
        encoders = await loadEncoders(message.encode ?? {});
        reply({ type: "ready" }, []);
      } catch (e) {
        reply({ type: "error", id: undefined, error: toWire(e) }, []);
      }
      return;
    }
    try {
      if (!stages) throw new ComputeWorkerError("[shoal] compute worker got a task before its stages");
      const result = await runTask(mode, stages, message.samples, message.start, ignoreErrors);
      const transfer = encodeColumns(result.columns, encoders);
      reply({ type: "result", id: message.id, result }, transfer);
    } catch (e) {
      reply({ type: "error", id: message.id, error: toWire(e) }, []);
    }
  };
}

/** Imports a stage's module and takes its export: how any worker, here or on another machine, gets the code. */
export async function loadStage(ref: StageRef): Promise<RunnableStage> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(ref.module)) as Record<string, unknown>;
  } catch (e) {
    throw new ComputeWorkerError(`[shoal] compute worker could not import ${ref.module} for transform ${JSON.stringify(ref.name)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const exported = mod[ref.exportName] as { [FUNCTION]?: TransformFunction } | TransformFunction | undefined;
  const fn = typeof exported === "function" ? (exported as { [FUNCTION]?: TransformFunction })[FUNCTION] ?? exported : undefined;
  if (typeof fn !== "function") throw new ComputeWorkerError(`[shoal] ${ref.module} has no exported function ${JSON.stringify(ref.exportName)} (transform ${JSON.stringify(ref.name)})`);
  return { name: ref.name, fn: fn as TransformFunction, args: ref.args };
}

function toWire(e: unknown): WireError {
  if (isShoalError(e)) {
    const x = e as ShoalError & Partial<Record<"stage" | "input" | "reason", string>> & { index?: number };
    return { code: x.code, message: x.message, stage: x.stage, index: x.index, input: x.input, reason: x.reason };
  }
  return { code: "ComputeWorkerError", message: e instanceof Error ? e.message : String(e) };
}
