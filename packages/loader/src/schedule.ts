/**
 * The order of one epoch, as positions of the loader's view, before the shuffle buffer: chunk-order shuffle
 * (whole chunks permuted, rows inside a chunk kept in view order, as Deep Lake's fetching schedule), then the offset
 * rotation, then the rank's contiguous shard. Everything here is typed arrays and O(n + chunks).
 * @module
 */
import type { Rng } from "@shoal/views";

/** Rows per pseudo-chunk when the source gives no chunk ids (Deep Lake's OSS loader shuffles IO blocks likewise). */
export const BLOCK_ROWS = 1024;

/** Dense chunk numbers 0..k-1 (in first-seen order) for each position, and k. */
export function denseChunks(chunkIds: Uint32Array | null, n: number): { ids: Uint32Array; count: number } {
  const ids = new Uint32Array(n);
  if (!chunkIds) {
    for (let p = 0; p < n; p++) ids[p] = Math.floor(p / BLOCK_ROWS);
    return { ids, count: Math.ceil(n / BLOCK_ROWS) };
  }
  const seen = new Map<number, number>();
  let last = -1;
  let lastDense = 0;
  for (let p = 0; p < n; p++) {
    const c = chunkIds[p]!;
    if (c !== last) {
      let d = seen.get(c);
      if (d === undefined) {
        d = seen.size;
        seen.set(c, d);
      }
      last = c;
      lastDense = d;
    }
    ids[p] = lastDense;
  }
  return { ids, count: seen.size };
}

/** Positions 0..n-1 grouped by chunk, chunks in a random order; rows of a chunk stay in view order (stable). */
export function chunkOrder(chunks: { ids: Uint32Array; count: number }, rng: Rng): Uint32Array {
  const { ids, count } = chunks;
  const n = ids.length;
  const perm = new Uint32Array(count);
  for (let c = 0; c < count; c++) perm[c] = c;
  rng.shuffle(perm);
  const rankOf = new Uint32Array(count);
  for (let r = 0; r < count; r++) rankOf[perm[r]!] = r;
  const start = new Uint32Array(count + 1);
  for (let p = 0; p < n; p++) start[rankOf[ids[p]!]! + 1]!++;
  for (let r = 0; r < count; r++) start[r + 1]! += start[r]!;
  const out = new Uint32Array(n);
  for (let p = 0; p < n; p++) out[start[rankOf[ids[p]!]!]!++] = p;
  return out;
}

export function identityOrder(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let p = 0; p < n; p++) out[p] = p;
  return out;
}

/** Iteration starts at `offset` and wraps around (offset 4 of 10 rows: 4..9, 0..3). */
export function rotate(order: Uint32Array, offset: number): Uint32Array {
  const n = order.length;
  const k = n === 0 ? 0 : offset % n;
  if (k === 0) return order;
  const out = new Uint32Array(n);
  out.set(order.subarray(k), 0);
  out.set(order.subarray(0, k), n - k);
  return out;
}

/** Rank r of W gets the contiguous slice [r·per, min((r+1)·per, n)) with per = ceil(n / W). */
export function shard(order: Uint32Array, rank: number, worldSize: number): Uint32Array {
  const per = Math.ceil(order.length / worldSize);
  return order.subarray(Math.min(rank * per, order.length), Math.min((rank + 1) * per, order.length));
}
