/**
 * Weighted draws: with replacement by inverse-CDF over the cumulative weights, without replacement by
 * Efraimidis–Spirakis keys (u^(1/w), largest first). Rows of weight 0 are never drawn.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { SamplingError } from "./errors.ts";
import type { Rng } from "./prng.ts";

/** `size` positions (into `weights`) drawn with probability proportional to weight. */
export function weightedDraw(weights: ArrayLike<number>, size: number, replace: boolean, rng: Rng): Uint32Array {
  if (!Number.isInteger(size) || size < 0) throw new InvalidArgumentError(`[shoal] sample size must be a non-negative integer, got ${size}`);
  const n = weights.length;
  let nonZero = 0;
  const cum = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new InvalidArgumentError(`[shoal] sample weight at row ${i} must be a finite non-negative number, got ${w}`);
    if (w > 0) nonZero++;
    total += w;
    cum[i] = total;
  }
  const out = new Uint32Array(size);
  if (size === 0) return out;
  if (replace) {
    if (total <= 0) throw new SamplingError(`cannot sample ${size} rows: every weight is 0`);
    for (let k = 0; k < size; k++) {
      const u = rng.random() * total;
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cum[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      // Skip zero-weight rows that share the cumulative value (u landing exactly on a boundary).
      while (weights[lo] === 0 && lo < n - 1) lo++;
      out[k] = lo;
    }
    return out;
  }
  if (size > nonZero) throw new SamplingError(`cannot draw ${size} distinct rows without replacement: only ${nonZero} rows have a non-zero weight`);
  const keys = new Float64Array(n);
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (w <= 0) continue;
    keys[i] = Math.log(1 - rng.random()) / w;
    order.push(i);
  }
  order.sort((a, b) => keys[b]! - keys[a]! || a - b);
  for (let k = 0; k < size; k++) out[k] = order[k]!;
  return out;
}
