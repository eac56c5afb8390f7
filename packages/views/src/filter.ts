/**
 * `filter(view, fn | tql)`: keeps the rows for which a JS callback (given a row accessor) or a TQL WHERE expression
 * is true, in input order. The result is a view over the root dataset.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { rngFor } from "./prng.ts";
import type { ReadOptions, SampleValue, TensorSource } from "./source.ts";
import { wherePositions } from "./tql/exec.ts";
import { parseExpression } from "./tql/parser.ts";
import { type View, view as asView } from "./view.ts";

/** What a filter callback sees: one row of the view. */
export interface Row {
  /** Position in the filtered view. */
  readonly position: number;
  /** Row index in the root dataset. */
  readonly index: number;
  /** Reads one tensor's sample of this row. */
  read(tensor: string): Promise<SampleValue>;
}

export interface FilterOptions extends ReadOptions {
  onProgress?: (done: number, total: number) => void;
  /** Seed for RANDOM() in string filters. */
  seed?: number;
}

export type FilterFunction = (row: Row) => boolean | Promise<boolean>;

export async function filter(source: TensorSource, predicate: FilterFunction | string, opts: FilterOptions = {}): Promise<View> {
  const input = asView(source);
  const n = input.length;
  if (typeof predicate === "string") {
    const where = parseExpression(predicate);
    const kept = await wherePositions(input, where, { rng: rngFor(opts.seed), opts });
    return input.withPositions(kept, { query: predicate });
  }
  if (typeof predicate !== "function") throw new InvalidArgumentError(`[shoal] filter needs a function or a TQL expression string, got ${typeof predicate}`);
  const kept: number[] = [];
  const step = Math.max(1, Math.floor(n / 100));
  for (let p = 0; p < n; p++) {
    opts.signal?.throwIfAborted();
    const row: Row = {
      position: p,
      index: input.rootIndex(p),
      read: (tensor) => input.tensor(tensor).read(p, { signal: opts.signal }),
    };
    if (await predicate(row)) kept.push(p);
    if ((p + 1) % step === 0 || p === n - 1) opts.onProgress?.(p + 1, n);
  }
  return input.withPositions(Uint32Array.from(kept), { query: `UDF: ${predicate.name || "anonymous"}` });
}
