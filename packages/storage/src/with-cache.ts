import { InvalidArgumentError, assertKey, assertPrefix } from "@shoal/core";
import { assertReadInto, resolveRange } from "./range.ts";
import type { ExactRange, GetOptions, ObjectInfo, RequestOptions, SetOptions, Store, StoreCapabilities } from "./types.ts";

export interface CacheOptions {
  /** Upper bound of the bytes held for reads (and, in write-back mode, of the bytes waiting for `flush()`). */
  maxBytes: number;
  /**
   * `"write-through"` (default): every write reaches the store before `set` resolves.
   * `"write-back"`: writes wait in memory until `flush()` (or until they exceed `maxBytes`), for many small writes.
   */
  mode?: "write-through" | "write-back";
}

/** A Store with an in-memory cache in front; `flush()` pushes buffered write-back writes to the store. */
export interface CachedStore extends Store {
  /** Writes every buffered write to the underlying store (a no-op in write-through mode); progress counts keys. */
  flush(opts?: RequestOptions & { onProgress?: (done: number, total: number) => void }): Promise<void>;
  /** Bytes held for reads right now. */
  readonly cachedBytes: number;
  /** Bytes written but not yet flushed. */
  readonly pendingBytes: number;
}

/**
 * Caches whole objects read from or written to `store`, least recently used first out, within `maxBytes`. Range
 * reads are served from a cached object when there is one, and otherwise go to the store (partial reads are not
 * cached). Conditional writes always go straight to the store, after any buffered write of the same key, because
 * only the store can decide them. The cache assumes no one else changes the keys it holds, which is true of
 * shoal's immutable chunks; for mutable keys written elsewhere use it only with short-lived stores.
 *
 * @example
 * const cached = withCache(new S3Store({ bucket: "b" }), { maxBytes: 256 * 2 ** 20, mode: "write-back" });
 * await cached.set("chunks/0", bytes); // buffered
 * await cached.flush();
 */
export function withCache(store: Store, opts: CacheOptions): CachedStore {
  if (!Number.isSafeInteger(opts.maxBytes) || opts.maxBytes < 0) {
    throw new InvalidArgumentError(`[shoal] withCache: maxBytes must be a non-negative integer, got ${opts.maxBytes}`);
  }
  const mode = opts.mode ?? "write-through";
  if (mode !== "write-through" && mode !== "write-back") {
    throw new InvalidArgumentError(`[shoal] withCache: mode must be "write-through" or "write-back", got ${JSON.stringify(mode)}`);
  }
  return new CachingStore(store, opts.maxBytes, mode === "write-back");
}

class CachingStore implements CachedStore {
  readonly #inner: Store;
  readonly #maxBytes: number;
  readonly #writeBack: boolean;
  /** Map order is recency order: the first entry is the least recently used. */
  readonly #lru = new Map<string, Uint8Array>();
  readonly #dirty = new Map<string, Uint8Array>();
  #lruBytes = 0;
  #dirtyBytes = 0;
  /** Offered only when the inner store offers it: served from the cache when the object is held, else passed through. */
  readonly readInto?: (key: string, range: ExactRange, out: Uint8Array, opts?: RequestOptions) => Promise<number | undefined>;

  constructor(inner: Store, maxBytes: number, writeBack: boolean) {
    this.#inner = inner;
    this.#maxBytes = maxBytes;
    this.#writeBack = writeBack;
    const readInto = inner.readInto?.bind(inner);
    if (readInto) {
      this.readInto = async (key, range, out, opts) => {
        assertKey(key);
        assertReadInto(key, range, out);
        opts?.signal?.throwIfAborted();
        const hit = this.#lookup(key);
        if (hit === undefined) return await readInto(key, range, out, opts);
        const [start, end] = resolveRange(key, hit.byteLength, range);
        out.set(hit.subarray(start, end));
        return end - start;
      };
    }
  }

  get capabilities(): StoreCapabilities {
    return this.#inner.capabilities;
  }

  get cachedBytes(): number {
    return this.#lruBytes;
  }

  get pendingBytes(): number {
    return this.#dirtyBytes;
  }

