/**
 * Scan kernels of the fused WHERE path. A kernel walks rows once and writes matching row positions straight into a
 * Uint32Array. Writes are branch-free (`out[c] = i; c += test`), so the speed does not depend on selectivity, and the
 * full-column scan has one loop per element type: each loop's load site then only ever sees one array type, which
 * keeps V8's element access monomorphic (a shared loop called with three array types ran ~3x slower).
 * @module
 */
import { type NDArray, dtypeInfo, float16ToFloat32 } from "@shoal/core";

export type NumArray = Uint8Array | Uint8ClampedArray | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** A numeric view of an NDArray's elements: as is, float16 decoded, 64-bit integers as doubles (one copy). */
export function numericData(a: NDArray): NumArray {
  if (a.dtype === "float16") return Float32Array.from(a.data as Uint16Array, float16ToFloat32);
  if (dtypeInfo(a.dtype).bigint) return Float64Array.from(a.data as BigInt64Array, Number);
  return a.data as NumArray;
}

/** True for element types that cannot hold NaN or infinities. */
export function isIntegerArray(a: NumArray): boolean {
  return !(a instanceof Float32Array || a instanceof Float64Array);
}

/**
 * Positions `i` in `[start, end)` where `(lo <= a[i] <= hi) XOR flip`, written from `out[at]`; returns the count.
 * `out` needs room for `end - start` entries after `at`. NaN is never inside a range, so with `flip` it matches.
 */
export function scanRange(a: NumArray, lo: number, hi: number, flip: number, out: Uint32Array, at: number, start: number, end: number): number {
  let c = at;
  if (a instanceof Uint8Array) {
    for (let i = start; i < end; i++) { const x = a[i]!; out[c] = i; c += (+(x >= lo) & +(x <= hi)) ^ flip; }
  } else if (a instanceof Uint32Array) {
    for (let i = start; i < end; i++) { const x = a[i]!; out[c] = i; c += (+(x >= lo) & +(x <= hi)) ^ flip; }
  } else if (a instanceof Int32Array) {
    for (let i = start; i < end; i++) { const x = a[i]!; out[c] = i; c += (+(x >= lo) & +(x <= hi)) ^ flip; }
  } else if (a instanceof Float32Array) {
    for (let i = start; i < end; i++) { const x = a[i]!; out[c] = i; c += (+(x >= lo) & +(x <= hi)) ^ flip; }
  } else if (a instanceof Float64Array) {
    for (let i = start; i < end; i++) { const x = a[i]!; out[c] = i; c += (+(x >= lo) & +(x <= hi)) ^ flip; }
  } else if (a instanceof Int16Array) {
    for (let i = start; i < end; i++) { const x = a[i]!; out[c] = i; c += (+(x >= lo) & +(x <= hi)) ^ flip; }
  } else if (a instanceof Uint16Array) {
    for (let i = start; i < end; i++) { const x = a[i]!; out[c] = i; c += (+(x >= lo) & +(x <= hi)) ^ flip; }
  } else if (a instanceof Int8Array) {
    for (let i = start; i < end; i++) { const x = a[i]!; out[c] = i; c += (+(x >= lo) & +(x <= hi)) ^ flip; }
  } else {
    for (let i = start; i < end; i++) { const x = a[i]!; out[c] = i; c += (+(x >= lo) & +(x <= hi)) ^ flip; }
  }
  return c - at;
}

/** `scanRange` over one field of fixed-stride records (`shapes()` rows: `d[i * stride + offset]`). */
export function scanRangeStrided(d: Uint32Array, stride: number, offset: number, lo: number, hi: number, flip: number, out: Uint32Array, at: number, start: number, end: number): number {
  let c = at;
  for (let i = start; i < end; i++) { const x = d[i * stride + offset]!; out[c] = i; c += (+(x >= lo) & +(x <= hi)) ^ flip; }
  return c - at;
}

/** Rows where `(lo <= a[i*sa+oa] - b[i*sb+ob] <= hi) XOR flip` (integer operands only, so the difference is exact). */
export function scanDiff(a: NumArray, sa: number, oa: number, b: NumArray, sb: number, ob: number, lo: number, hi: number, flip: number, out: Uint32Array, at: number, start: number, end: number): number {
  let c = at;
  for (let i = start; i < end; i++) { const x = a[i * sa + oa]! - b[i * sb + ob]!; out[c] = i; c += (+(x >= lo) & +(x <= hi)) ^ flip; }
  return c - at;
}

