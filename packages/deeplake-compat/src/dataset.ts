/**
 * `openDeepLake`: a read-only view of a Deep Lake 3.x dataset at one commit, as a `TensorSource`. Opening reads the
 * version tree, `dataset_meta.json` and each tensor's meta and info; chunk indexes and chunks are read on demand.
 * @module
 */
import { InvalidArgumentError, type TensorSource } from "@shoal/core";
import type { Store } from "@shoal/storage";
import { ChunkCache } from "./chunk-cache.ts";
import type { LoadedChunk } from "./decode.ts";
import { DeepLakeFormatError, DeepLakeTensorNotFoundError, NotADeepLakeDatasetError } from "./errors.ts";
import { type DatasetMeta, FIRST_COMMIT_ID, commitPrefix, parseDatasetMeta, parseJsonObject, parseTensorMeta } from "./meta.ts";
import { DeepLakeTensor } from "./tensor.ts";
import { ChunkLocator, type DeepLakeCommit, type VersionTree, loadVersionTree, resolveVersion } from "./version-control.ts";

export interface OpenDeepLakeOptions {
  /** Commit to read (any commit of the tree, including a branch HEAD). Takes precedence over `branch`. */
  commitId?: string;
  /** Branch whose HEAD to read; default `main`. */
  branch?: string;
  /** Budget of the decoded-chunk cache shared by every tensor (default 128 MB). */
  cacheBytes?: number;
  signal?: AbortSignal;
}

/** What `detectDeepLake` found at a store's root. */
export interface DeepLakeDetection {
  /** `deeplake.__version__` that wrote `dataset_meta.json` (undefined when only the version tree exists). */
  version: string | undefined;
}

const DEFAULT_CACHE_BYTES = 128_000_000;

/**
 * Whether `store` holds a Deep Lake 3.x (or hub 2.x) dataset: `dataset_meta.json` or `version_control_info.json`
 * at the root, and no shoal marker (`shoal.json`). Reads at most three small objects.
 */
export async function detectDeepLake(store: Store, opts?: { signal?: AbortSignal }): Promise<DeepLakeDetection | undefined> {
  const signal = opts?.signal;
  const [shoal, meta, vc] = await Promise.all([store.head("shoal.json", { signal }), store.get("dataset_meta.json", { signal }), store.head("version_control_info.json", { signal })]);
  if (shoal || (!meta && !vc)) return undefined;
  if (!meta) return { version: undefined };
  try {
    return { version: parseDatasetMeta(meta, "dataset_meta.json").version };
  } catch {
    return { version: undefined };
  }
}

/** A Deep Lake 3.x dataset at one commit, read-only. Implements `TensorSource`. */
export class DeepLakeDataset implements TensorSource {
  readonly store: Store;
  /** The commit being read. */
  readonly commitId: string;
  /** Branch of that commit. */
  readonly branch: string;
  /** `deeplake.__version__` that last wrote this commit's dataset_meta.json. */
  readonly formatVersion: string;
  /** `dataset_info.json` of this commit (the user dict). */
  readonly info: Readonly<Record<string, unknown>>;
  readonly groups: readonly string[];
  readonly length: number;
  readonly #tree: VersionTree;
  readonly #tensors: ReadonlyMap<string, DeepLakeTensor>;
  readonly #visible: readonly string[];
  readonly #hidden: readonly string[];
  readonly #cache: ChunkCache<LoadedChunk>;
  readonly #locator: ChunkLocator;

  private constructor(init: {
    store: Store; commit: DeepLakeCommit; meta: DatasetMeta; info: Record<string, unknown>; tree: VersionTree;
    tensors: Map<string, DeepLakeTensor>; visible: string[]; hidden: string[]; cache: ChunkCache<LoadedChunk>; locator: ChunkLocator;
  }) {
    this.store = init.store;
    this.commitId = init.commit.commitId;
    this.branch = init.commit.branch;
    this.formatVersion = init.meta.version;
    this.info = init.info;
    this.groups = init.meta.groups;
    this.#tree = init.tree;
    this.#tensors = init.tensors;
    this.#visible = init.visible;
    this.#hidden = init.hidden;
    this.#cache = init.cache;
    this.#locator = init.locator;
    let length = Infinity;
    for (const n of init.visible) length = Math.min(length, init.tensors.get(n)!.length);
    this.length = length === Infinity ? 0 : length;
  }

