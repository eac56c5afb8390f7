import { assertKey, assertPrefix } from "@shoal/core";
import type { ExactRange, GetOptions, ObjectInfo, RequestOptions, SetOptions, Store, StoreCapabilities } from "./types.ts";

/**
 * A view of `store` under `prefix`: key `k` is stored as `prefix/k`, and listing strips the prefix again. Keys are
 * checked before joining, so no key can reach outside the prefix.
 *
 * @example
 * const train = withPrefix(store, "splits/train");
 * await train.set("meta.json", bytes); // stored as "splits/train/meta.json"
 */
export function withPrefix(store: Store, prefix: string): Store {
  assertPrefix(prefix);
  const base = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
  return new PrefixedStore(store, base);
}

class PrefixedStore implements Store {
  readonly #inner: Store;
  readonly #prefix: string;
  /** Offered only when the inner store offers it, so readers can tell whether the direct path exists. */
  readonly readInto?: (key: string, range: ExactRange, out: Uint8Array, opts?: RequestOptions) => Promise<number | undefined>;

  constructor(inner: Store, prefix: string) {
    this.#inner = inner;
    this.#prefix = prefix;
    const readInto = inner.readInto?.bind(inner);
    if (readInto) this.readInto = async (key, range, out, opts) => await readInto(this.#full(key), range, out, opts);
  }

  get capabilities(): StoreCapabilities {
    return this.#inner.capabilities;
  }

  #full(key: string): string {
    assertKey(key);
    return this.#prefix + key;
  }

  async get(key: string, opts?: GetOptions): Promise<Uint8Array | undefined> {
    return await this.#inner.get(this.#full(key), opts);
  }

  async set(key: string, value: Uint8Array, opts?: SetOptions): Promise<void> {
    return await this.#inner.set(this.#full(key), value, opts);
  }

  async delete(key: string, opts?: RequestOptions): Promise<void> {
    return await this.#inner.delete(this.#full(key), opts);
  }

  async head(key: string, opts?: RequestOptions): Promise<ObjectInfo | undefined> {
    return await this.#inner.head(this.#full(key), opts);
  }

  async *list(prefix: string, opts?: RequestOptions): AsyncIterable<string> {
    assertPrefix(prefix);
    for await (const key of this.#inner.list(this.#prefix + prefix, opts)) {
      if (key.startsWith(this.#prefix)) yield key.slice(this.#prefix.length);
    }
  }
}
