/**
 * A dataset's working state over a Store: its tensors, the write queue for sealed chunks, the caches, and the
 * flush (objects first, then the manifest) with, for standalone use, a create-only branch ref (FORMAT.md §6.3).
 * @module
 */
import type { DType, NDArray, TensorSource } from "@shoal/core";
import { InvalidArgumentError, ReadOnlyModeError, UnsupportedError, isDType, sealJson } from "@shoal/core";
import type { Store } from "@shoal/storage";
import type { SealedChunk } from "./chunk-builder.ts";
import type { ChunkHeader, Encoding } from "./chunk-format.ts";
import { ChunkCache } from "./chunk-cache.ts";
import { CorruptChunkError, DatasetNotFoundError, MissingChunkError, TensorAlreadyExistsError, TensorDoesNotExistError } from "./errors.ts";
import { randomHex } from "./ids.ts";
import { ByteLru } from "./lru.ts";
import type { EngineSample } from "./sample.ts";
import {
  type DatasetMarker, FORMAT_VERSION, type Manifest, type ManifestTensor, type RefRecord, type TensorMeta,
  assertBranchName, decodeJson, keys, parseManifest, parseTensorMeta, publishRef, resolveHead,
} from "./state.ts";
import { type ExtendOptions, TensorEngine } from "./tensor.ts";
import { xxh32 } from "@shoal/codecs";

export const DEFAULT_MAX_CHUNK_SIZE = 16_000_000;
const MAX_INFLIGHT_WRITES = 2;

/** Options of `createTensor`, already resolved by @shoal/htypes where an htype is involved. */
export interface TensorSpec {
  htype?: string;
  /** Element dtype of array tensors; `null`/absent: taken from the first sample. */
  dtype?: DType | null;
  /** How samples are stored: arrays (default), UTF-8 text, JSON, or JSON lists. */
  encoding?: Encoding;
  sampleCompression?: string | null;
  chunkCompression?: string | null;
  /** Target chunk payload bytes (default 16 MB). */
  maxChunkSize?: number | null;
  /** Samples with more raw bytes are tiled; -1 disables tiling (default: maxChunkSize). */
  tilingThreshold?: number | null;
  hidden?: boolean;
  /** Hidden `_<t>_id` tensor of stable sample ids (default true). */
  createIdTensor?: boolean;
  /** Hidden `_<t>_shape` tensor (default true for array tensors). */
  createShapeTensor?: boolean;
  /** Hidden `_<t>_info` json tensor (default false). */
  createSampleInfoTensor?: boolean;
  htypeArgs?: Record<string, unknown>;
  info?: Record<string, unknown>;
  isSequence?: boolean;
  isLink?: boolean;
}

export interface OpenOptions {
  branch?: string;
  /** Refuse writes (default: false, or true when the store is not writable). */
  readOnly?: boolean;
  /** Bytes of decoded chunks kept in memory (default 256 MiB). */
  cacheBytes?: number;
  /**
   * When a checksum group read by byte range is verified: `"once"` (default) the first time its bytes come from the
   * store in this session (whole chunk objects too, when fetched again after eviction; `clearCache()` starts over),
   * `"always"` on every read.
   * Why "once": hashing a 150 KB sample costs more than reading it from the page cache, and re-reading the same
   * immutable object within a session finds the bytes that already passed.
   */
  verifyChecksums?: "once" | "always";
  /**
   * Open this manifest instead of the branch head. Writable unless `readOnly`; such an engine has no branch head,
   * so its flushes write a new manifest without publishing a ref (the caller, e.g. @shoal/vcs, publishes it).
   */
  manifest?: string;
  signal?: AbortSignal;
}

export interface CreateOptions extends Omit<OpenOptions, "manifest"> {
  /** Delete whatever the store holds first. */
  overwrite?: boolean;
  /** Publish the empty state as the branch's first ref (default true); false: write its manifest only. */
  publish?: boolean;
}

