/**
 * A virtual tensor (`SELECT expr AS name`): values computed by a query, one per row of the result view.
 * @module
 */
import { type NDArray, ndarray } from "@shoal/core";
import { IndexError } from "./errors.ts";
import type { ColumnMeta, ReadOptions, SampleValue, TensorColumn } from "./source.ts";
import { stackSamples } from "./view-tensor.ts";

function isArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v;
}

export class VirtualColumn implements TensorColumn {
  readonly meta: ColumnMeta;
  readonly values: readonly SampleValue[];

  constructor(name: string, values: readonly SampleValue[]) {
    this.values = values;
    const kinds = new Set(values.map((v) => (isArray(v) ? "array" : typeof v)));
    const htype = kinds.size === 1 && kinds.has("string") ? "text" : kinds.has("object") ? "json" : "generic";
    const dtype = kinds.size === 1 && kinds.has("number") ? "float64" : kinds.size === 1 && kinds.has("array") ? (values[0] as NDArray).dtype : undefined;
    this.meta = { name, htype, dtype };
  }

  get length(): number {
    return this.values.length;
  }

  #at(index: number): SampleValue {
    if (!Number.isInteger(index) || index < 0 || index >= this.values.length) throw new IndexError(index, this.values.length, `virtual tensor ${this.meta.name}`);
    return this.values[index];
  }

  async read(index: number, opts?: ReadOptions): Promise<SampleValue> {
    opts?.signal?.throwIfAborted();
    return this.#at(index);
  }

  async readMany(indices: ArrayLike<number>, opts?: ReadOptions): Promise<SampleValue[]> {
    opts?.signal?.throwIfAborted();
    return Array.from({ length: indices.length }, (_, k) => this.#at(indices[k]!));
  }

  async shape(index: number): Promise<readonly number[]> {
    const v = this.#at(index);
    return isArray(v) ? v.shape : [1];
  }

  async column(): Promise<NDArray | undefined> {
    if (this.meta.dtype !== "float64") return undefined;
    return ndarray("float64", [this.values.length], Float64Array.from(this.values as number[]));
  }

  /** Every value: one stacked NDArray when they are arrays of one shape, else a list. */
  async numpy(): Promise<NDArray | SampleValue[]> {
    return stackSamples(this.values);
  }

  /** The values at some positions, as a new virtual column (used when a result view is sliced). */
  pick(positions: ArrayLike<number>): VirtualColumn {
    return new VirtualColumn(this.meta.name, Array.from({ length: positions.length }, (_, k) => this.#at(positions[k]!)));
  }
}
