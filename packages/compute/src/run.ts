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
