import { StorageError, assertPrefix } from "@shoal/core";
import type { GetOptions, ObjectInfo, RequestOptions, SetOptions, Store, StoreCapabilities } from "@shoal/storage";

/**
 * An HTTP store made listable by the viewer server's `api/list` endpoint: branches and saved views are found by
 * listing, which plain HTTP cannot do. Reads and writes go to the wrapped store unchanged.
 */
export class ListingStore implements Store {
  readonly capabilities: StoreCapabilities;
  readonly #inner: Store;
  readonly #listUrl: string;

  constructor(inner: Store, listUrl: string) {
    this.#inner = inner;
    this.#listUrl = listUrl;
    this.capabilities = { ...inner.capabilities, listable: true };
  }

  get(key: string, opts?: GetOptions): Promise<Uint8Array | undefined> {
    return this.#inner.get(key, opts);
  }
  set(key: string, value: Uint8Array, opts?: SetOptions): Promise<void> {
    return this.#inner.set(key, value, opts);
  }
  delete(key: string, opts?: RequestOptions): Promise<void> {
    return this.#inner.delete(key, opts);
  }
  head(key: string, opts?: RequestOptions): Promise<ObjectInfo | undefined> {
    return this.#inner.head(key, opts);
  }

  async *list(prefix: string, opts?: RequestOptions): AsyncIterable<string> {
    assertPrefix(prefix);
    const url = `${this.#listUrl}?prefix=${encodeURIComponent(prefix)}`;
    const res = await fetch(url, { signal: opts?.signal });
    if (!res.ok) throw new StorageError(`[shoal] listing ${JSON.stringify(prefix)} at ${url} failed: HTTP ${res.status} ${await res.text()}`, { key: prefix, status: res.status });
    yield* (await res.json()) as string[];
  }
}
