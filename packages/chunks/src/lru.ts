/** A byte-budgeted LRU (Map insertion order is the recency order). */
export class ByteLru<V> {
  readonly maxBytes: number;
  readonly #map = new Map<string, { value: V; bytes: number }>();
  #total = 0;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  get(key: string): V | undefined {
    const hit = this.#map.get(key);
    if (!hit) return undefined;
    this.#map.delete(key);
    this.#map.set(key, hit);
    return hit.value;
  }

  set(key: string, value: V, bytes: number): void {
    if (bytes > this.maxBytes) return;
    const old = this.#map.get(key);
    if (old) {
      this.#total -= old.bytes;
      this.#map.delete(key);
    }
    this.#map.set(key, { value, bytes });
    this.#total += bytes;
    for (const [k, v] of this.#map) {
      if (this.#total <= this.maxBytes) break;
      this.#map.delete(k);
      this.#total -= v.bytes;
    }
  }

  delete(key: string): void {
    const old = this.#map.get(key);
    if (!old) return;
    this.#total -= old.bytes;
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
    this.#total = 0;
  }

  get bytes(): number {
    return this.#total;
  }
}
