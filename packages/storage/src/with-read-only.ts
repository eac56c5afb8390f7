import { ReadOnlyModeError, assertKey } from "@shoal/core";
import type { ExactRange, GetOptions, ObjectInfo, RequestOptions, SetOptions, Store, StoreCapabilities } from "./types.ts";

/**
 * `store` with writes refused: `set` and `delete` throw ReadOnlyModeError and change nothing. For opening a dataset
 * that must not be modified, e.g. a published version.
 *
 * @example
 * const published = withReadOnly(store);
 * await published.set("x", bytes); // throws ReadOnlyModeError
 */
export function withReadOnly(store: Store): Store {
  return new ReadOnlyStore(store);
}

class ReadOnlyStore implements Store {
  readonly #inner: Store;
  /** Offered only when the inner store offers it. */
  readonly readInto?: (key: string, range: ExactRange, out: Uint8Array, opts?: RequestOptions) => Promise<number | undefined>;

  constructor(inner: Store) {
    this.#inner = inner;
    if (inner.readInto) this.readInto = inner.readInto.bind(inner);
  }

  get capabilities(): StoreCapabilities {
    return { ...this.#inner.capabilities, writable: false, conditionalWrite: "none" };
  }

  get(key: string, opts?: GetOptions): Promise<Uint8Array | undefined> {
    return this.#inner.get(key, opts);
  }

  head(key: string, opts?: RequestOptions): Promise<ObjectInfo | undefined> {
    return this.#inner.head(key, opts);
  }

  list(prefix: string, opts?: RequestOptions): AsyncIterable<string> {
    return this.#inner.list(prefix, opts);
  }

  async set(key: string, _value: Uint8Array, _opts?: SetOptions): Promise<void> {
    assertKey(key);
    throw new ReadOnlyModeError(`this store (writing ${JSON.stringify(key)})`);
  }

  async delete(key: string, _opts?: RequestOptions): Promise<void> {
    assertKey(key);
    throw new ReadOnlyModeError(`this store (deleting ${JSON.stringify(key)})`);
  }
}
