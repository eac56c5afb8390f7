/**
 * The storage contract: bytes in, bytes out. Every adapter (memory, files, HTTP, S3) and every wrapper implements
 * it, and every one passes the same conformance suite (`@shoal/testing`).
 * @module
 */

export interface ByteRange {
  /** First byte to read. */
  offset: number;
  /** Bytes to read; omitted means to the end of the object. */
  length?: number;
}

/** A range with both ends known, as `readInto` takes it. */
export interface ExactRange {
  offset: number;
  length: number;
}

export interface GetOptions {
  range?: ByteRange;
  signal?: AbortSignal;
}

export interface SetOptions {
  /** `"*"`: create-only; the write fails with PreconditionFailedError when the key exists. */
  ifNoneMatch?: "*";
  /** Compare-and-swap: the write fails with PreconditionFailedError unless the key's current version is this one. */
  ifMatch?: string;
  signal?: AbortSignal;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface ObjectInfo {
  size: number;
  /** Opaque token that changes on every write (ETag on S3); what `ifMatch` compares against. */
  version?: string;
}

export interface StoreCapabilities {
  readonly writable: boolean;
  /** What the backend enforces atomically: nothing, create-only (`ifNoneMatch`), or create-only plus `ifMatch`. */
  readonly conditionalWrite: "none" | "create" | "cas";
  readonly rangeRead: boolean;
  /** `false` when `list()` throws UnsupportedError (plain HTTP has no listing); omitted means listing works. */
  readonly listable?: boolean;
  /**
   * What a request costs, a hint for readers planning ranged reads: `"local"` (memory, local files: microseconds, so
   * read only the bytes needed) or `"remote"` (HTTP, S3: a round trip, so merge nearby ranges into one request).
   * Omitted means unknown. Wrappers pass their inner store's hint through.
   */
  readonly latency?: "local" | "remote";
}

export interface Store {
  /** The object's bytes, or `undefined` when the key is missing (never an error for a missing key). */
  get(key: string, opts?: GetOptions): Promise<Uint8Array | undefined>;
  /** Writes the whole object; readers see the old bytes or the new ones, never a mix. */
  set(key: string, value: Uint8Array, opts?: SetOptions): Promise<void>;
  /** Removes the key; deleting a missing key is not an error. */
  delete(key: string, opts?: RequestOptions): Promise<void>;
  /** Every key that starts with `prefix`, recursively, in no promised order. */
  list(prefix: string, opts?: RequestOptions): AsyncIterable<string>;
  /** Size and version of an object without reading it; `undefined` when missing. */
  head(key: string, opts?: RequestOptions): Promise<ObjectInfo | undefined>;
  /**
   * Optional: reads `range` of the object straight into `out[0, range.length)`, so a reader filling a batch skips
   * the fresh buffer and the second copy of `get`. Resolves to the bytes read (always `range.length`), or `undefined`
   * when the key is missing; a range past the end is a RangeError, as with `get`. On any failure the bytes of `out`
   * are unspecified. Local stores offer it (memory, files); wrappers offer it when their inner store does.
   */
  readInto?(key: string, range: ExactRange, out: Uint8Array, opts?: RequestOptions): Promise<number | undefined>;
  readonly capabilities: StoreCapabilities;
}

/** Collects `store.list(prefix)` into a sorted array. */
export async function listAll(store: Store, prefix = "", opts?: RequestOptions): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix, opts)) keys.push(key);
  return keys.sort();
}