export interface FlushOptions {
  signal?: AbortSignal;
  message?: string;
  /** For a version-control layer (the shoal facade): the manifest's baseCommit (default: unchanged). */
  baseCommit?: string | null;
  /** For a version-control layer, after a commit: restart every tensor's change markers. */
  resetChanges?: boolean;
  /** Write a new manifest (and publish it) even when nothing changed. */
  force?: boolean;
  /**
   * Publish the new manifest with a create-only branch ref (FORMAT.md §6.3), the default for an engine opened at a
   * branch head. `false` writes chunks, index segments, metas, change objects and the manifest, and no ref: the
   * caller publishes the returned manifest id (as the shoal facade does through @shoal/vcs).
   */
  publish?: boolean;
}

/** What a flush wrote: the current manifest, and the ref that published it (undefined when none was written). */
export interface FlushResult {
  manifest: string;
  ref: RefRecord | undefined;
}

const NAME_RE = /^[^/\s][^/]*(\/[^/\s][^/]*)*$/;

function assertTensorName(name: string): void {
  if (typeof name !== "string" || !NAME_RE.test(name) || name.split("/").some((s) => s === "." || s === ".." || s.trim() !== s)) {
    throw new InvalidArgumentError(`[shoal] invalid tensor name ${JSON.stringify(name)}: use '/'-separated non-empty segments`);
  }
  // The name becomes a store key: a backslash or NUL would only fail at the flush, after the tensor was created.
  if (/[\\\0]/.test(name)) throw new InvalidArgumentError(`[shoal] invalid tensor name ${JSON.stringify(name)}: '\\' and NUL are not allowed (names are '/'-separated)`);
}

function hiddenName(owner: string, role: string): string {
  const cut = owner.lastIndexOf("/");
  return `${owner.slice(0, cut + 1)}_${owner.slice(cut + 1)}_${role}`;
}

export class DatasetEngine implements TensorSource {
  readonly store: Store;
  readonly branch: string;
  readonly readOnly: boolean;
  readonly writerId = randomHex();
  readonly headers = new ByteLru<ChunkHeader>(32 << 20);
  readonly payloads: ChunkCache;
  /** Assembled `column()` arrays, keyed by tensor key and write generation (stale ones age out). */
  readonly columns: ByteLru<NDArray>;
  readonly verifyChecksums: "once" | "always";
  info: Record<string, unknown> = {};
  groups: string[] = [];
  #tensors = new Map<string, TensorEngine>();
  #manifest: Manifest | null = null;
  #head: RefRecord | undefined;
  #pending = new Map<string, Uint8Array>();
  #inflight = new Set<Promise<void>>();
  #failed: { key: string; sealed: SealedChunk; error: unknown }[] = [];
  #published = "";
  /** Opened at a branch head (flushes publish refs by default), rather than on a given manifest. */
  #atHead: boolean;

  private constructor(store: Store, opts: Omit<OpenOptions, "manifest">, atHead: boolean) {
    this.store = store;
    this.branch = opts.branch ?? "main";
    assertBranchName(this.branch);
    this.readOnly = opts.readOnly === true || !store.capabilities.writable;
    this.#atHead = atHead;
    this.payloads = new ChunkCache(opts.cacheBytes ?? 256 << 20);
    this.columns = new ByteLru(Math.max(64 << 20, (opts.cacheBytes ?? 256 << 20) >>> 2));
    this.verifyChecksums = opts.verifyChecksums ?? "once";
    if (this.verifyChecksums !== "once" && this.verifyChecksums !== "always") {
      throw new InvalidArgumentError(`[shoal] verifyChecksums must be "once" or "always", got ${JSON.stringify(opts.verifyChecksums)}`);
    }
  }