  #remember(key: string, bytes: Uint8Array): void {
    this.#forget(key);
    if (bytes.byteLength > this.#maxBytes) return;
    this.#lru.set(key, bytes);
    this.#lruBytes += bytes.byteLength;
    for (const [oldKey, old] of this.#lru) {
      if (this.#lruBytes <= this.#maxBytes) break;
      this.#lru.delete(oldKey);
      this.#lruBytes -= old.byteLength;
    }
  }

  #forget(key: string): void {
    const old = this.#lru.get(key);
    if (old === undefined) return;
    this.#lru.delete(key);
    this.#lruBytes -= old.byteLength;
  }

  #lookup(key: string): Uint8Array | undefined {
    const pending = this.#dirty.get(key);
    if (pending !== undefined) return pending;
    const cached = this.#lru.get(key);
    if (cached !== undefined) {
      this.#lru.delete(key);
      this.#lru.set(key, cached);
    }
    return cached;
  }

  async get(key: string, opts?: GetOptions): Promise<Uint8Array | undefined> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    const hit = this.#lookup(key);
    if (hit !== undefined) {
      if (!opts?.range) return hit;
      const [start, end] = resolveRange(key, hit.byteLength, opts.range);
      return hit.subarray(start, end);
    }
    if (opts?.range) return this.#inner.get(key, opts);
    const bytes = await this.#inner.get(key, opts);
    if (bytes !== undefined) this.#remember(key, bytes);
    return bytes;
  }

  async set(key: string, value: Uint8Array, opts?: SetOptions): Promise<void> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    if (opts?.ifNoneMatch !== undefined || opts?.ifMatch !== undefined) {
      await this.#flushKey(key, opts.signal);
      this.#forget(key);
      await this.#inner.set(key, value, opts);
      this.#remember(key, value.slice());
      return;
    }
    // Copied because the caller may reuse its buffer once set resolves.
    const copy = value.slice();
    if (!this.#writeBack) {
      this.#forget(key);
      await this.#inner.set(key, copy, opts);
      this.#remember(key, copy);
      return;
    }
    this.#forget(key);
    this.#dropDirty(key);
    this.#dirty.set(key, copy);
    this.#dirtyBytes += copy.byteLength;
    if (this.#dirtyBytes > this.#maxBytes) await this.flush(opts);
  }

  #dropDirty(key: string): void {
    const old = this.#dirty.get(key);
    if (old === undefined) return;
    this.#dirty.delete(key);
    this.#dirtyBytes -= old.byteLength;
  }

  async #flushKey(key: string, signal: AbortSignal | undefined): Promise<void> {
    const pending = this.#dirty.get(key);
    if (pending === undefined) return;
    await this.#inner.set(key, pending, { signal });
    // Only clear it if no newer write replaced it while we were writing.
    if (this.#dirty.get(key) === pending) {
      this.#dropDirty(key);
      this.#remember(key, pending);
    }
  }

  async flush(opts?: RequestOptions & { onProgress?: (done: number, total: number) => void }): Promise<void> {
    const keys = [...this.#dirty.keys()];
    for (const [i, key] of keys.entries()) {
      opts?.signal?.throwIfAborted();
      await this.#flushKey(key, opts?.signal);
      opts?.onProgress?.(i + 1, keys.length);
    }
  }

  async delete(key: string, opts?: RequestOptions): Promise<void> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    this.#forget(key);
    this.#dropDirty(key);
    await this.#inner.delete(key, opts);
  }

  async head(key: string, opts?: RequestOptions): Promise<ObjectInfo | undefined> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    // The version of a buffered write only exists once the store has it, and callers use it for ifMatch.
    await this.#flushKey(key, opts?.signal);
    return this.#inner.head(key, opts);
  }

  async *list(prefix: string, opts?: RequestOptions): AsyncIterable<string> {
    assertPrefix(prefix);
    opts?.signal?.throwIfAborted();
    const pending = new Set([...this.#dirty.keys()].filter((k) => k.startsWith(prefix)));
    for (const key of pending) yield key;
    for await (const key of this.#inner.list(prefix, opts)) if (!pending.has(key)) yield key;
  }
}
