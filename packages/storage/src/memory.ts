import { PreconditionFailedError, assertKey, assertPrefix } from "@shoal/core";
import { assertReadInto, resolveRange } from "./range.ts";
import type { ExactRange, GetOptions, ObjectInfo, RequestOptions, SetOptions, Store, StoreCapabilities } from "./types.ts";

interface Entry {
  bytes: Uint8Array;
  version: number;
}

/**
 * A Store in memory. Values are copied on write (a caller reusing its buffer cannot change stored bytes) and
 * returned as views on read. Conditional writes are checked synchronously, so it enforces create-only and CAS.
 *
 * @example
 * const store = new MemoryStore();
 * await store.set("a/b", new Uint8Array([1, 2]));
 * await store.get("a/b", { range: { offset: 1 } }); // Uint8Array [2]
 */
export class MemoryStore implements Store {
  readonly capabilities: StoreCapabilities = { writable: true, conditionalWrite: "cas", rangeRead: true, latency: "local" };
  readonly #entries = new Map<string, Entry>();
  #counter = 0;

  async get(key: string, opts?: GetOptions): Promise<Uint8Array | undefined> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (!opts?.range) return entry.bytes;
    const [start, end] = resolveRange(key, entry.bytes.byteLength, opts.range);
    return entry.bytes.subarray(start, end);
  }

  async readInto(key: string, range: ExactRange, out: Uint8Array, opts?: RequestOptions): Promise<number | undefined> {
    assertKey(key);
    assertReadInto(key, range, out);
    opts?.signal?.throwIfAborted();
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const [start, end] = resolveRange(key, entry.bytes.byteLength, range);
    out.set(entry.bytes.subarray(start, end));
    return end - start;
  }

  async set(key: string, value: Uint8Array, opts?: SetOptions): Promise<void> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    const existing = this.#entries.get(key);
    if (opts?.ifNoneMatch === "*" && existing) throw new PreconditionFailedError(key, "ifNoneMatch: * (key exists)");
    if (opts?.ifMatch !== undefined && (!existing || String(existing.version) !== opts.ifMatch)) {
      throw new PreconditionFailedError(key, `ifMatch: ${opts.ifMatch}`);
    }
    this.#entries.set(key, { bytes: value.slice(), version: ++this.#counter });
  }

  async delete(key: string, opts?: RequestOptions): Promise<void> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    this.#entries.delete(key);
  }

  async *list(prefix: string, opts?: RequestOptions): AsyncIterable<string> {
    assertPrefix(prefix);
    opts?.signal?.throwIfAborted();
    for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix)) yield key;
  }

  async head(key: string, opts?: RequestOptions): Promise<ObjectInfo | undefined> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    const entry = this.#entries.get(key);
    return entry && { size: entry.bytes.byteLength, version: String(entry.version) };
  }
}