  /** Creates a dataset (marker + an empty published state) and opens it for writing. */
  static async create(store: Store, opts: CreateOptions = {}): Promise<DatasetEngine> {
    if (!store.capabilities.writable) throw new ReadOnlyModeError("the store");
    if (opts.overwrite) {
      const all: string[] = [];
      for await (const k of store.list("", { signal: opts.signal })) all.push(k);
      for (const k of all) await store.delete(k, { signal: opts.signal });
    } else if (await store.get(keys.marker, { signal: opts.signal })) {
      throw new InvalidArgumentError("[shoal] a dataset already exists in this store (pass overwrite: true to replace it)");
    }
    const marker: DatasetMarker = { format: "shoal", formatVersion: FORMAT_VERSION, created: new Date().toISOString(), defaultBranch: opts.branch ?? "main" };
    await store.set(keys.marker, sealJson(marker), { ifNoneMatch: store.capabilities.conditionalWrite === "none" ? undefined : "*", signal: opts.signal });
    const publish = opts.publish ?? true;
    const ds = new DatasetEngine(store, { ...opts, readOnly: false }, publish);
    await ds.flush({ force: true, message: "create", publish, signal: opts.signal });
    return ds;
  }

  /** Opens the newest published state of a branch, or one manifest (writable unless `readOnly`: see OpenOptions). */
  static async open(store: Store, opts: OpenOptions = {}): Promise<DatasetEngine> {
    const markerBytes = await store.get(keys.marker, { signal: opts.signal });
    if (!markerBytes) throw new DatasetNotFoundError("[shoal] no shoal dataset in this store (shoal.json is missing)");
    const marker = decodeJson(markerBytes, keys.marker) as Partial<DatasetMarker>;
    if (marker.format !== "shoal" || typeof marker.formatVersion !== "number") {
      throw new DatasetNotFoundError(`[shoal] shoal.json declares format ${JSON.stringify(marker.format)} version ${marker.formatVersion}: not a shoal dataset`);
    }
    // FORMAT.md §2: a newer format is a dataset this reader cannot read, not a missing one.
    if (marker.formatVersion > FORMAT_VERSION) {
      throw new UnsupportedError("formatVersion", `[shoal] shoal.json declares format version ${marker.formatVersion}; this reader knows version ${FORMAT_VERSION} (upgrade shoal)`);
    }
    const ds = new DatasetEngine(store, opts, opts.manifest === undefined);
    await ds.#loadState(opts.manifest, opts.signal);
    return ds;
  }

  async #loadState(manifestId: string | undefined, signal?: AbortSignal): Promise<void> {
    let id = manifestId;
    if (id === undefined) {
      this.#head = await resolveHead(this.store, this.branch, { signal });
      id = this.#head?.manifest;
    }
    this.#tensors = new Map();
    this.#manifest = null;
    if (id === undefined) return;
    const key = keys.manifest(id);
    const bytes = await this.store.get(key, { signal });
    if (!bytes) throw new MissingChunkError(key, `manifest of branch ${JSON.stringify(this.branch)}`);
    const m = parseManifest(bytes, key);
    const metas = await Promise.all(Object.values(m.tensors).map(async (t) => {
      const mk = keys.meta(t.key, t.meta);
      const mb = await this.store.get(mk, { signal });
      if (!mb) throw new MissingChunkError(mk, "tensor meta");
      return parseTensorMeta(mb, mk);
    }));
    Object.entries(m.tensors).forEach(([name, entry], i) => this.#tensors.set(name, new TensorEngine(this, name, metas[i]!, entry)));
    this.#manifest = m;
    this.info = structuredClone(m.info);
    this.groups = [...m.groups];
    this.#published = this.#fingerprint(m);
  }

  /** Re-reads the branch head (or the manifest last flushed, for an engine opened on a manifest), dropping unflushed changes. */
  async reload(opts?: { signal?: AbortSignal }): Promise<void> {
    this.payloads.clear();
    this.columns.clear();
    await this.#loadState(this.#atHead ? undefined : this.#manifest?.id, opts?.signal);
  }