  /** @internal Use `openDeepLake`. */
  static async open(store: Store, opts: OpenDeepLakeOptions = {}, shared?: { tree: VersionTree; cache: ChunkCache<LoadedChunk>; locator: ChunkLocator }): Promise<DeepLakeDataset> {
    if (typeof store !== "object" || store === null || typeof store.get !== "function") throw new InvalidArgumentError("[shoal] openDeepLake: store must be a Store");
    if (opts.commitId !== undefined && (typeof opts.commitId !== "string" || opts.commitId === "")) throw new InvalidArgumentError(`[shoal] openDeepLake: commitId must be a non-empty string, got ${JSON.stringify(opts.commitId)}`);
    if (opts.branch !== undefined && (typeof opts.branch !== "string" || opts.branch === "")) throw new InvalidArgumentError(`[shoal] openDeepLake: branch must be a non-empty string, got ${JSON.stringify(opts.branch)}`);
    const cacheBytes = opts.cacheBytes ?? DEFAULT_CACHE_BYTES;
    if (!Number.isSafeInteger(cacheBytes) || cacheBytes < 0) throw new InvalidArgumentError(`[shoal] openDeepLake: cacheBytes must be a non-negative integer, got ${opts.cacheBytes}`);
    const signal = opts.signal;
    signal?.throwIfAborted();
    if (!shared) {
      const found = await detectDeepLake(store, { signal });
      if (!found) {
        const isShoal = await store.head("shoal.json", { signal });
        throw new NotADeepLakeDatasetError(isShoal ? "the store holds a shoal dataset (shoal.json); open it with shoal" : "neither dataset_meta.json nor version_control_info.json exists at the root");
      }
    }
    const tree = shared?.tree ?? (await loadVersionTree(store, signal));
    const commit = resolveVersion(tree, opts);
    const prefix = commitPrefix(commit.commitId);
    const metaKey = `${prefix}dataset_meta.json`;
    const infoKey = `${prefix}dataset_info.json`;
    const [metaBytes, infoBytes] = await Promise.all([store.get(metaKey, { signal }), store.get(infoKey, { signal })]);
    if (!metaBytes) throw new DeepLakeFormatError(metaKey, `commit ${commit.commitId} has no dataset_meta.json`);
    const meta = parseDatasetMeta(metaBytes, metaKey);
    const info = infoBytes ? parseJsonObject(infoBytes, infoKey) : {};
    const cache = shared?.cache ?? new ChunkCache<LoadedChunk>(cacheBytes);
    const locator = shared?.locator ?? new ChunkLocator(store, tree);
    const ctx = { store, commitId: commit.commitId, locator, cache };
    const keyToName = new Map<string, string>();
    for (const [name, key] of Object.entries(meta.tensorNames)) keyToName.set(key, name);
    const hiddenKeys = new Set(meta.hiddenTensors);
    const entries = await Promise.all(
      meta.tensors.map(async (key) => {
        const name = keyToName.get(key) ?? key;
        const tmKey = `${prefix}${key}/tensor_meta.json`;
        const tiKey = `${prefix}${key}/tensor_info.json`;
        const [tm, ti] = await Promise.all([store.get(tmKey, { signal }), store.get(tiKey, { signal })]);
        if (!tm) throw new DeepLakeFormatError(tmKey, `tensor ${JSON.stringify(name)} listed in dataset_meta.json has no tensor_meta.json`);
        const tmeta = parseTensorMeta(tm, tmKey);
        const tinfo = ti ? parseJsonObject(ti, tiKey) : {};
        // Info keys (class_names) used to live in the meta, and still do as defaults.
        const merged: Record<string, unknown> = { ...(Array.isArray(tmeta.raw.class_names) && tmeta.raw.class_names.length ? { class_names: tmeta.raw.class_names } : {}), ...tinfo };
        return new DeepLakeTensor(ctx, name, key, tmeta, merged);
      }),
    );
    const tensors = new Map<string, DeepLakeTensor>();
    const visible: string[] = [];
    const hidden: string[] = [];
    for (const t of entries) {
      tensors.set(t.name, t);
      (hiddenKeys.has(t.key) || t.hidden ? hidden : visible).push(t.name);
    }
    return new DeepLakeDataset({ store, commit, meta, info, tree, tensors, visible, hidden, cache, locator });
  }

