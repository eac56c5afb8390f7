/**
 * Tile geometry (FORMAT.md §4.4): slabs along the leading dimensions, trailing dimensions kept whole, so a slice
 * of the first axes touches only the tiles it needs.
 * @module
 */
import type { NDArray, TypedArray } from "@shoal/core";
import { allocTyped, dtypeInfo, ndarray, shapeSize, stridesOf } from "@shoal/core";

export function tileShapeFor(shape: readonly number[], itemSize: number, target: number): number[] {
  const tile = [...shape];
  for (let k = 0; k < shape.length; k++) {
    const trailing = shapeSize(shape.slice(k + 1)) * itemSize;
    if (trailing <= target || k === shape.length - 1) {
      tile[k] = Math.max(1, Math.min(shape[k]!, Math.floor(target / Math.max(trailing, 1))));
      return tile;
    }
    tile[k] = 1;
  }
  return tile;
}

export function gridOf(shape: readonly number[], tileShape: readonly number[]): number[] {
  return shape.map((d, i) => (tileShape[i]! === 0 ? 0 : Math.ceil(d / tileShape[i]!)));
}

/** Tile coordinates (C order) → [start, stop) box in sample coordinates. */
export function tileBox(k: number, shape: readonly number[], tileShape: readonly number[]): { start: number[]; stop: number[] } {
  const grid = gridOf(shape, tileShape);
  const start = new Array<number>(shape.length);
  const stop = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    const g = grid[i]!;
    const c = g === 0 ? 0 : k % g;
    k = g === 0 ? 0 : Math.floor(k / g);
    start[i] = c * tileShape[i]!;
    stop[i] = Math.min(shape[i]!, start[i]! + tileShape[i]!);
  }
  return { start, stop };
}

/** Copies box `[start, stop)` of `src` (row-major, `srcShape`) into `dst` at `dstStart` (row-major, `dstShape`). */
export function copyBox(
  src: TypedArray, srcShape: readonly number[], srcStart: readonly number[],
  dst: TypedArray, dstShape: readonly number[], dstStart: readonly number[],
  extent: readonly number[],
): void {
  const d = extent.length;
  if (d === 0) {
    (dst as Uint8Array)[0] = (src as Uint8Array)[0]!;
    return;
  }
  if (extent.some((e) => e === 0)) return;
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  // Innermost run: the last dim, merged with trailing dims that are copied whole in both arrays.
  let inner = d - 1;
  let run = extent[inner]!;
  while (inner > 0 && extent[inner] === srcShape[inner] && extent[inner] === dstShape[inner] && srcStart[inner] === 0 && dstStart[inner] === 0) {
    inner--;
    run *= extent[inner]!;
  }
  const counters = new Array<number>(inner).fill(0);
  for (;;) {
    let so = 0;
    let dof = 0;
    for (let i = 0; i < inner; i++) {
      so += (srcStart[i]! + counters[i]!) * ss[i]!;
      dof += (dstStart[i]! + counters[i]!) * ds[i]!;
    }
    so += srcStart[inner]! * ss[inner]!;
    dof += dstStart[inner]! * ds[inner]!;
    (dst as Uint8Array).set((src as Uint8Array).subarray(so, so + run), dof);
    let i = inner - 1;
    while (i >= 0) {
      counters[i]!++;
      if (counters[i]! < extent[i]!) break;
      counters[i] = 0;
      i--;
    }
    if (i < 0) return;
  }
}

/** The sub-array `[start, stop)` of `array`, as a new contiguous array. */
export function extractBox(array: NDArray, start: readonly number[], stop: readonly number[]): NDArray {
  const extent = stop.map((s, i) => s - start[i]!);
  const out = allocTyped(array.dtype, shapeSize(extent));
  copyBox(array.data as TypedArray, array.shape, start, out as TypedArray, extent, new Array<number>(extent.length).fill(0), extent);
  void dtypeInfo;
  return ndarray(array.dtype, extent, out);
}
