/** A byte-budgeted LRU (Map insertion order is the recency order). */
export class ByteLru<V> {
  readonly maxBytes: number;
  readonly #map = new Map<string, { value: V; bytes: number }>();
  readonly #onEvict: ((value: V) => void) | undefined;
  #total = 0;

  /** `onEvict` hears of every value that leaves the cache (evicted, deleted, replaced by another value, cleared). */
  constructor(maxBytes: number, onEvict?: (value: V) => void) {
    this.maxBytes = maxBytes;
    this.#onEvict = onEvict;
  }

  get(key: string): V | undefined {
    const hit = this.#map.get(key);
    if (!hit) return undefined;
    this.#map.delete(key);
    this.#map.set(key, hit);
    return hit.value;
  }

  /** Stores `value` (or re-accounts it when it is already the key's value); false when it is larger than the cache. */
  set(key: string, value: V, bytes: number): boolean {
    const old = this.#map.get(key);
    if (bytes > this.maxBytes) {
      if (old?.value === value) this.delete(key);
      return false;
    }
    if (old) {
      this.#total -= old.bytes;
      this.#map.delete(key);
      if (old.value !== value) this.#onEvict?.(old.value);
    }
    this.#map.set(key, { value, bytes });
    this.#total += bytes;
    for (const [k, v] of this.#map) {
      if (this.#total <= this.maxBytes) break;
      this.#map.delete(k);
      this.#total -= v.bytes;
      this.#onEvict?.(v.value);
    }
    return true;
  }

  delete(key: string): void {
    const old = this.#map.get(key);
    if (!old) return;
    this.#total -= old.bytes;
    this.#map.delete(key);
    this.#onEvict?.(old.value);
  }

  clear(): void {
    const values = [...this.#map.values()];
    this.#map.clear();
    this.#total = 0;
    if (this.#onEvict) for (const v of values) this.#onEvict(v.value);
  }

  get bytes(): number {
    return this.#total;
  }
}
