/**
 * Create-only writes on stores that cannot enforce them (`conditionalWrite: "none"`, e.g. s3rver), emulated as
 * head-then-write. Only sound under a lock the caller provides, which is why the facade wraps a store with this
 * only when opened with `{ lock }`.
 * @module
 */
import { PreconditionFailedError } from "@shoal/core";
import type { GetOptions, RequestOptions, SetOptions, Store, StoreCapabilities } from "@shoal/storage";

export function emulateCreateOnly(store: Store): Store {
  const capabilities: StoreCapabilities = { ...store.capabilities, conditionalWrite: "create" };
  return {
    capabilities,
    get: (key: string, opts?: GetOptions) => store.get(key, opts),
    delete: (key: string, opts?: RequestOptions) => store.delete(key, opts),
    list: (prefix: string, opts?: RequestOptions) => store.list(prefix, opts),
    head: (key: string, opts?: RequestOptions) => store.head(key, opts),
    async set(key: string, value: Uint8Array, opts?: SetOptions): Promise<void> {
      if (opts?.ifNoneMatch === "*") {
        if (await store.head(key, { signal: opts.signal })) throw new PreconditionFailedError(key, "ifNoneMatch: * (key exists)");
        await store.set(key, value, { signal: opts.signal });
        return;
      }
      await store.set(key, value, opts);
    },
  };
}
