/**
 * `sampleBy` (weighted sampling of rows) and `randomSplit` (disjoint random views of given sizes), reproducible
 * under a seed.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { rngFor } from "./prng.ts";
import { weightedDraw } from "./sample.ts";
import type { ReadOptions, TensorColumn, TensorSource } from "./source.ts";
import { Evaluator } from "./tql/eval.ts";
import { parseExpression } from "./tql/parser.ts";
import { scalarOf, describe } from "./tql/values.ts";
import { TQLTypeError } from "./errors.ts";
import { type View, view as asView } from "./view.ts";

export interface SampleByOptions extends ReadOptions {
  /** Draw with replacement (default true, as in Deep Lake). */
  replace?: boolean;
  /** Number of rows to draw (default: the view's length). */
  size?: number;
  seed?: number;
}

/**
 * Rows drawn with probability proportional to `weights`: one number per row, or a TQL weight expression
 * (`"max_weight(labels == 'cat': 10, labels == 'dog': 1)"`, or a tensor name whose values are the weights).
 */
export async function sampleBy(source: TensorSource, weights: ArrayLike<number> | string, opts: SampleByOptions = {}): Promise<View> {
  const input = asView(source);
  const n = input.length;
  const rng = rngFor(opts.seed);
  let w: ArrayLike<number>;
  if (typeof weights === "string") {
    const expr = parseExpression(weights);
    const ev = new Evaluator(input, [expr], rng, opts, true);
    await ev.prepare();
    const out = new Float64Array(n);
    const size = ev.batchSize;
    for (let o = 0; o < n; o += size) {
      opts.signal?.throwIfAborted();
      const positions = new Uint32Array(Math.min(size, n - o));
      for (let i = 0; i < positions.length; i++) positions[i] = o + i;
      const b = await ev.load(positions);
      const v = ev.ev(expr, b);
      for (let i = 0; i < positions.length; i++) {
        const x = v.k === "num" ? v.d[i]! : scalarOf(Evaluator.at(v, i));
        if (typeof x !== "number" && typeof x !== "boolean") throw new TQLTypeError(`sample weight must be a number, got ${describe(x)}`, o + i);
        out[o + i] = Number(x);
      }
    }
    w = out;
  } else {
    if (typeof weights !== "object" || weights === null || typeof weights.length !== "number") throw new InvalidArgumentError("[shoal] sampleBy weights must be an array of numbers or a TQL expression");
    if (Array.isArray(weights) && weights.some((x) => typeof x !== "number")) throw new InvalidArgumentError("[shoal] weights should be a 1-dimensional array of numbers");
    if (weights.length !== n) throw new InvalidArgumentError(`[shoal] sampleBy got ${weights.length} weights for a view of ${n} rows`);
    w = weights;
  }
  const drawn = weightedDraw(w, opts.size ?? n, opts.replace ?? true, rng);
  return input.withPositions(drawn, { query: typeof weights === "string" ? `sample by ${weights}` : undefined });
}

export interface RandomSplitOptions extends ReadOptions {
  seed?: number;
}

/** Deep Lake's rule: fractions (summing to 1) are floored, the remainder goes +1 round-robin from split 0. */
export function splitLengths(lengths: readonly number[], n: number): number[] {
  if (!Array.isArray(lengths) || lengths.length === 0 || lengths.some((x) => typeof x !== "number" || !Number.isFinite(x))) {
    throw new InvalidArgumentError("[shoal] randomSplit lengths must be a non-empty list of numbers");
  }
  const total = lengths.reduce((a, b) => a + b, 0);
  const isClose = Math.abs(total - 1) <= 1e-9 * Math.max(1, Math.abs(total));
  if (isClose && total <= 1) {
    lengths.forEach((f, i) => {
      if (f < 0 || f > 1) throw new InvalidArgumentError(`[shoal] Fraction at index ${i} is not between 0 and 1`);
    });
    const out = lengths.map((f) => Math.floor(n * f));
    let rem = n - out.reduce((a, b) => a + b, 0);
    for (let i = 0; rem > 0; i = (i + 1) % out.length, rem--) out[i]!++;
    return out;
  }
  if (total !== n) throw new InvalidArgumentError(`[shoal] Sum of input lengths does not equal the length of the input dataset! (lengths sum to ${total}, the view has ${n} rows)`);
  if (lengths.some((x) => !Number.isInteger(x) || x < 0)) throw new InvalidArgumentError("[shoal] randomSplit lengths must be non-negative integers or fractions summing to 1");
  return [...lengths];
}

/**
 * Disjoint views of the given lengths (or fractions) covering the input. Membership follows Deep Lake's fetching
 * schedule: chunks of the largest tensor in random order, rows shuffled within each chunk.
 */
export async function randomSplit(source: TensorSource, lengths: readonly number[], opts: RandomSplitOptions = {}): Promise<View[]> {
  const input = asView(source);
  const names = input.tensorNames();
  const tensorLengths = names.map((t) => `${t}=${input.source.tensor(t).length}`).join(", ");
  const n = input.length;
  // Checked first: an empty view over tensors of different lengths is empty, which is what the caller must hear.
  if (n === 0) throw new InvalidArgumentError(`[shoal] randomSplit: the view is empty (length 0), there are no rows to split (tensor lengths: ${tensorLengths || "no tensors"})`);
  const lens = new Set(names.map((t) => input.source.tensor(t).length));
  if (lens.size > 1 && input.realTensors === undefined) {
    throw new InvalidArgumentError(`[shoal] Random_split is not supported for datasets with variable length tensors (view length ${n}; tensor lengths: ${tensorLengths}); select tensors of equal length first.`);
  }
  const sizes = splitLengths(lengths, n);
  const rng = rngFor(opts.seed);
  // Primary tensor: the one with the largest samples, whose chunks dominate read cost.
  let primary: string | undefined;
  let best = -1;
  for (const t of names) {
    const m = input.tensor(t).meta.maxShape;
    const sz = m ? m.reduce((a, b) => a * b, 1) : 0;
    if (sz > best) [best, primary] = [sz, t];
  }
  const primaryColumn: TensorColumn | undefined = primary !== undefined ? input.tensor(primary) : undefined;
  const ids = primaryColumn?.chunkIds ? await primaryColumn.chunkIds(opts) : undefined;
  const byChunk = new Map<number, number[]>();
  for (let p = 0; p < n; p++) {
    const id = ids ? ids[p]! : 0;
    let list = byChunk.get(id);
    if (!list) byChunk.set(id, (list = []));
    list.push(p);
  }
  const chunkOrder = rng.shuffle(Array.from(byChunk.keys()));
  const schedule = new Uint32Array(n);
  let o = 0;
  for (const id of chunkOrder) {
    const rows = rng.shuffle(byChunk.get(id)!);
    for (const r of rows) schedule[o++] = r;
  }
  const out: View[] = [];
  let start = 0;
  for (const size of sizes) {
    out.push(input.withPositions(schedule.slice(start, start + size)));
    start += size;
  }
  return out;
}
