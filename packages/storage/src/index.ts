/**
 * `@shoal/storage`: the byte-level Store contract, the in-memory store, the composable wrappers and `openStore`.
 * Adapters with platform or network dependencies live in their own entries: `@shoal/storage/fs` (Node, Bun, Deno),
 * `@shoal/storage/http`, `@shoal/storage/s3`; `openStore` loads them on demand.
 * @module
 */
export * from "./types.ts";
export { MemoryStore } from "./memory.ts";
export { resolveRange } from "./range.ts";
export { withCache } from "./with-cache.ts";
export type { CacheOptions, CachedStore } from "./with-cache.ts";
export { withPrefix } from "./with-prefix.ts";
export { withReadOnly } from "./with-read-only.ts";
export { openStore } from "./open-store.ts";
export type { OpenStoreOptions } from "./open-store.ts";
