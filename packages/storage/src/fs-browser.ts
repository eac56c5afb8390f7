/**
 * What browser bundles get instead of `./fs.ts` (package.json "browser" field): local files need Node, Bun or Deno,
 * so `openStore("file://…")` in a browser fails with a clear error instead of the bundler failing on `node:fs`.
 * @module
 */
import { UnsupportedError } from "@shoal/core";

export class FileStore {
  constructor() {
    throw new UnsupportedError(
      "fs",
      "[shoal] FileStore needs Node, Bun or Deno; in a browser use memory://, http(s):// or s3:// stores",
    );
  }
}
