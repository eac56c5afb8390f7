/**
 * `@shoal/viewer`: the browser-safe parts of the viewer. The server (`serve`) lives in `@shoal/viewer/node`;
 * the web app it serves is bundled into `dist/app`.
 * @module
 */
export { ClosedDatasetError, UnsafePathError, ViewerOptionError } from "./errors.ts";
export { keyFromPath, prefixFromQuery } from "./safe-key.ts";
export { ListingStore } from "./listing-store.ts";
export { PALETTE, classColor } from "./palette.ts";
