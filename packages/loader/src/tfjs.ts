/**
 * `@shoal/loader/tfjs`: a loader as a `tf.data.Dataset`. TensorFlow.js is an optional peer that this package never
 * imports: pass your `tf` namespace (`@tensorflow/tfjs`, `-node` or `-node-gpu`), typed here by the little it needs.
 * @module
 */
import { type NDArray, float16ToFloat32 } from "@shoal/core";
import { isNDArray } from "./collate.ts";

export type TfDType = "float32" | "int32" | "bool" | "string";

/** The part of the `tf` namespace the adapter calls. */
export interface TfLike<Tensor = unknown, Dataset = unknown> {
  tensor(values: Float32Array | Int32Array | Uint8Array | string[], shape: number[], dtype: TfDType): Tensor;
  data: { generator(make: () => AsyncIterator<Record<string, unknown>>): Dataset };
}

/** An NDArray as tf would hold it: float32, int32 or bool (tf has no uint8/int64/float64 tensors). */
export function toTfValues(a: NDArray): { values: Float32Array | Int32Array | Uint8Array; dtype: TfDType } {
  const d = a.data;
  switch (a.dtype) {
    case "float32":
      return { values: d as Float32Array, dtype: "float32" };
    case "int32":
      return { values: d as Int32Array, dtype: "int32" };
    case "bool":
      return { values: d as Uint8Array, dtype: "bool" };
    case "float64":
      return { values: Float32Array.from(d as Float64Array), dtype: "float32" };
    case "float16":
      return { values: Float32Array.from(d as Uint16Array, float16ToFloat32), dtype: "float32" };
    case "int64":
    case "uint64":
      return { values: Int32Array.from(d as BigInt64Array, (v) => Number(v)), dtype: "int32" };
    default:
      return { values: Int32Array.from(d as Uint8Array), dtype: "int32" };
  }
}

function convert<T>(tf: TfLike<T>, v: unknown): unknown {
  if (isNDArray(v)) {
    const { values, dtype } = toTfValues(v);
    return tf.tensor(values, [...v.shape], dtype);
  }
  if (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === "string")) return tf.tensor(v as string[], [v.length], "string");
  if (Array.isArray(v) && v.every(isNDArray)) return v.map((a) => convert(tf, a));
  return v;
}

/**
 * `tf.data.generator` over the loader: each element is one batch with every NDArray turned into a tf tensor (ragged
 * tensors become arrays of tensors, text a string tensor, other values pass through). Each dataset iteration is an
 * epoch of the loader.
 */
export function toTfDataset<T, D>(loader: AsyncIterable<unknown>, tf: TfLike<T, D>): D {
  return tf.data.generator(() => {
    const it = loader[Symbol.asyncIterator]();
    return {
      async next() {
        const r = await it.next();
        if (r.done) return { done: true, value: undefined };
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(r.value as Record<string, unknown>)) out[k] = convert(tf, v);
        return { done: false, value: out };
      },
      async return() {
        await it.return?.();
        return { done: true, value: undefined };
      },
    };
  });
}
