/**
 * `@shoal/viewer/node`: the viewer's HTTP server for Node, Bun and Deno.
 * @module
 */
export { serve } from "./node-server.ts";
export type { RequestLogEntry, ServeOptions, ViewerServer } from "./node-server.ts";
export { visualize } from "./node-visualize.ts";
export type { Visualization, VisualizeOptions } from "./node-visualize.ts";
export { openUrl } from "./node-open.ts";
export * from "./index.ts";
