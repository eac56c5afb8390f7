/**
 * Python-style index math for `slice(start, stop, step)` and `at(i)`: negative indices count from the end, steps
 * may be negative, a step of 0 is refused.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { SampleIndexError } from "@shoal/chunks";

/** Resolves `i` (negative counts from the end) against `length`, or throws SampleIndexError naming `what`. */
export function resolveIndex(i: number, length: number, what: string): number {
  if (!Number.isInteger(i)) throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(what)}: an index must be an integer, got ${JSON.stringify(i) ?? String(i)}`);
  const v = i < 0 ? length + i : i;
  if (v < 0 || v >= length) throw new SampleIndexError(what, i, length);
  return v;
}

/** The positions a Python slice `[start:stop:step]` selects from `length` items. */
export function sliceIndices(length: number, start?: number | null, stop?: number | null, step?: number | null): number[] {
  const s = step ?? 1;
  if (!Number.isInteger(s) || s === 0) throw new InvalidArgumentError(`[shoal] slice step must be a non-zero integer, got ${String(step)}`);
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
  const norm = (v: number | null | undefined, dflt: number, lo: number, hi: number) => {
    if (v === undefined || v === null) return dflt;
    if (!Number.isInteger(v)) throw new InvalidArgumentError(`[shoal] slice bounds must be integers, got ${v}`);
    return clamp(v < 0 ? v + length : v, lo, hi);
  };
  const out: number[] = [];
  if (s > 0) {
    const a = norm(start, 0, 0, length);
    const b = norm(stop, length, 0, length);
    for (let i = a; i < b; i += s) out.push(i);
  } else {
    const a = norm(start, length - 1, -1, length - 1);
    const b = norm(stop, -1, -1, length - 1);
    for (let i = a; i > b; i += s) out.push(i);
  }
  return out;
}
