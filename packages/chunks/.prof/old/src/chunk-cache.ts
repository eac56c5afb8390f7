/**
 * The decoded-chunk cache: a byte-bounded LRU of DecodedChunk entries that also recycles their payload memory.
 * Decoding an lz4 chunk into a fresh 16 MB buffer on every cache miss cost about a quarter of a chunk-compressed
 * epoch plus GC; an evicted entry's buffer instead goes to a small free list and the next decode of that size
 * reuses it. A buffer is reused only once nothing can still read it: readers pin an entry while they hold views
 * of its payload (`acquire`/`release`), and entries whose payload escaped to callers are marked `share`d.
 * @module
 */
import type { DecodedChunk } from "./decoded-chunk.ts";
import { ByteLru } from "./lru.ts";

/**
 * The free list keeps at most this many bytes, and no more than the cache budget (so memory stays below twice
 * `cacheBytes`); decodes drain it as fast as evictions fill it, so it rarely holds more than a buffer or two.
 */
const FREE_MAX_BYTES = 64 << 20;

export class ChunkCache {
  readonly #lru: ByteLru<DecodedChunk>;
  readonly #free: ArrayBuffer[] = [];
  readonly #freeMax: number;
  #freeBytes = 0;
  /** Payload buffers handed out again instead of allocated (for tests and benches). */
  reused = 0;

  constructor(maxBytes: number) {
    this.#lru = new ByteLru(maxBytes, (entry) => {
      entry.cached = false;
      this.#recycle(entry);
    });
    this.#freeMax = Math.min(FREE_MAX_BYTES, maxBytes);
  }

  get maxBytes(): number {
    return this.#lru.maxBytes;
  }

  get bytes(): number {
    return this.#lru.bytes;
  }

  /** Bytes of payload buffers waiting to be reused. */
  get freeBytes(): number {
    return this.#freeBytes;
  }

  /** The cached entry, without pinning it (for "is it cached?" checks). */
  get(key: string): DecodedChunk | undefined {
    return this.#lru.get(key);
  }

  /** The cached entry, pinned: call `release` once its payload views are no longer used. */
  acquire(key: string): DecodedChunk | undefined {
    const entry = this.#lru.get(key);
    if (entry) entry.pins++;
    return entry;
  }

  /** Caches `entry` (or re-accounts its size); an entry larger than the cache is simply not kept. */
  set(key: string, entry: DecodedChunk, bytes: number): void {
    entry.cached = this.#lru.set(key, entry, bytes);
  }

  delete(key: string): void {
    this.#lru.delete(key);
  }

  /** Drops every entry and the free list (memory goes back to the GC). */
  clear(): void {
    this.#lru.clear();
    this.#free.length = 0;
    this.#freeBytes = 0;
  }

  /** Drops one pin; the payload is recycled when the entry is also out of the cache. */
  release(entry: DecodedChunk): void {
    entry.pins--;
    this.#recycle(entry);
  }

  /** The payload is about to be handed to a caller that keeps it: never reuse it. */
  share(entry: DecodedChunk): void {
    entry.reusable = false;
  }

  /** A buffer of `length` bytes for a payload decode, reused when the free list has one of that size. */
  alloc(length: number): Uint8Array {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      const buffer = this.#free[i]!;
      if (buffer.byteLength === length) {
        this.#free.splice(i, 1);
        this.#freeBytes -= length;
        this.reused++;
        return new Uint8Array(buffer);
      }
    }
    return new Uint8Array(length);
  }

  #recycle(entry: DecodedChunk): void {
    if (entry.cached || entry.pins > 0 || !entry.reusable) return;
    // Once given back the entry must never hand out its payload again.
    entry.reusable = false;
    const p = entry.payload;
    const buffer = p.buffer as ArrayBuffer;
    if (p.byteOffset !== 0 || p.byteLength !== buffer.byteLength || p.byteLength > this.#freeMax) return;
    // Oldest out first, so the list holds the sizes in current use.
    while (this.#freeBytes + p.byteLength > this.#freeMax && this.#free.length > 0) this.#freeBytes -= this.#free.shift()!.byteLength;
    this.#free.push(buffer);
    this.#freeBytes += p.byteLength;
  }
}
