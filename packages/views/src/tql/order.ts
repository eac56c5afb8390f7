/**
 * ORDER BY: stable sort where ties keep input order in both directions and NULL/NaN sort last. With a LIMIT and
 * one numeric key, a bounded heap keeps only the best `offset + limit` rows.
 * @module
 */
import { TQLTypeError } from "../errors.ts";

/** One sort key per row: numbers (NaN = NULL) or, for text keys, strings with null for NULL. */
export type KeyColumn = { kind: "num"; d: Float64Array } | { kind: "str"; d: (string | null)[] };

function cmpKey(key: KeyColumn, desc: boolean, a: number, b: number): number {
  if (key.kind === "num") {
    const x = key.d[a]!;
    const y = key.d[b]!;
    const xn = Number.isNaN(x);
    const yn = Number.isNaN(y);
    if (xn || yn) return xn === yn ? 0 : xn ? 1 : -1;
    if (x === y) return 0;
    return (x < y ? -1 : 1) * (desc ? -1 : 1);
  }
  const x = key.d[a]!;
  const y = key.d[b]!;
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  if (x === y) return 0;
  return (x < y ? -1 : 1) * (desc ? -1 : 1);
}

/** Row order (indices into the key columns) after sorting, cut to `[offset, offset + limit)`. */
export function sortRows(keys: readonly KeyColumn[], desc: readonly boolean[], n: number, offset: number, limit: number | undefined): Uint32Array {
  const cmp = (a: number, b: number): number => {
    for (let k = 0; k < keys.length; k++) {
      const c = cmpKey(keys[k]!, desc[k]!, a, b);
      if (c !== 0) return c;
    }
    return a - b;
  };
  const want = limit === undefined ? n : Math.min(n, offset + limit);
  if (want <= 0 || offset >= n) return new Uint32Array(0);
  if (want < n / 4) return topK(cmp, n, want).subarray(offset);
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort(cmp);
  return Uint32Array.from(idx.slice(offset, want));
}

/** The `k` smallest rows under `cmp`, sorted, using a max-heap of size k. */
function topK(cmp: (a: number, b: number) => number, n: number, k: number): Uint32Array {
  const heap = new Uint32Array(k);
  let size = 0;
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && cmp(heap[l]!, heap[m]!) > 0) m = l;
      if (r < size && cmp(heap[r]!, heap[m]!) > 0) m = r;
      if (m === i) return;
      const t = heap[i]!;
      heap[i] = heap[m]!;
      heap[m] = t;
      i = m;
    }
  };
  for (let row = 0; row < n; row++) {
    if (size < k) {
      let i = size++;
      heap[i] = row;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (cmp(heap[i]!, heap[p]!) <= 0) break;
        const t = heap[i]!;
        heap[i] = heap[p]!;
        heap[p] = t;
        i = p;
      }
    } else if (cmp(row, heap[0]!) < 0) {
      heap[0] = row;
      siftDown(0);
    }
  }
  return Uint32Array.from(Array.from(heap.subarray(0, size)).sort(cmp));
}

export function keyTypeError(what: string, row: number): never {
  throw new TQLTypeError(`ORDER BY key must be a number or a string, got ${what}`, row);
}