/**
 * Rows whose value is (flip: is not) in a set, through a lookup table over `[min, min + span)` for integer values.
 * `table.length` is a power of two ≥ span with zeros past span: `k & mask` keeps every read in bounds, so the test
 * stays branch-free.
 */
export function scanTable(a: NumArray, stride: number, offset: number, table: Uint8Array, min: number, span: number, flip: number, out: Uint32Array, at: number, start: number, end: number): number {
  let c = at;
  const mask = table.length - 1;
  if (stride === 1 && a instanceof Uint32Array) {
    for (let i = start; i < end; i++) { const k = a[i]! - min; out[c] = i; c += (+(k >= 0) & +(k < span) & table[k & mask]!) ^ flip; }
  } else if (stride === 1 && a instanceof Int32Array) {
    for (let i = start; i < end; i++) { const k = a[i]! - min; out[c] = i; c += (+(k >= 0) & +(k < span) & table[k & mask]!) ^ flip; }
  } else {
    for (let i = start; i < end; i++) { const k = a[i * stride + offset]! - min; out[c] = i; c += (+(k >= 0) & +(k < span) & table[k & mask]!) ^ flip; }
  }
  return c - at;
}

/** Rows whose value is (flip: is not) one of `sorted` values (binary search; NaN is never a member). */
export function scanSorted(a: NumArray, stride: number, offset: number, sorted: Float64Array, flip: number, out: Uint32Array, at: number, start: number, end: number): number {
  let c = at;
  for (let i = start; i < end; i++) {
    out[c] = i;
    c += +member(sorted, a[i * stride + offset]!) ^ flip;
  }
  return c - at;
}

function member(sorted: Float64Array, x: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const m = (lo + hi) >>> 1;
    const v = sorted[m]!;
    if (v === x) return true;
    if (v < x) lo = m + 1;
    else hi = m - 1;
  }
  return false;
}

/** Keeps, in place, the positions of `buf[at .. at + count)` whose value is (flip: is not) in `[lo, hi]`. */
export function filterRange(a: NumArray, stride: number, offset: number, lo: number, hi: number, flip: number, buf: Uint32Array, at: number, count: number): number {
  let c = at;
  for (let j = at; j < at + count; j++) {
    const p = buf[j]!;
    const x = a[p * stride + offset]!;
    buf[c] = p;
    c += (+(x >= lo) & +(x <= hi)) ^ flip;
  }
  return c - at;
}

export function filterDiff(a: NumArray, sa: number, oa: number, b: NumArray, sb: number, ob: number, lo: number, hi: number, flip: number, buf: Uint32Array, at: number, count: number): number {
  let c = at;
  for (let j = at; j < at + count; j++) {
    const p = buf[j]!;
    const x = a[p * sa + oa]! - b[p * sb + ob]!;
    buf[c] = p;
    c += (+(x >= lo) & +(x <= hi)) ^ flip;
  }
  return c - at;
}

export function filterSet(a: NumArray, stride: number, offset: number, sorted: Float64Array, flip: number, buf: Uint32Array, at: number, count: number): number {
  let c = at;
  for (let j = at; j < at + count; j++) {
    const p = buf[j]!;
    buf[c] = p;
    c += +member(sorted, a[p * stride + offset]!) ^ flip;
  }
  return c - at;
}

/** Sorted union of two ascending position lists into `out` from `at`; returns the count. */
export function unionInto(a: Uint32Array, na: number, b: Uint32Array, nb: number, out: Uint32Array, at: number): number {
  let i = 0;
  let j = 0;
  let c = at;
  while (i < na && j < nb) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) { out[c++] = x; i++; }
    else if (y < x) { out[c++] = y; j++; }
    else { out[c++] = x; i++; j++; }
  }
  while (i < na) out[c++] = a[i++]!;
  while (j < nb) out[c++] = b[j++]!;
  return c - at;
}

const F64 = new Float64Array(1);
const I64 = new BigInt64Array(F64.buffer);

/**
 * The largest double below `x`, turning `v < x` into the inclusive `v <= nextDown(x)`. Nothing lies below -Infinity:
 * NaN then makes the range empty.
 */
export function nextDown(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === 0) return -Number.MIN_VALUE;
  F64[0] = x;
  I64[0] = I64[0]! + (x > 0 ? -1n : 1n);
  return F64[0]!;
}

export function nextUp(x: number): number {
  return -nextDown(-x);
}
