/**
 * Row-index math: which root rows a view holds, in order. Plain slices stay a compact arithmetic range (no per-row
 * storage); lists and compositions that break the progression become one Uint32Array. Python/NumPy semantics
 * throughout: negative ints count from the end, slices clamp, steps may be negative, step 0 is an error.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { IndexError } from "./errors.ts";

/** An arithmetic progression of root rows: start, start+step, ... (`length` terms). */
export interface RangeIndex {
  readonly kind: "range";
  readonly start: number;
  readonly step: number;
  readonly length: number;
}

/** An explicit list of root rows (order and duplicates kept). */
export interface ListIndex {
  readonly kind: "list";
  readonly indices: Uint32Array;
}

export type RowIndex = RangeIndex | ListIndex;

/** A Python slice; absent fields take Python's defaults. */
export interface Slice {
  readonly start?: number | null;
  readonly stop?: number | null;
  readonly step?: number | null;
}

/** A row selector: int, slice, or list of ints. */
export type Selector = number | Slice | readonly number[] | Uint32Array;

export function fullRange(length: number): RangeIndex {
  return { kind: "range", start: 0, step: 1, length };
}

export function listIndex(indices: Uint32Array): ListIndex {
  return { kind: "list", indices };
}

export function indexLength(ix: RowIndex): number {
  return ix.kind === "range" ? ix.length : ix.indices.length;
}

/** The root row at position `p` (unchecked: callers validate `p`). */
export function rootAt(ix: RowIndex, p: number): number {
  return ix.kind === "range" ? ix.start + p * ix.step : ix.indices[p]!;
}

/** All root rows as a Uint32Array (a copy for ranges, the array itself for lists). */
export function toIndices(ix: RowIndex): Uint32Array {
  if (ix.kind === "list") return ix.indices;
  const out = new Uint32Array(ix.length);
  for (let p = 0; p < ix.length; p++) out[p] = ix.start + p * ix.step;
  return out;
}

/** Python's `slice.indices(length)`: clamped start, step and the number of selected items. */
export function resolveSlice(slice: Slice, length: number): { start: number; step: number; length: number } {
  const step = slice.step ?? 1;
  if (!Number.isInteger(step)) throw new InvalidArgumentError(`[shoal] slice step must be an integer, got ${step}`);
  if (step === 0) throw new IndexError("step 0", length, "slice (step cannot be zero) of a view");
  const clamp = (v: number | null | undefined, dflt: number, lo: number, hi: number): number => {
    if (v === undefined || v === null) return dflt;
    if (!Number.isInteger(v)) throw new InvalidArgumentError(`[shoal] slice bounds must be integers, got ${v}`);
    const x = v < 0 ? v + length : v;
    return x < lo ? lo : x > hi ? hi : x;
  };
  let start: number;
  let stop: number;
  if (step > 0) {
    start = clamp(slice.start, 0, 0, length);
    stop = clamp(slice.stop, length, 0, length);
  } else {
    start = clamp(slice.start, length - 1, -1, length - 1);
    stop = clamp(slice.stop, -1, -1, length - 1);
    // An explicit negative stop that lands before 0 means "through the first element" only when it was -len-1 or
    // less; clamp already maps it to -1 and Python agrees.
  }
  const n = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
  return { start, step, length: n };
}

/** Normalises an int position (negative from the end); throws IndexError naming index and length. */
export function resolveInt(i: number, length: number, what = "view"): number {
  if (!Number.isInteger(i)) throw new InvalidArgumentError(`[shoal] index must be an integer, got ${i}`);
  const p = i < 0 ? i + length : i;
  if (p < 0 || p >= length) throw new IndexError(i, length, what);
  return p;
}

function isSlice(sel: Selector): sel is Slice {
  return typeof sel === "object" && !Array.isArray(sel) && !(sel instanceof Uint32Array);
}

/** `ix[sel]`: composes a selector with an index, lazily (ranges stay ranges). */
export function selectRows(ix: RowIndex, sel: Selector): RowIndex {
  const n = indexLength(ix);
  if (typeof sel === "number") {
    const p = resolveInt(sel, n);
    return { kind: "range", start: rootAt(ix, p), step: 1, length: 1 };
  }
  if (isSlice(sel)) {
    const s = resolveSlice(sel, n);
    if (ix.kind === "range") {
      return { kind: "range", start: s.length === 0 ? 0 : ix.start + s.start * ix.step, step: ix.step * s.step, length: s.length };
    }
    if (s.step === 1) return listIndex(ix.indices.subarray(s.start, s.start + s.length));
    const out = new Uint32Array(s.length);
    for (let k = 0; k < s.length; k++) out[k] = ix.indices[s.start + k * s.step]!;
    return listIndex(out);
  }
  const list = sel as ArrayLike<number>;
  const out = new Uint32Array(list.length);
  for (let k = 0; k < list.length; k++) out[k] = rootAt(ix, resolveInt(list[k]!, n));
  return listIndex(out);
}

/** Parses a Python index text such as `"1:10:2"`, `"::-1"` or `"-3"` into a selector. */
export function parseSelector(text: string): number | Slice {
  const parts = text.split(":").map((p) => p.trim());
  const num = (p: string | undefined): number | null => {
    if (p === undefined || p === "") return null;
    const v = Number(p);
    if (!Number.isInteger(v)) throw new InvalidArgumentError(`[shoal] invalid index ${JSON.stringify(text)}`);
    return v;
  };
  if (parts.length === 1) {
    const v = num(parts[0]);
    if (v === null) throw new InvalidArgumentError(`[shoal] invalid index ${JSON.stringify(text)}`);
    return v;
  }
  if (parts.length > 3) throw new InvalidArgumentError(`[shoal] invalid slice ${JSON.stringify(text)}`);
  return { start: num(parts[0]), stop: num(parts[1]), step: num(parts[2]) };
}

/** `base[sub]` for a whole index: the root rows of `base` at the positions `sub` lists. */
export function composeIndex(base: RowIndex, sub: RowIndex): RowIndex {
  if (sub.kind === "list") return selectRows(base, sub.indices);
  if (base.kind === "range") {
    return { kind: "range", start: sub.length === 0 ? 0 : base.start + sub.start * base.step, step: base.step * sub.step, length: sub.length };
  }
  const out = new Uint32Array(sub.length);
  const n = base.indices.length;
  for (let k = 0; k < sub.length; k++) out[k] = base.indices[resolveInt(sub.start + k * sub.step, n)]!;
  return listIndex(out);
}
