/**
 * Runs input samples through a transform's stages: the same loop in this process (serial) and in every worker.
 * @module
 */
import { isShoalError } from "@shoal/core";
import { describeSample } from "./describe.ts";
import { TransformError, TransformOutputError } from "./errors.ts";
import { type Columns, Output } from "./output.ts";
import type { TransformFunction } from "./transform.ts";

export interface RunnableStage {
  readonly name: string;
  readonly fn: TransformFunction;
  readonly args: readonly unknown[];
}

/** `transform`: stages append rows to `out`; `filter`: one stage returns whether to keep each sample. */
export type RunMode = "transform" | "filter";

export interface TaskResult {
  columns: Columns;
  rows: number;
  /** Input indices skipped under ignoreErrors. */
  skipped: number[];
}

/** Runs samples `start, start+1, …`; a failure throws TransformError naming the sample, unless `ignoreErrors`. */
export async function runSamples(stages: readonly RunnableStage[], samples: readonly unknown[], start: number, ignoreErrors: boolean): Promise<TaskResult> {
  const result: TaskResult = { columns: {}, rows: 0, skipped: [] };
  let names: string[] | undefined;
  for (let k = 0; k < samples.length; k++) {
    const index = start + k;
    let out: Output;
    try {
      out = await runOne(stages, samples[k], index);
    } catch (e) {
      if (ignoreErrors) {
        result.skipped.push(index);
        continue;
      }
      throw e;
    }
    const rows = out.rowCount()!;
    if (rows === 0) continue;
    const keys = Object.keys(out.columns).sort();
    names ??= keys;
    if (keys.join("\0") !== names.join("\0")) {
      const err = new TransformOutputError(stages.at(-1)!.name, index, `wrote tensors [${keys.join(", ")}], earlier samples wrote [${names.join(", ")}]`);
      if (ignoreErrors) {
        result.skipped.push(index);
        continue;
      }
      throw err;
    }
    for (const name of keys) {
      const column = (result.columns[name] ??= []);
      for (const s of out.columns[name]!) column.push(s);
    }
    result.rows += rows;
  }
  return result;
}

async function runOne(stages: readonly RunnableStage[], sample: unknown, index: number): Promise<Output> {
  let inputs: unknown[] = [sample];
  let out = new Output();
  for (const stage of stages) {
    out = new Output();
    for (const input of inputs) {
      try {
        await stage.fn(input, out, ...stage.args);
      } catch (e) {
        if (isShoalError(e, "TransformError")) throw e;
        throw new TransformError(stage.name, index, describeSample(sample), e instanceof Error ? e.message : String(e), { cause: e });
      }
    }
    if (out.rowCount() === undefined) {
      const lengths = Object.entries(out.columns).map(([k, c]) => `${k}: ${c.length}`).join(", ");
      throw new TransformOutputError(stage.name, index, `tensors got different numbers of samples (${lengths}); append whole rows`);
    }
    inputs = out.rows();
  }
  return out;
}

/**
 * Filter mode: `fn(sample, ...args)` returns whether to keep the sample (Deep Lake's compute filter). The verdicts
 * come back as the `keep` column, one 0/1 per input sample.
 */
export async function runPredicate(stages: readonly RunnableStage[], samples: readonly unknown[], start: number): Promise<TaskResult> {
  const stage = stages[0]!;
  const keep = new Array<number>(samples.length);
  for (let k = 0; k < samples.length; k++) {
    try {
      keep[k] = (await (stage.fn as unknown as (s: unknown, ...a: unknown[]) => unknown)(samples[k], ...stage.args)) ? 1 : 0;
    } catch (e) {
      if (isShoalError(e, "TransformError")) throw e;
      throw new TransformError(stage.name, start + k, describeSample(samples[k]), e instanceof Error ? e.message : String(e), { cause: e });
    }
  }
  return { columns: { keep }, rows: samples.length, skipped: [] };
}

/** The loop a worker or the serial scheduler runs for one task. */
export function runTask(mode: RunMode, stages: readonly RunnableStage[], samples: readonly unknown[], start: number, ignoreErrors: boolean): Promise<TaskResult> {
  return mode === "filter" ? runPredicate(stages, samples, start) : runSamples(stages, samples, start, ignoreErrors);
}
