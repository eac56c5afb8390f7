/**
 * Where batch arrays come from. By default every batch gets fresh arrays, so batches may be kept forever. With
 * `reuseBatches`, the arrays of a yielded batch go back to a free list when the next batch is requested: a fresh
 * multi-MB typed array costs page faults and zeroing on every batch (5-10x a plain copy into warm memory), which
 * is most of the cost of a raw-tensor epoch.
 * @module
 */
import { type DType, type TypedArray, allocTyped } from "@shoal/core";
import { isNDArray } from "./collate.ts";

export class BatchBuffers {
  readonly #reuse: boolean;
  /** At most this many free arrays per (dtype, length): enough for the batches in flight, no more. */
  readonly #limit: number;
  readonly #free = new Map<string, TypedArray[]>();
  /** Buffers this pool handed out, to their full-length array (a batch may hold a shorter view after drops). */
  readonly #owned = new WeakMap<ArrayBufferLike, { key: string; array: TypedArray }>();

  constructor(reuse: boolean, limit: number) {
    this.#reuse = reuse;
    this.#limit = limit;
  }

  alloc<D extends DType>(dtype: D, length: number): TypedArray {
    if (!this.#reuse) return allocTyped(dtype, length) as TypedArray;
    const key = `${dtype}:${length}`;
    const array = this.#free.get(key)?.pop() ?? (allocTyped(dtype, length) as TypedArray);
    this.#owned.set(array.buffer, { key, array });
    return array;
  }

  /** Takes back the pool's arrays found among a yielded batch's values (top level only). */
  release(batch: unknown): void {
    if (!this.#reuse || typeof batch !== "object" || batch === null) return;
    for (const value of Object.values(batch)) {
      if (!isNDArray(value)) continue;
      const entry = this.#owned.get(value.data.buffer);
      if (!entry) continue;
      this.#owned.delete(value.data.buffer);
      let list = this.#free.get(entry.key);
      if (!list) this.#free.set(entry.key, (list = []));
      if (list.length < this.#limit) list.push(entry.array);
    }
  }
}