  /** Visible tensor names; `{ includeHidden: true }` adds the companion tensors (`_x_shape`, `_x_id`, ...). */
  tensorNames(opts?: { includeHidden?: boolean }): readonly string[] {
    return opts?.includeHidden ? [...this.#visible, ...this.#hidden] : this.#visible;
  }

  tensor(name: string): DeepLakeTensor {
    const t = typeof name === "string" ? this.#tensors.get(name) : undefined;
    if (!t) throw new DeepLakeTensorNotFoundError(String(name), [...this.#visible, ...this.#hidden]);
    return t;
  }

  /** Every tensor, visible ones first. */
  get tensors(): readonly DeepLakeTensor[] {
    return [...this.#visible, ...this.#hidden].map((n) => this.#tensors.get(n)!);
  }

  /** Read-only: the data never changes under a view, so the token is the commit. */
  version(): string {
    return `deeplake:${this.commitId}`;
  }

  /** Branch → HEAD commit id. */
  get branches(): Readonly<Record<string, string>> {
    return this.#tree.branches;
  }

  /** Every commit of the tree (uncommitted branch HEADs have `time === null`). */
  get commits(): readonly DeepLakeCommit[] {
    return [...this.#tree.commits.values()];
  }

  /** The commits from this one back to the first, newest first (Deep Lake's `ds.log()`). */
  log(): DeepLakeCommit[] {
    const out: DeepLakeCommit[] = [];
    const seen = new Set<string>();
    for (let c = this.#tree.commits.get(this.commitId); c && !seen.has(c.commitId); c = c.parent ? this.#tree.commits.get(c.parent) : undefined) {
      seen.add(c.commitId);
      out.push(c);
    }
    return out;
  }

  /** True when this commit is a branch HEAD (its data could still change if a Deep Lake writer resumes). */
  get isHead(): boolean {
    return this.#tree.commits.get(this.commitId)?.time === null;
  }

  /** The same dataset at another commit or branch HEAD, sharing the chunk cache. Read-only: nothing is written. */
  checkout(address: string, opts?: { signal?: AbortSignal }): Promise<DeepLakeDataset> {
    if (typeof address !== "string" || address === "") return Promise.reject(new InvalidArgumentError(`[shoal] checkout: address must be a commit id or branch name, got ${JSON.stringify(address)}`));
    const isBranch = Object.hasOwn(this.#tree.branches, address);
    const target = isBranch ? { branch: address } : { commitId: address };
    return DeepLakeDataset.open(this.store, { ...target, signal: opts?.signal }, { tree: this.#tree, cache: this.#cache, locator: this.#locator });
  }

  /** Drops every cached chunk. */
  clearCache(): void {
    this.#cache.clear();
  }
}

/**
 * Opens the Deep Lake 3.x (or hub 2.x) dataset in `store` read-only, at the HEAD of `branch` (default `main`) or at
 * `commitId`.
 * @example const ds = await openDeepLake(new FileStore("./my_deeplake")); await ds.tensor("labels").column();
 */
export function openDeepLake(store: Store, opts?: OpenDeepLakeOptions): Promise<DeepLakeDataset> {
  return DeepLakeDataset.open(store, opts);
}

export { FIRST_COMMIT_ID };
