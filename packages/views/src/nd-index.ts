/**
 * NumPy basic indexing inside one sample: ints drop an axis, slices keep it; missing trailing items mean `:`.
 * Used by per-tensor sub-sample indexing (`images[0, 10:20]`) and by TQL subscripts (`boxes[:, 2]`).
 * @module
 */
import { type NDArray, type TypedArray, allocTyped, ndarray, stridesOf } from "@shoal/core";
import { IndexError } from "./errors.ts";
import { type Slice, resolveSlice } from "./row-index.ts";

export type AxisItem = number | Slice;

/** `array[items]` as a new contiguous NDArray. Out-of-range ints throw IndexError; too many items too. */
export function indexSample(array: NDArray, items: readonly AxisItem[]): NDArray {
  const shape = array.shape;
  if (items.length > shape.length) throw new IndexError(`[${items.length} items]`, shape.length, "sample dimensions");
  const strides = stridesOf(shape);
  let base = 0;
  const outShape: number[] = [];
  const axisStride: number[] = [];
  for (let k = 0; k < shape.length; k++) {
    const item = k < items.length ? items[k]! : {};
    const dim = shape[k]!;
    if (typeof item === "number") {
      const p = item < 0 ? item + dim : item;
      if (!Number.isInteger(p) || p < 0 || p >= dim) throw new IndexError(item, dim, `sample axis ${k}`);
      base += p * strides[k]!;
    } else {
      const s = resolveSlice(item, dim);
      outShape.push(s.length);
      axisStride.push(s.step * strides[k]!);
      base += s.length > 0 ? s.start * strides[k]! : 0;
    }
  }
  const total = outShape.reduce((a, b) => a * b, 1);
  const out = allocTyped(array.dtype, total) as TypedArray;
  const src = array.data as TypedArray;
  const nd = outShape.length;
  if (total > 0) {
    // Odometer over the output axes; the innermost axis is copied in a tight loop.
    const counter = new Array<number>(nd).fill(0);
    const innerLen = nd ? outShape[nd - 1]! : 1;
    const innerStride = nd ? axisStride[nd - 1]! : 0;
    let o = 0;
    for (;;) {
      let off = base;
      for (let k = 0; k < nd - 1; k++) off += counter[k]! * axisStride[k]!;
      if (innerStride === 1) {
        out.set(src.subarray(off, off + innerLen) as never, o);
        o += innerLen;
      } else {
        for (let j = 0; j < innerLen; j++) (out as unknown as number[])[o++] = (src as unknown as number[])[off + j * innerStride]!;
      }
      let k = nd - 2;
      while (k >= 0) {
        counter[k]!++;
        if (counter[k]! < outShape[k]!) break;
        counter[k] = 0;
        k--;
      }
      if (k < 0) break;
    }
  }
  return ndarray(array.dtype, outShape, out as never);
}
