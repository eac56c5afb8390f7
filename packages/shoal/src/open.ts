/**
 * `empty`, `load` and `dataset`: open a store (a path, a URL, or a Store), take the write lock, open version
 * control and the engine on the version it names.
 * @module
 */
import { InvalidArgumentError, ReadOnlyModeError, isShoalError } from "@shoal/core";
import { DatasetNotFoundError, openDatasetEngine } from "@shoal/chunks";
import { type OpenStoreOptions, type Store, openStore } from "@shoal/storage";
import { type CommitLock, LockRequiredError, VersionControl } from "@shoal/vcs";
import { detectDeepLake } from "@shoal/deeplake-compat";
import { emulateCreateOnly } from "./create-only.ts";
import { eachConcurrent } from "./parallel.ts";
import { changeLogFrom } from "./changes.ts";
import { Dataset } from "./dataset.ts";
import { DeepLakeDatasetError } from "./errors.ts";
import { createEngine, openEngineAt } from "./engine.ts";
import { readSettings } from "./settings.ts";
import { readCheckedOutBranch } from "./checked-out.ts";
import { WriteLock } from "./write-lock.ts";

/** Credentials of the store itself (S3): used to open it, never written anywhere. */
export interface StoreCreds {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
}

export interface OpenCommonOptions {
  creds?: StoreCreds;
  /** Take the single-writer lock `locks/write.json` when opening for writing (default true). */
  lockEnabled?: boolean;
  /** A lock not refreshed for this long (ms, default 5 min) is considered abandoned. */
  lockTimeout?: number;
  /** Required to write on stores that cannot enforce create-only writes (`conditionalWrite: "none"`). */
  commitLock?: CommitLock;
  /** Author recorded in commits. */
  author?: string;
  /** Extra options for `openStore` (cache, fs, http, s3). */
  storeOptions?: OpenStoreOptions;
  signal?: AbortSignal;
}

export interface EmptyOptions extends OpenCommonOptions {
  /** Replace whatever the location holds. */
  overwrite?: boolean;
}

export interface LoadOptions extends OpenCommonOptions {
  readOnly?: boolean;
  /** Branch to open (default: the branch last checked out, else "main"). */
  branch?: string;
}

function randomSession(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function isStore(x: unknown): x is Store {
  return typeof x === "object" && x !== null && typeof (x as Store).get === "function" && typeof (x as Store).set === "function" && "capabilities" in x;
}

/** The Store a path, URL or Store names. */
export async function resolveStore(path: string | Store, opts: OpenCommonOptions = {}): Promise<{ store: Store; path: string | null }> {
  if (isStore(path)) return { store: path, path: null };
  if (typeof path !== "string" || path === "") throw new InvalidArgumentError(`[shoal] a dataset path must be a non-empty string or a Store, got ${JSON.stringify(path)}`);
  const c = opts.creds;
  const s3 = c
    ? {
        ...opts.storeOptions?.s3,
        ...(c.accessKeyId && c.secretAccessKey ? { credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) } } : {}),
        ...(c.endpoint ? { endpoint: c.endpoint } : {}),
        ...(c.region ? { region: c.region } : {}),
        ...(c.forcePathStyle !== undefined ? { forcePathStyle: c.forcePathStyle } : {}),
      }
    : opts.storeOptions?.s3;
  return { store: await openStore(path, { ...opts.storeOptions, ...(s3 ? { s3 } : {}) }), path };
}

/**
 * Throws DeepLakeDatasetError when the store (which has no shoal.json) holds a Deep Lake dataset: opening it as
 * shoal would fail obscurely, and creating one there would mix two formats in one folder.
 */
async function refuseDeepLake(store: Store, p: string | null, what: string, signal?: AbortSignal): Promise<void> {
  const found = await detectDeepLake(store, { signal });
  if (found) throw new DeepLakeDatasetError(p ?? "this store", found.version, what);
}

/** The store the engine writes through: stores without create-only writes need the caller's commit lock. */
function engineStoreFor(store: Store, readOnly: boolean, opts: OpenCommonOptions): Store {
  if (readOnly || store.capabilities.conditionalWrite !== "none") return store;
  if (!opts.commitLock) throw new LockRequiredError("opening the dataset for writing");
  return emulateCreateOnly(store);
}

async function withLock<T>(store: Store, opts: OpenCommonOptions, fn: (lock: WriteLock | null) => Promise<T>): Promise<T> {
  const t = opts.lockTimeout;
  if (t !== undefined && (typeof t !== "number" || !(t >= 0))) throw new InvalidArgumentError(`[shoal] lockTimeout must be a non-negative number of milliseconds, got ${JSON.stringify(t) ?? String(t)}`);
  const lock = opts.lockEnabled === false ? null : await WriteLock.acquire(store, randomSession(), { timeoutMs: opts.lockTimeout, signal: opts.signal });
  try {
    return await fn(lock);
  } catch (e) {
    await lock?.release().catch(() => undefined);
    throw e;
  }
}

/** Creates an empty dataset at `path` (a local path, `memory://`, `s3://bucket/prefix`, or a Store). */
export async function empty(path: string | Store, opts: EmptyOptions = {}): Promise<Dataset> {
  const { store, path: p } = await resolveStore(path, opts);
  return emptyIn(store, p, opts);
}

