/**
 * `@shoal/codecs/zip`: zip containers (ClearML-style file datasets), kept out of the root entry so programs that
 * never touch zip archives do not load the zip code.
 * @module
 */
export { type ZipEntry, ZipWriter, assertSafeEntryName, readZipEntries, unzipFiles, zipFiles } from "./zip.ts";
export { UnsafeZipEntryError } from "./errors.ts";
