/**
 * `@shoal/clearml-compat`: versioned file datasets with ClearML `Dataset` semantics (create, add, remove, upload,
 * finalize, parents, local copies) on any shoal Store, content-addressed by SHA-256. Browser-safe: folder walking and
 * local copies live in `@shoal/clearml-compat/node`.
 * @module
 */
export { FileDataset } from "./dataset.ts";
export type { AddFilesOptions, AddResult, CreateOptions, DatasetSummary, DeleteOptions, GetOptions, ListOptions } from "./dataset.ts";
export type { UploadOptions } from "./upload.ts";
export type { LocalCopyOptions, MutableCopyOptions, VerifyOptions } from "./local-copy.ts";
export type { TableDiff } from "./table.ts";
export type { Compression } from "./compress.ts";
export type { Hasher } from "./hash.ts";
export type {
  DatasetInfo,
  DatasetState,
  DatasetStatus,
  FileEntry,
  IOOptions,
  LinkEntry,
  LinkResolver,
  LocalFiles,
  PackInfo,
  PendingSource,
  Progress,
  Segment,
  StorageOptions,
} from "./types.ts";
export * from "./errors.ts";
export { matchesAnyWildcard, fnmatch, globMatch } from "./wildcard.ts";
export { compareVersions, isValidVersion, nextVersion } from "./version.ts";
export { normalizeEntryPath } from "./paths.ts";
export { createSha256, sha256Hex } from "./hash.ts";
export { readPackIndex } from "./pack.ts";
