/**
 * The persisted records of a file dataset (see FORMAT-files.md) and the adapter interfaces the core needs from its
 * platform: a `LocalFiles` for folders on disk (Node/Bun/Deno entry) and a link resolver for external URLs.
 * @module
 */
import type { Store } from "@shoal/storage";
import type { Hasher } from "./hash.ts";

/** A stored file: its bytes are found by `sha256` in `objects`, never by path, so renames cost nothing. */
export interface FileEntry {
  path: string;
  sha256: string;
  size: number;
  /** The version that introduced this content at this path (ClearML `parent_dataset_id`). */
  origin: string;
}

/** An external file: only the URL, size (and a hash when known) are recorded; the bytes are not copied. */
export interface LinkEntry {
  path: string;
  url: string;
  size: number;
  sha256?: string;
  origin: string;
}

/** Where a run of a content object's bytes lives: `[packId, offsetInPack, storedLength, rawLength, method]`. */
export type Segment = [pack: string, offset: number, stored: number, raw: number, method: 0 | 1];

/** A pack ("chunk") uploaded by a version; `index` is its chunk number within the owner version. */
export interface PackInfo {
  id: string;
  bytes: number;
}

/** Local file content added but not yet uploaded: `segments` holds what already landed when an upload was cut. */
export interface PendingSource {
  localPath: string;
  size: number;
  segments: Segment[];
}

export type DatasetStatus = "draft" | "final" | "published";

/** `ids/<id>/dataset.json`: the small mutable description used for lookup and listing. */
export interface DatasetInfo {
  format: 1;
  id: string;
  project: string;
  name: string;
  version: string;
  status: DatasetStatus;
  parents: string[];
  tags: string[];
  description: string;
  created: string;
  finalized?: string;
  published?: string;
  defaultStorage?: string;
  /** name → metadata object key suffix and type, and the SHA-256 of its bytes (absent in older records). */
  metadata: Record<string, { type: "json" | "csv"; sha256?: string }>;
}

/** `ids/<id>/state.json`: the full resolved entry table; rewritten while a draft, frozen by finalize. */
export interface DatasetState {
  format: 1;
  id: string;
  files: FileEntry[];
  links: LinkEntry[];
  /** sha256 → segments, for every content hash any entry references (inherited ones included). */
  objects: Record<string, Segment[]>;
  /** version id → its own packs in upload order, for every version in the graph. */
  packs: Record<string, PackInfo[]>;
  /** version id → ordered direct parent ids (ClearML `dependency_graph`). */
  graph: Record<string, string[]>;
  /** sha256 → local source, for content still to upload (only meaningful on the machine that added it). */
  pending: Record<string, PendingSource>;
  dirty: boolean;
  counters: { added: number; modified: number; removed: number };
  /** Set by finalize (absent in older records): a lost `dataset.json` beside it is damage, not a crashed create. */
  final?: true;
}

export type Progress = (done: number, total: number) => void;

export interface IOOptions {
  signal?: AbortSignal;
}

/** What the core needs from a local filesystem. `@shoal/clearml-compat/node` provides one over node:fs. */
export interface LocalFiles {
  /** Absolute, platform form of `path` (resolved against the working directory). */
  resolve(path: string): string;
  /** `root` joined with a validated '/'-separated entry path; throws InvalidPathError if the result leaves `root`. */
  inside(root: string, entryPath: string): string;
  /** `path` relative to `from`, '/'-separated (for localBaseFolder). */
  relative(from: string, path: string): string;
  stat(path: string): Promise<{ kind: "file" | "directory" | "other"; size: number } | undefined>;
  /** Files under `dir` ('/'-separated paths relative to it), following symlinked files, not symlinked folders. */
  walk(dir: string, opts: { recursive: boolean; signal?: AbortSignal }): AsyncIterable<string>;
  /** Streams the file through SHA-256. */
  hashFile(path: string, opts?: IOOptions & { onBytes?: (n: number) => void }): Promise<{ sha256: string; size: number }>;
  /** Reads `length` bytes at `offset` (fewer only at end of file). */
  read(path: string, offset: number, length: number, opts?: IOOptions): Promise<Uint8Array>;
  /** Reads into `target` from `offset` until it is full or the file ends; returns the bytes read. */
  readInto(path: string, offset: number, target: Uint8Array, opts?: IOOptions): Promise<number>;
  createHasher(): Hasher;
  /** Raw deflate (same format as `CompressionStream("deflate-raw")`); the platform's native zlib when there is one. */
  deflateRaw?(bytes: Uint8Array): Promise<Uint8Array>;
  /** Raw inflate to (about) `expected` bytes; returns the inflated bytes (the caller checks their length). */
  inflateRaw?(bytes: Uint8Array, expected?: number): Promise<Uint8Array>;
  /** Where read-only local copies are cached. */
  cacheDir(): string;
  mkdirp(dir: string): Promise<void>;
  /**
   * Writes pieces in order to a temp file next to `path`, then renames it into place. `direct`: `path` is in a
   * private fresh folder whose parent exists; write it in place (it must not exist yet).
   */
  writeFile(path: string, pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, opts?: IOOptions & { readOnly?: boolean; direct?: boolean }): Promise<void>;
  /**
   * Hardlink (fallback copy) of `src` at `dst`, a symlink, or a writable copy. `dst` must not exist (an existing one
   * fails with EEXIST: on a case-insensitive disk that is how two entries differing only by case show up).
   */
  place(src: string, dst: string, mode: "link" | "copy" | "symlink"): Promise<void>;
  /** Adds `src` to the object cache as `dst` (hardlink, else copy-and-rename); an existing `dst` is kept. */
  publish(src: string, dst: string): Promise<void>;
  /** Marks `path` as just used (mtime), for least-recently-used cache pruning. */
  touch(path: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** Renames a folder into place; false when `dst` already exists (someone else built it). */
  renameDir(src: string, dst: string): Promise<boolean>;
  /** Entries of a folder (names), or undefined when it does not exist. */
  readDir(path: string): Promise<string[] | undefined>;
  readText(path: string): Promise<string | undefined>;
}

/** Resolves an external link URL to a store and key (for `s3://bucket/key` and friends), or undefined. */
export type LinkResolver = (url: string) => { store: Store; key: string } | undefined;

/** Options every static entry point (create/get/list/delete…) takes. */
export interface StorageOptions extends IOOptions {
  /** Where datasets live: a MemoryStore, `FileStore`, `S3Store`… */
  storage: Store;
  /** Local filesystem adapter; the `/node` entry fills it in. */
  local?: LocalFiles;
  /** Store lookup for `s3://…` style links. */
  linkResolver?: LinkResolver;
  /** fetch used for http(s) links. */
  fetch?: typeof fetch;
}
