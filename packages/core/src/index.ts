/**
 * `@shoal/core`: the error family, the dtype table, NDArray helpers and store-key rules shared by every package.
 * Zero dependencies, web-standard only.
 * @module
 */
export * from "./errors.ts";
export * from "./dtypes.ts";
export * from "./ndarray.ts";
export * from "./keys.ts";
export type * from "./source.ts";
export { xxh32 } from "./xxhash32.ts";
export * from "./sealed-json.ts";
