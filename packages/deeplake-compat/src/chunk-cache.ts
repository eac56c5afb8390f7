/**
 * A byte-bounded LRU of loaded chunks shared by every tensor of a dataset (and its checkouts). Concurrent readers of
 * one chunk share one load; a failed load is not cached.
 * @module
 */

export interface Sized {
  readonly byteLength: number;
}

export class ChunkCache<T extends Sized> {
  readonly maxBytes: number;
  #bytes = 0;
  readonly #done = new Map<string, T>();
  readonly #pending = new Map<string, Promise<T>>();

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#done.get(key);
    if (hit) {
      this.#done.delete(key);
      this.#done.set(key, hit);
      return Promise.resolve(hit);
    }
    let p = this.#pending.get(key);
    if (!p) {
      p = load().then(
        (value) => {
          this.#pending.delete(key);
          this.#insert(key, value);
          return value;
        },
        (e: unknown) => {
          this.#pending.delete(key);
          throw e;
        },
      );
      this.#pending.set(key, p);
    }
    return p;
  }

  clear(): void {
    this.#done.clear();
    this.#bytes = 0;
  }

  #insert(key: string, value: T): void {
    // An object larger than the whole budget is handed out but not kept.
    if (value.byteLength > this.maxBytes) return;
    this.#done.set(key, value);
    this.#bytes += value.byteLength;
    for (const [k, v] of this.#done) {
      if (this.#bytes <= this.maxBytes) break;
      this.#done.delete(k);
      this.#bytes -= v.byteLength;
    }
  }
}
