/**
 * `@shoal/loader/onnx`: batches as onnxruntime tensors. onnxruntime (-web or -node) is an optional peer this
 * package never imports: pass its `Tensor` class, typed here structurally.
 * @module
 */
import type { NDArray } from "@shoal/core";
import { isNDArray } from "./collate.ts";

export type OrtDType = "float32" | "float64" | "float16" | "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32" | "int64" | "uint64" | "bool" | "string";

/** The constructor of `ort.Tensor`: `new Tensor(type, data, dims)`. */
export type OrtTensorCtor<T = unknown> = new (type: OrtDType, data: NDArray["data"] | string[], dims: readonly number[]) => T;

/** An NDArray as an ORT tensor, sharing its data (NDArray dtypes and ORT types coincide; bool is one byte each). */
export function toOrtTensor<T>(array: NDArray, Tensor: OrtTensorCtor<T>): T {
  return new Tensor(array.dtype, array.data, [...array.shape]);
}

/** One batch as ORT feeds: NDArrays → tensors, string lists → string tensors, ragged lists → arrays of tensors. */
export function batchToOrt<T>(batch: Record<string, unknown>, Tensor: OrtTensorCtor<T>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(batch)) {
    if (isNDArray(v)) out[k] = toOrtTensor(v, Tensor);
    else if (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === "string")) out[k] = new Tensor("string", v as string[], [v.length]);
    else if (Array.isArray(v) && v.every(isNDArray)) out[k] = v.map((a) => toOrtTensor(a, Tensor));
    else out[k] = v;
  }
  return out;
}

/** The loader's batches as ORT feeds, e.g. `for await (const feeds of toOrt(loader, ort.Tensor)) await session.run(feeds)`. */
export async function* toOrt<T>(loader: AsyncIterable<unknown>, Tensor: OrtTensorCtor<T>): AsyncGenerator<Record<string, unknown>> {
  for await (const batch of loader) yield batchToOrt(batch as Record<string, unknown>, Tensor);
}
