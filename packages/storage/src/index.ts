/**
 * `@shoal/storage`: the byte-level Store contract, the in-memory store and the composable wrappers.
 * Adapters with platform or network dependencies live in their own entries: `@shoal/storage/fs` (Node, Bun, Deno),
 * `@shoal/storage/http`, `@shoal/storage/s3`.
 * @module
 */
export * from "./types.ts";
export { MemoryStore } from "./memory.ts";
export { resolveRange } from "./range.ts";