/** `empty` on an opened store. */
export async function emptyIn(store: Store, p: string | null, opts: EmptyOptions = {}): Promise<Dataset> {
  if (!store.capabilities.writable) throw new ReadOnlyModeError(`empty(${JSON.stringify(p ?? "store")}): the store`);
  const engineStore = engineStoreFor(store, false, opts);
  if (!opts.overwrite) {
    if (await store.get("shoal.json", { signal: opts.signal })) {
      throw new InvalidArgumentError(`[shoal] a dataset already exists at ${JSON.stringify(p ?? "this store")}; use load(), or empty(path, { overwrite: true }) to replace it`);
    }
    await refuseDeepLake(store, p, "create a shoal dataset in", opts.signal);
  }
  // The lock comes first: overwriting a dataset another session writes would pull its data from under it.
  return withLock(store, opts, async (lock) => {
    const engine = await createEngine(engineStore, { overwrite: opts.overwrite, signal: opts.signal });
    // overwrite deleted every key, the lock just taken included: take it again under the same session.
    const writeLock = lock && opts.overwrite ? await WriteLock.acquire(store, lock.session, { timeoutMs: opts.lockTimeout, signal: opts.signal }) : lock;
    const vc = await VersionControl.open(store, { initialManifest: engine.manifest!.id, lock: opts.commitLock, author: opts.author, signal: opts.signal });
    return new Dataset({ store, engineStore, path: p, engine, vc, readOnly: false, writeLock, settings: await readSettings(store, opts.signal) });
  });
}

/** Opens an existing dataset. Throws DatasetNotFoundError when there is none, DatasetLockedError when another session writes it. */
export async function load(path: string | Store, opts: LoadOptions = {}): Promise<Dataset> {
  const { store, path: p } = await resolveStore(path, opts);
  return loadFrom(store, p, opts);
}

/** `load` on an opened store. */
export async function loadFrom(store: Store, p: string | null, opts: LoadOptions = {}): Promise<Dataset> {
  if (!(await store.get("shoal.json", { signal: opts.signal }))) {
    await refuseDeepLake(store, p, "load", opts.signal);
    throw new DatasetNotFoundError(`[shoal] no shoal dataset at ${JSON.stringify(p ?? "this store")} (shoal.json is missing)`);
  }
  const readOnly = opts.readOnly === true || !store.capabilities.writable;
  const engineStore = engineStoreFor(store, readOnly, opts);
  const open = async (writeLock: WriteLock | null): Promise<Dataset> => {
    let vc: VersionControl;
    const remembered = opts.branch === undefined ? await readCheckedOutBranch(store, opts.signal) : undefined;
    try {
      vc = await openVersionControl(store, opts.branch ?? remembered, remembered !== undefined, { readOnly, lock: opts.commitLock, author: opts.author, signal: opts.signal });
    } catch (e) {
      // A dataset written by the standalone engine (FORMAT.md §6.3) has no version records yet: adopt its published state.
      if (readOnly || !isShoalError(e, "VersionControlError") || isShoalError(e, "CheckoutError")) throw e;
      const bare = await openDatasetEngine(engineStore, { readOnly: true, signal: opts.signal });
      if (!bare.manifest) throw e;
      vc = await VersionControl.open(store, { initialManifest: bare.manifest.id, lock: opts.commitLock, author: opts.author, signal: opts.signal });
    }
    const engine = await openEngineAt(engineStore, vc.manifest, readOnly, opts.signal);
    const changeLog = changeLogFrom(await vc.headChanges({ signal: opts.signal }));
    return new Dataset({ store, engineStore, path: p, engine, vc, readOnly, writeLock, settings: await readSettings(store, opts.signal), changeLog });
  };
  return readOnly ? open(null) : withLock(store, opts, open);
}

/** Loads the dataset at `path`, or creates an empty one when there is none. */
export async function dataset(path: string | Store, opts: LoadOptions = {}): Promise<Dataset> {
  const { store, path: p } = await resolveStore(path, opts);
  if (await store.get("shoal.json", { signal: opts.signal })) return loadFrom(store, p, opts);
  await refuseDeepLake(store, p, "open", opts.signal);
  if (opts.readOnly) throw new DatasetNotFoundError(`[shoal] no shoal dataset at ${JSON.stringify(p ?? "this store")} to open read-only`);
  return emptyIn(store, p, opts);
}

/** Copies every key of `from` (except the write lock) into `to`. */
/** `numWorkers` keys in flight at once: a copy between object stores is bound by round trips, not by this thread. */
export async function copyKeys(from: Store, to: Store, opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; numWorkers?: number } = {}): Promise<void> {
  const keys: string[] = [];
  for await (const k of from.list("", opts)) if (!k.startsWith("locks/")) keys.push(k);
  let done = 0;
  await eachConcurrent(keys, opts.numWorkers ?? 0, async (k) => {
    const v = await from.get(k, opts);
    if (v) await to.set(k, v, opts);
    opts.onProgress?.(++done, keys.length);
  });
}

/** Opens version control on `branch`; a remembered branch that has since gone falls back to the default one. */
async function openVersionControl(
  store: Store,
  branch: string | undefined,
  remembered: boolean,
  opts: { readOnly: boolean; lock?: CommitLock; author?: string; signal?: AbortSignal },
): Promise<VersionControl> {
  try {
    return await VersionControl.open(store, { branch, ...opts });
  } catch (e) {
    if (!remembered || !isShoalError(e, "CheckoutError", "InvalidBranchNameError")) throw e;
    return VersionControl.open(store, opts);
  }
}