  /** Drops cached chunk headers and payloads (unflushed data is kept). */
  clearCache(): void {
    // Cold again: checksum groups are verified anew too (OpenOptions.verifyChecksums "once").
    for (const t of this.#tensors.values()) t.forgetVerified();
    this.headers.clear();
    this.payloads.clear();
    this.columns.clear();
  }

  /** The last published state (a DatasetState: serialise with `serializeManifest`). */
  get manifest(): Manifest | null {
    return this.#manifest;
  }

  get head(): RefRecord | undefined {
    return this.#head;
  }

  assertWritable(): void {
    if (this.readOnly) throw new ReadOnlyModeError("this dataset view");
  }

  // ---------- TensorSource ----------

  get length(): number {
    let min = Number.POSITIVE_INFINITY;
    for (const t of this.#tensors.values()) if (!t.tensorMeta.hidden) min = Math.min(min, t.length);
    return min === Number.POSITIVE_INFINITY ? 0 : min;
  }

  tensorNames(): readonly string[] {
    return [...this.#tensors.values()].filter((t) => !t.tensorMeta.hidden).map((t) => t.name);
  }

  /** Every tensor name, hidden ones included. */
  allTensorNames(): readonly string[] {
    return [...this.#tensors.keys()];
  }

  has(name: string): boolean {
    return this.#tensors.has(name);
  }

  tensor(name: string): TensorEngine {
    const t = this.#tensors.get(name);
    if (!t) throw new TensorDoesNotExistError(name);
    return t;
  }

  // ---------- schema ----------

  async createTensor(name: string, spec: TensorSpec = {}): Promise<TensorEngine> {
    this.assertWritable();
    assertTensorName(name);
    if (this.#tensors.has(name) || this.groups.includes(name)) throw new TensorAlreadyExistsError(name);
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const g = parts.slice(0, i).join("/");
      if (this.#tensors.has(g)) throw new TensorAlreadyExistsError(g);
    }
    const encoding = spec.encoding ?? "array";
    if (spec.dtype != null && !isDType(spec.dtype)) throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(name)}: unknown dtype ${JSON.stringify(spec.dtype)}`);
    if (spec.sampleCompression && spec.chunkCompression) {
      throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(name)}: sampleCompression and chunkCompression are mutually exclusive`);
    }
    const maxChunkSize = spec.maxChunkSize ?? DEFAULT_MAX_CHUNK_SIZE;
    if (!Number.isInteger(maxChunkSize) || maxChunkSize < 1024 || maxChunkSize > 0x7fffffff) {
      throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(name)}: maxChunkSize must be an integer in [1024, 2^31)`);
    }
    const tilingThreshold = spec.tilingThreshold ?? maxChunkSize;
    if (tilingThreshold !== -1 && (!Number.isInteger(tilingThreshold) || tilingThreshold < 1)) {
      throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(name)}: tilingThreshold must be a positive integer or -1`);
    }
    // Codec names are checked now so a bad name fails here, not at the first append.
    const { loadCodec } = await import("./codecs.ts");
    for (const c of [spec.sampleCompression, spec.chunkCompression]) if (c) await loadCodec(c);
    const taken = new Set([...this.#tensors.values()].map((t) => t.key));
    let key = name;
    while (taken.has(key)) key = `${name}_${randomHex().slice(0, 8)}`;
    const links: Record<string, string> = {};
    const meta: TensorMeta = {
      formatVersion: FORMAT_VERSION, key, htype: spec.htype ?? (encoding === "array" ? "generic" : encoding), dtype: encoding === "array" ? (spec.dtype ?? null) : null, encoding,
      sampleCompression: spec.sampleCompression ?? null, chunkCompression: spec.chunkCompression ?? null, maxChunkSize, tilingThreshold,
      hidden: spec.hidden ?? false, links, isSequence: spec.isSequence ?? false, isLink: spec.isLink ?? false,
      htypeArgs: { ...spec.htypeArgs }, info: { ...spec.info },
    };
    const wanted: [string, TensorSpec][] = [];
    if (spec.createIdTensor ?? !meta.hidden) wanted.push(["id", { dtype: "uint64", hidden: true, maxChunkSize: 4_000_000 }]);
    if (spec.createShapeTensor ?? (encoding === "array" && !meta.hidden)) wanted.push(["shape", { dtype: "uint32", hidden: true, maxChunkSize: 4_000_000 }]);
    if (spec.createSampleInfoTensor ?? false) wanted.push(["info", { encoding: "json", hidden: true, maxChunkSize: 4_000_000 }]);
    for (const [role] of wanted) if (this.#tensors.has(hiddenName(name, role))) throw new TensorAlreadyExistsError(hiddenName(name, role));
    const tensor = new TensorEngine(this, name, meta, null);
    this.#tensors.set(name, tensor);
    for (const [role, s] of wanted) {
      const hidden = hiddenName(name, role);
      links[role] = hidden;
      await this.createTensor(hidden, { ...s, createIdTensor: false, createShapeTensor: false, createSampleInfoTensor: false });
    }
    for (let i = 1; i < parts.length; i++) {
      const g = parts.slice(0, i).join("/");
      if (!this.groups.includes(g)) this.groups.push(g);
    }
    return tensor;
  }

  /** Removes a tensor (and its hidden tensors) from the state; its data stays for older versions. */
  deleteTensor(name: string): void {
    this.assertWritable();
    const t = this.tensor(name);
    for (const hidden of Object.values(t.tensorMeta.links)) this.#tensors.delete(hidden);
    this.#tensors.delete(name);
  }

  /** Renames a tensor (and its hidden tensors); no data is touched. */
  renameTensor(from: string, to: string): void {
    this.assertWritable();
    assertTensorName(to);
    const t = this.tensor(from);
    if (this.#tensors.has(to) || this.groups.includes(to)) throw new TensorAlreadyExistsError(to);
    const next = new Map<string, TensorEngine>();
    const renames = new Map<string, string>([[from, to]]);
    for (const [role, hidden] of Object.entries(t.tensorMeta.links)) renames.set(hidden, hiddenName(to, role));
    for (const [n, tensor] of this.#tensors) {
      const newName = renames.get(n) ?? n;
      tensor.name = newName;
      next.set(newName, tensor);
    }
    for (const role of Object.keys(t.tensorMeta.links)) t.tensorMeta.links[role] = hiddenName(to, role);
    if (Object.keys(t.tensorMeta.links).length > 0) t.touchMeta("meta");
    this.#tensors = next;
  }

  /** Appends one row per index to several tensors at once: if any sample is rejected, no tensor changes. */
  async extend(columns: Record<string, readonly EngineSample[]>, opts?: ExtendOptions): Promise<void> {
    this.assertWritable();
    const entries = Object.entries(columns).map(([name, samples]) => [this.tensor(name), samples] as const);
    const dtypes = entries.map(([t]) => t.tensorMeta.dtype);
    let prepared: Awaited<ReturnType<TensorEngine["prepare"]>>[];
    try {
      prepared = [];
      for (const [t, samples] of entries) prepared.push(await t.prepare(samples, t.length));
    } catch (e) {
      entries.forEach(([t], i) => (t.tensorMeta.dtype = dtypes[i]!));
      throw e;
    }
    for (let i = 0; i < entries.length; i++) await entries[i]![0].commitPrepared(prepared[i]!, opts?.infos);
  }

  setInfo(info: Record<string, unknown>): void {
    this.assertWritable();
    this.info = structuredClone(info);
  }

  // ---------- write queue ----------

  enqueueWrite(key: string, sealed: SealedChunk): void {
    this.#pending.set(key, sealed.bytes);
    const p: Promise<void> = this.store.set(key, sealed.bytes).then(
      () => {
        this.#pending.delete(key);
        sealed.release();
      },
      (error: unknown) => {
        this.#failed.push({ key, sealed, error });
      },
    ).finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
  }

  /** Bytes of a chunk sealed but not yet in the store (views: copy before keeping them). */
  pendingBytes(key: string): Uint8Array | undefined {
    return this.#pending.get(key);
  }

  /** Whether enough chunk writes are in flight that producers should wait (`backpressure()`) before packing more. */
  get writeBacklog(): boolean {
    return this.#inflight.size > MAX_INFLIGHT_WRITES;
  }

  async backpressure(): Promise<void> {
    while (this.#inflight.size > MAX_INFLIGHT_WRITES) await Promise.race(this.#inflight);
  }

  async #drain(signal?: AbortSignal): Promise<void> {
    await Promise.all(this.#inflight);
    const failed = this.#failed.splice(0);
    for (const f of failed) {
      signal?.throwIfAborted();
      await this.store.set(f.key, f.sealed.bytes, { signal });
      this.#pending.delete(f.key);
      f.sealed.release();
    }
  }

  verify(bytes: Uint8Array, start: number, end: number, expected: number, key: string, offset: number): void {
    if (xxh32(bytes, start, end) !== expected) throw new CorruptChunkError(key, offset, "sample checksum mismatch");
  }

  // ---------- publish ----------

  #fingerprint(m: Pick<Manifest, "info" | "groups" | "tensors" | "baseCommit">): string {
    return JSON.stringify([m.info, m.groups, m.tensors, m.baseCommit]);
  }

  /**
   * Writes sealed chunks, index segments, metas and, when anything changed, a new manifest; then (unless
   * `publish: false`) publishes it with a create-only ref. Returns the current manifest id and the ref written.
   * Throws PreconditionFailedError when another writer published this branch first (nothing of ours is visible).
   */
  async flush(opts: FlushOptions = {}): Promise<FlushResult> {
    this.assertWritable();
    const signal = opts.signal;
    const publish = opts.publish ?? this.#atHead;
    if (publish && !this.#atHead) {
      throw new InvalidArgumentError("[shoal] flush({ publish: true }): this engine was opened on a manifest, not at a branch head; publish its manifest id yourself");
    }
    for (const t of this.#tensors.values()) t.sealForFlush();
    await this.#drain(signal);
    if (opts.resetChanges) for (const t of this.#tensors.values()) t.resetChanges();
    const tensors: Record<string, ManifestTensor> = {};
    for (const [name, t] of this.#tensors) tensors[name] = await t.persist(signal);
    const baseCommit = opts.baseCommit !== undefined ? opts.baseCommit : (this.#manifest?.baseCommit ?? null);
    const draft = { info: structuredClone(this.info), groups: [...this.groups], tensors, baseCommit };
    const fp = this.#fingerprint(draft);
    if (!opts.force && fp === this.#published && this.#manifest) return { manifest: this.#manifest.id, ref: undefined };
    const manifest: Manifest = {
      formatVersion: FORMAT_VERSION, id: randomHex(), parent: this.#manifest?.id ?? null, time: new Date().toISOString(), ...draft,
    };
    // A random 128-bit id cannot collide: a plain write (create-only costs a link+unlink on files, a header check on S3).
    await this.store.set(keys.manifest(manifest.id), sealJson(manifest), { signal });
    let ref: RefRecord | undefined;
    if (publish) {
      const seq = (this.#head?.seq ?? 0) + 1;
      ref = {
        seq, manifest: manifest.id, commit: null, prev: this.#head?.seq ?? null,
        time: manifest.time, writer: this.writerId, ...(opts.message ? { message: opts.message } : {}),
      };
      await publishRef(this.store, this.branch, ref, { signal });
      this.#head = ref;
    }
    this.#manifest = manifest;
    this.#published = fp;
    return { manifest: manifest.id, ref };
  }
}

export { keys };
