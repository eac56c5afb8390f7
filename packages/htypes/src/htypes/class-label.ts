/**
 * class_label samples: indices into `info.class_names`, given as numbers, strings, or lists/arrays of either.
 * New strings extend the class list (returned, never mutated in place).
 * @module
 */
import { type DType, type NDArray, type TypedArray } from "@shoal/core";
import { toNDArray } from "../cast.ts";
import { SampleShapeError, SampleValueError, type SampleErrorWhere } from "../errors.ts";

export interface ClassLabelResult {
  array: NDArray;
  /** The extended class list, when strings added names. */
  classNames?: string[];
}

export function normalizeClassLabel(input: unknown, dtype: DType, classNames: readonly string[], at: SampleErrorWhere): ClassLabelResult {
  let names: string[] | undefined;
  const indexOf = (label: string): number => {
    const list = names ?? classNames;
    const found = list.indexOf(label);
    if (found >= 0) return found;
    names ??= [...classNames];
    names.push(label);
    return names.length - 1;
  };
  let numeric: unknown = input;
  if (typeof input === "string") numeric = [indexOf(input)];
  else if (Array.isArray(input) && input.some((x) => typeof x === "string")) {
    numeric = input.map((x, i) => {
      if (typeof x === "string") return indexOf(x);
      if (typeof x === "number" || typeof x === "bigint") return x;
      throw new SampleValueError(at, `label ${i} is ${Array.isArray(x) ? "a nested array" : typeof x}; class labels are numbers or strings`);
    });
  }
  const array = toNDArray(numeric, dtype, at);
  const flat = array.shape.length === 0 ? { ...array, shape: [1] } : array;
  if (flat.shape.length > 1) {
    throw new SampleShapeError(at, `class_label samples are (labels,); got shape [${flat.shape.join(", ")}]`);
  }
  const known = (names ?? classNames).length;
  const data = flat.data as TypedArray;
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]!);
    if (v < 0) throw new SampleValueError(at, `class index ${v} at position ${i} is negative`);
    // With no class names the labels are plain integers (Deep Lake allows that); with names they must index one.
    if (known > 0 && v >= known) throw new SampleValueError(at, `class index ${v} at position ${i} is out of range: the tensor has ${known} class names`);
  }
  return names ? { array: flat, classNames: names } : { array: flat };
}
