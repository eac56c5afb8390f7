/**
 * Batch values: stacking samples when shapes agree, splitting a batch into per-sample values (views, no copies)
 * for transforms, and dropping failed samples in place.
 * @module
 */
import { type NDArray, type TypedArray, equalShapes, ndarray, shapeSize, stack } from "@shoal/core";
import type { ImageLike } from "./types.ts";

export function isNDArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v && ArrayBuffer.isView((v as NDArray).data);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && !isNDArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Stacks arrays of one dtype and shape into one [n, ...shape] array; anything else stays a list. */
export function collateValues(values: readonly unknown[]): unknown {
  if (values.length === 0) return [];
  const first = values[0];
  if (isNDArray(first)) {
    if (values.every((v) => isNDArray(v) && v.dtype === first.dtype && equalShapes(v.shape, first.shape))) return stack(values as NDArray[]);
    return [...values];
  }
  return [...values];
}

/**
 * The default collate: samples that are objects are merged key by key (each key collated as above), anything else
 * is collated as a list.
 */
export function defaultCollate(samples: readonly unknown[]): unknown {
  if (samples.length > 0 && samples.every(isPlainObject)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(samples[0] as object)) out[key] = collateValues(samples.map((s) => (s as Record<string, unknown>)[key]));
    return out;
  }
  return collateValues(samples);
}

/** Sample `i` of a batch value: a view into a stacked array, or the list element. */
export function sampleOf(value: unknown, i: number): unknown {
  if (isNDArray(value)) {
    const shape = value.shape.slice(1);
    const each = shapeSize(shape);
    return ndarray(value.dtype, shape, value.data.subarray(i * each, (i + 1) * each) as never);
  }
  return (value as readonly unknown[])[i];
}

/** Removes the samples at `drop` (sorted ascending) from a batch value: stacked arrays compact in place. */
export function dropSamples(value: unknown, drop: readonly number[], n: number): unknown {
  if (drop.length === 0) return value;
  const skip = new Set(drop);
  if (isNDArray(value)) {
    const shape = value.shape.slice(1);
    const each = shapeSize(shape);
    const data = value.data as TypedArray;
    let w = 0;
    for (let i = 0; i < n; i++) {
      if (skip.has(i)) continue;
      if (w !== i) data.copyWithin(w * each, i * each, (i + 1) * each);
      w++;
    }
    return ndarray(value.dtype, [w, ...shape], data.subarray(0, w * each) as never);
  }
  return (value as readonly unknown[]).filter((_, i) => !skip.has(i));
}

/** RGBA images seen through a stacked [n, h, w, 4] uint8 array, without copying. */
export function imagesOf(array: NDArray): ImageLike[] {
  const [n = 0, height = 0, width = 0] = array.shape;
  const each = height * width * 4;
  const bytes = array.data as Uint8Array;
  const out: ImageLike[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { width, height, data: new Uint8ClampedArray(bytes.buffer, bytes.byteOffset + i * each, each) };
  return out;
}
