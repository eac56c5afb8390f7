/**
 * `@shoal/testing` (private): the shared conformance suites. Node-only helpers (real S3 and HTTP servers on
 * loopback) live in `@shoal/testing/node`.
 * @module
 */
export { testStore, listAll, expectCode } from "./store-suite.ts";
export type { TestStoreOptions } from "./store-suite.ts";
export type { StoreFixture, SuiteStore, SuiteStoreCapabilities } from "./store-types.ts";
export { patternBytes, firstDifference } from "./bytes.ts";
export { referenceXxh32 } from "./xxh32-reference.ts";
export * from "./deeplake-builder.ts";
