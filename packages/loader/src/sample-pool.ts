/**
 * Recycled sample-sized arrays for fixed-shape samples that wait in the shuffle buffer: a sample read into a fresh
 * multi-KB array costs page faults and garbage collection (more than the copy itself), an array back from a cut batch
 * is warm. The pool never holds more arrays than were in use at once, and lives as long as its loader.
 * @module
 */
import { type DType, type TypedArray, allocTyped } from "@shoal/core";

export class SamplePool {
  readonly #dtype: DType;
  readonly #size: number;
  readonly #free: TypedArray[] = [];

  constructor(dtype: DType, size: number) {
    this.#dtype = dtype;
    this.#size = size;
  }

  take(): TypedArray {
    return this.#free.pop() ?? (allocTyped(this.#dtype, this.#size) as TypedArray);
  }

  give(array: TypedArray): void {
    this.#free.push(array);
  }
}
