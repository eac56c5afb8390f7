/**
 * `@shoal/testing/node`: real servers on 127.0.0.1 for tests (Node, Bun and Deno through node: modules).
 * @module
 */
export { startS3Server } from "./node-s3-server.ts";
export { startRedisServer } from "./node-redis-server.ts";
export type { TestRedisServer } from "./node-redis-server.ts";
export type { TestS3Server } from "./node-s3-server.ts";
export { startHttpServer, serveStore } from "./node-http-server.ts";
export type { RecordedRequest, ScriptedResponse, TestHttpServer } from "./node-http-server.ts";
export { sharedDirIfPresent, sharedFixture, testWithFixture, vendoredFixture } from "./node-fixtures.ts";
