/**
 * The Store contract as the suite sees it. It mirrors `@shoal/storage`'s `Store` structurally, so this package does
 * not depend on storage, whose own tests depend on this package.
 */
export interface SuiteStoreCapabilities {
  readonly writable: boolean;
  readonly conditionalWrite: "none" | "create" | "cas";
  readonly rangeRead: boolean;
  readonly listable?: boolean;
}

export interface SuiteStore {
  get(key: string, opts?: { range?: { offset: number; length?: number }; signal?: AbortSignal }): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array, opts?: { ifNoneMatch?: "*"; ifMatch?: string; signal?: AbortSignal }): Promise<void>;
  delete(key: string, opts?: { signal?: AbortSignal }): Promise<void>;
  list(prefix: string, opts?: { signal?: AbortSignal }): AsyncIterable<string>;
  head(key: string, opts?: { signal?: AbortSignal }): Promise<{ size: number; version?: string } | undefined>;
  readonly capabilities: SuiteStoreCapabilities;
}

/** What a factory may hand the suite: a store, or a store with a way to seed it (read-only stores) and to clean up. */
export interface StoreFixture {
  store: SuiteStore;
  /** Writes bytes behind the store's back; required when the store is not writable. */
  seed?: (key: string, value: Uint8Array) => Promise<void>;
  cleanup?: () => Promise<void>;
}
