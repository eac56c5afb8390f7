/**
 * FileDataset: a versioned collection of files, ClearML `Dataset` semantics over any shoal Store.
 * @module
 */
import { InvalidArgumentError, UnsupportedError, isShoalError } from "@shoal/core";
import type { Store } from "@shoal/storage";
import { type Row, fromCsv, toCsv } from "./csv.ts";
import {
  CorruptContentError,
  DatasetFinalizedError,
  DatasetInUseError,
  DatasetNotFinalError,
  DatasetNotFoundError,
  OfflineModeError,
  PendingUploadsError,
  VersionExistsError,
} from "./errors.ts";
import { createSha256, randomId, sha256Hex } from "./hash.ts";
import { ensureMarker, keys, readInfo, readLiveInfo, readState, writeJson } from "./layout.ts";
import { listLink } from "./links.ts";
import { type LocalCopyOptions, type MutableCopyOptions, type VerifyOptions, localCopy, mutableCopy, verifyCopy } from "./local-copy.ts";
import { baseName, joinEntryPath, normalizeDatasetFolder, normalizeEntryPath } from "./paths.ts";
import { pool, workerCount } from "./pool.ts";
import { ContentReader, contentMismatch } from "./read.ts";
import { claimVersion, infosOf, listPointers, pickLatest, readPointer, referencedPacks } from "./registry.ts";
import { type TableDiff, type TableEntry, applicationOrder, assertNoCaseCollision, diffTables, fromTable, mergeParents, prunedGraph, tableOf, unionTables } from "./table.ts";
import type { DatasetInfo, DatasetState, DatasetStatus, FileEntry, IOOptions, LinkEntry, LinkResolver, LocalFiles, Progress, StorageOptions } from "./types.ts";
import { type UploadOptions, uploadPending } from "./upload.ts";
import { globMatch, matchesAnyWildcard } from "./wildcard.ts";

export interface CreateOptions extends StorageOptions {
  name?: string;
  project?: string;
  tags?: string[];
  /** Parent versions (ids or datasets), merged in order: later parents win at shared paths. */
  parents?: (string | FileDataset)[];
  /** Explicit version; default: next after the highest existing one of this project/name, or 1.0.0. */
  version?: string;
  description?: string;
}

export interface GetOptions extends StorageOptions {
  id?: string;
  name?: string;
  project?: string;
  version?: string;
  /** Every listed tag must be on the version. */
  tags?: string[];
  onlyCompleted?: boolean;
  onlyPublished?: boolean;
  /**
   * Let a lookup by name/project/tags return a draft (ClearML's default). Without it, and without an exact
   * `version`, only final or published versions are candidates: a half-built draft is never picked by accident.
   */
  includeDrafts?: boolean;
  /** Accepted for ClearML parity; shoal has no archive state. */
  includeArchived?: boolean;
  /** Create the dataset when nothing matches. */
  autoCreate?: boolean;
  /** Return a new draft child of the version found. */
  writableCopy?: boolean;
  /** Accepted for ClearML parity (task hyper-parameter aliasing does not apply without a server). */
  alias?: string;
}

export interface ListOptions extends StorageOptions {
  project?: string;
  /** Regular expression on the dataset name. */
  partialName?: string;
  tags?: string[];
  ids?: string[];
  /** Only final or published versions (default true, as ClearML). */
  onlyCompleted?: boolean;
  /** Include sub-projects of `project` (default true). */
  recursiveProjectSearch?: boolean;
  includeArchived?: boolean;
}

export interface DatasetSummary {
  id: string;
  name: string;
  project: string;
  version: string;
  status: DatasetStatus;
  tags: string[];
  created: string;
}

export interface DeleteOptions extends StorageOptions {
  id?: string;
  project?: string;
  name?: string;
  version?: string;
  /** Delete even if published or a parent of another version (children keep their bytes). */
  force?: boolean;
  /** Every version of project/name. */
  entireDataset?: boolean;
  /** Also delete content packs no remaining version references. */
  deleteFiles?: boolean;
}

export interface AddFilesOptions extends IOOptions {
  wildcard?: string | string[];
  /** Entry paths are relative to this folder instead of `path`. */
  localBaseFolder?: string;
  /** Folder inside the dataset to add under. */
  datasetPath?: string;
  recursive?: boolean;
  verbose?: boolean;
  /** Files hashed concurrently (default 4). */
  maxWorkers?: number;
  /** Accept entry paths that differ from another only by case (they collide on Windows and macOS disks). */
  allowCaseCollisions?: boolean;
  /** Files hashed so far / files to hash. */
  onProgress?: Progress;
}

export interface AddResult {
  added: number;
  modified: number;
}

const IMMUTABLE: ReadonlySet<DatasetStatus> = new Set(["final", "published"]);

let offline: { on: boolean; storage: Store | undefined } = { on: false, storage: undefined };

function nowIso(): string {
  return new Date().toISOString();
}

function asList(v: string | string[] | undefined): string[] | undefined {
  return v === undefined ? undefined : typeof v === "string" ? [v] : v;
}

function checkText(value: unknown, what: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new InvalidArgumentError(`[shoal] [files] ${what} must be a non-empty string`);
  return value;
}

/**
 * One version of a file dataset. Get instances with `FileDataset.create` / `FileDataset.get`; import it from
 * `@shoal/clearml-compat/node` for the methods that touch local folders (addFiles, getLocalCopy, …).
 *
 * @example
 * const ds = await FileDataset.create({ storage, project: "vision", name: "pets" });
 * await ds.addFiles("./images");
 * await ds.finalize({ autoUpload: true });
 */
export class FileDataset {
  /** Filled in by the `/node` entry; the browser-safe root has no local filesystem. */
  static defaultLocal: LocalFiles | undefined = undefined;

  readonly store: Store;
  readonly local: LocalFiles | undefined;
  readonly linkResolver: LinkResolver | undefined;
  readonly fetch: typeof fetch;
  /** @internal The description record; use the getters. */
  info: DatasetInfo;
  /** @internal The entry table; use the list methods. */
  state: DatasetState;

  protected constructor(store: Store, info: DatasetInfo, state: DatasetState, opts: Partial<StorageOptions>, local: LocalFiles | undefined) {
    this.store = store;
    this.info = info;
    this.state = state;
    this.local = opts.local ?? local;
    this.linkResolver = opts.linkResolver;
    this.fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  }

  // ---------------------------------------------------------------- identity

  get id(): string {
    return this.info.id;
  }
  get name(): string {
    return this.info.name;
  }
  get project(): string {
    return this.info.project;
  }
  get version(): string {
    return this.info.version;
  }
  get tags(): string[] {
    return [...this.info.tags];
  }
  get description(): string {
    return this.info.description;
  }
  get status(): DatasetStatus {
    return this.info.status;
  }
  get parents(): string[] {
    return [...this.info.parents];
  }
  /** Full resolved file table (inherited entries included), sorted by path. */
  get fileEntries(): FileEntry[] {
    return this.state.files.map((e) => ({ ...e }));
  }
  /** External links, sorted by path. */
  get linkEntries(): LinkEntry[] {
    return this.state.links.map((e) => ({ ...e }));
  }

  /** True once finalized (or published): content is frozen. */
  isFinal(): boolean {
    return IMMUTABLE.has(this.info.status);
  }
  isPublished(): boolean {
    return this.info.status === "published";
  }
  /** True after addFiles/addExternalFiles/syncFolder until upload() (ClearML semantics). */
  isDirty(): boolean {
    return this.state.dirty || Object.keys(this.state.pending).length > 0;
  }
  /** The store this version lives on (ClearML returns its output URI). */
  getDefaultStorage(): Store {
    return this.store;
  }

  // ---------------------------------------------------------------- offline mode

  /** In offline mode, create() writes to `storage` (a local session store) and server-like lookups are refused. */
  static setOffline(mode: boolean, opts: { storage?: Store } = {}): void {
    offline = { on: mode, storage: opts.storage ?? offline.storage };
  }
  static isOffline(): boolean {
    return offline.on;
  }

  /**
   * Moves a draft created offline into `storage` under a new id (rewriting `offline-*` ids), then optionally
   * uploads and finalizes it. Uploading reads the original local paths, so run it where the files are.
   */
  static async importOfflineSession(opts: StorageOptions & { session: Store; id?: string; upload?: boolean; finalize?: boolean; uploadOptions?: UploadOptions }): Promise<FileDataset> {
    if (!opts?.storage || !opts.session) throw new InvalidArgumentError("[shoal] [files] importOfflineSession needs storage and session stores");
    let id = opts.id;
    if (id === undefined) {
      const ids = new Set<string>();
      for await (const key of opts.session.list("ids/", { signal: opts.signal })) {
        const m = /^ids\/(offline-[0-9a-f]+)\/dataset\.json$/.exec(key);
        if (m) ids.add(m[1] as string);
      }
      if (ids.size !== 1) throw new InvalidArgumentError(`[shoal] [files] the session holds ${ids.size} offline datasets; pass id`);
      id = [...ids][0] as string;
    }
    const info = await readInfo(opts.session, id, opts);
    if (!info) throw new DatasetNotFoundError(`offline id ${id}`);
    const state = await readState(opts.session, id, opts);
    const newId = randomId();
    const swap = (v: string): string => (v === id ? newId : v);
    const rewritten: DatasetState = JSON.parse(JSON.stringify(state)) as DatasetState;
    rewritten.id = newId;
    for (const f of rewritten.files) f.origin = swap(f.origin);
    for (const l of rewritten.links) l.origin = swap(l.origin);
    rewritten.graph = Object.fromEntries(Object.entries(rewritten.graph).map(([k, v]) => [swap(k), v.map(swap)]));
    rewritten.packs = Object.fromEntries(Object.entries(rewritten.packs).map(([k, v]) => [swap(k), v]));
    const newInfo: DatasetInfo = { ...info, id: newId, status: "draft", metadata: {} };
    await ensureMarker(opts.storage, opts);
    let version: string;
    try {
      version = await claimVersion(opts.storage, info.project, info.name, info.version, newId, opts);
    } catch (e) {
      if (!isShoalError(e, "VersionExistsError")) throw e;
      version = await claimVersion(opts.storage, info.project, info.name, undefined, newId, opts);
    }
    newInfo.version = version;
    const ds = new this(opts.storage, newInfo, rewritten, opts, opts.local ?? this.defaultLocal);
    await ds.#save(opts);
    if (opts.upload || opts.finalize) await ds.upload({ ...opts.uploadOptions, signal: opts.signal });
    if (opts.finalize) await ds.finalize(opts);
    return ds;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Creates a draft version; parents must be final and are merged in order (later ones win). */
  static async create(opts: CreateOptions): Promise<FileDataset> {
    if (!opts || !opts.storage) throw new InvalidArgumentError("[shoal] [files] create needs a storage");
    const storage = offline.on ? (offline.storage ?? opts.storage) : opts.storage;
    const parentStates: DatasetState[] = [];
    const parentInfos: DatasetInfo[] = [];
    for (const p of opts.parents ?? []) {
      const parent = typeof p === "string" ? await FileDataset.get({ storage, local: opts.local, signal: opts.signal, id: p }) : p;
      if (!parent.isFinal()) throw new DatasetNotFinalError(parent.id, "inherit from it");
      parentStates.push(parent.state);
      parentInfos.push(parent.info);
    }
    const last = parentInfos[parentInfos.length - 1];
    const name = checkText(opts.name ?? last?.name, "name");
    const project = checkText(opts.project ?? last?.project, "project");
    if (opts.version !== undefined) checkText(opts.version, "version");
    const tags = [...(opts.tags ?? [])];
    if (!tags.every((t) => typeof t === "string")) throw new InvalidArgumentError("[shoal] [files] tags must be strings");
    const id = offline.on ? `offline-${randomId()}` : randomId();
    await ensureMarker(storage, opts);
    const version = offline.on ? (opts.version ?? "1.0.0") : await claimVersion(storage, project, name, opts.version, id, opts);
    const info: DatasetInfo = {
      format: 1,
      id,
      project,
      name,
      version,
      status: "draft",
      parents: parentInfos.map((p) => p.id),
      tags,
      description: opts.description ?? "",
      created: nowIso(),
      metadata: {},
    };
    const ds = new this(storage, info, mergeParents(id, parentStates), opts, opts.local ?? this.defaultLocal);
    try {
      await ds.#save(opts);
    } catch (e) {
      if (!offline.on) await storage.delete(keys.pointer(project, name, version)).catch(() => undefined);
      throw e;
    }
    return ds;
  }

  /**
   * Loads a version by id, or the best match for project/name/version/tags (highest version wins). By name, only
   * final versions are considered unless `includeDrafts` or an exact `version` is given (a deliberate deviation from
   * ClearML, whose default can hand back an unfinished draft).
   */
  static async get(opts: GetOptions): Promise<FileDataset> {
    if (!opts || !opts.storage) throw new InvalidArgumentError("[shoal] [files] get needs a storage");
    if (offline.on) throw new OfflineModeError("FileDataset.get");
    const { storage } = opts;
    if (opts.id !== undefined && (opts.name !== undefined || opts.project !== undefined)) {
      throw new InvalidArgumentError("[shoal] [files] get: pass either id or project/name, not both");
    }
    if (opts.id === undefined && opts.name === undefined && opts.project === undefined && opts.tags === undefined) {
      throw new InvalidArgumentError("[shoal] [files] get needs id, name, project or tags");
    }
    let info: DatasetInfo | undefined;
    if (opts.id !== undefined) {
      checkText(opts.id, "id");
      info = /^[\w-]+$/.test(opts.id) ? await readLiveInfo(storage, opts.id, opts) : undefined;
      if (!info) throw new DatasetNotFoundError(`id ${opts.id}`);
    } else {
      const prefix = opts.project !== undefined && opts.name !== undefined ? keys.nameDir(opts.project, opts.name) : keys.namesRoot;
      let candidates = (await infosOf(storage, await listPointers(storage, prefix, opts), opts)).filter(
        (i) => (opts.project === undefined || i.project === opts.project) && (opts.name === undefined || i.name === opts.name),
      );
      if (opts.tags) candidates = candidates.filter((i) => opts.tags?.every((t) => i.tags.includes(t)));
      if (opts.onlyPublished) candidates = candidates.filter((i) => i.status === "published");
      else if (opts.onlyCompleted || (!opts.includeDrafts && opts.version === undefined)) candidates = candidates.filter((i) => IMMUTABLE.has(i.status));
      if (opts.version !== undefined) candidates = candidates.filter((i) => i.version === opts.version);
      info = pickLatest(candidates);
      if (!info) {
        if (opts.autoCreate && opts.name !== undefined) return this.create({ ...opts, parents: [] });
        throw new DatasetNotFoundError(JSON.stringify({ project: opts.project, name: opts.name, version: opts.version, tags: opts.tags }));
      }
    }
    const ds = new this(storage, info, await readState(storage, info.id, opts), opts, opts.local ?? this.defaultLocal);
    if (opts.writableCopy) return this.create({ ...opts, name: info.name, project: info.project, tags: info.tags, version: undefined, parents: [ds] });
    return ds;
  }

  /** Versions in the store, filtered ClearML style; sorted by project, name, then version. */
  static async listDatasets(opts: ListOptions): Promise<DatasetSummary[]> {
    if (!opts || !opts.storage) throw new InvalidArgumentError("[shoal] [files] listDatasets needs a storage");
    let nameRe: RegExp | undefined;
    if (opts.partialName !== undefined) {
      try {
        nameRe = new RegExp(opts.partialName);
      } catch (cause) {
        throw new InvalidArgumentError(`[shoal] [files] partialName ${JSON.stringify(opts.partialName)} is not a valid regular expression`, { cause });
      }
    }
    const infos = await infosOf(opts.storage, await listPointers(opts.storage, keys.namesRoot, opts), opts);
    const recursive = opts.recursiveProjectSearch ?? true;
    const onlyCompleted = opts.onlyCompleted ?? true;
    return infos
      .filter((i) => opts.project === undefined || i.project === opts.project || (recursive && i.project.startsWith(`${opts.project}/`)))
      .filter((i) => !nameRe || nameRe.test(i.name))
      .filter((i) => !opts.tags || opts.tags.every((t) => i.tags.includes(t)))
      .filter((i) => !opts.ids || opts.ids.includes(i.id))
      .filter((i) => !onlyCompleted || IMMUTABLE.has(i.status))
      .map((i) => ({ id: i.id, name: i.name, project: i.project, version: i.version, status: i.status, tags: [...i.tags], created: i.created }));
  }

  /**
   * Deletes versions. Refuses (DatasetInUseError, nothing deleted) when a target is published or is a parent of a
   * version that stays, unless `force`. Children never lose bytes: packs are shared and only `deleteFiles` sweeps
   * packs that no remaining version references.
   */
  static async delete(opts: DeleteOptions): Promise<string[]> {
    if (!opts || !opts.storage) throw new InvalidArgumentError("[shoal] [files] delete needs a storage");
    const { storage } = opts;
    const all = await infosOf(storage, await listPointers(storage, keys.namesRoot, opts), opts);
    let targets: DatasetInfo[];
    if (opts.id !== undefined) {
      const info = all.find((i) => i.id === opts.id) ?? (/^[\w-]+$/.test(opts.id) ? await readInfo(storage, opts.id, opts) : undefined);
      if (!info) throw new DatasetNotFoundError(`id ${opts.id}`);
      targets = [info];
    } else {
      if (opts.project === undefined || opts.name === undefined) throw new InvalidArgumentError("[shoal] [files] delete needs id, or project and name");
      const versions = all.filter((i) => i.project === opts.project && i.name === opts.name);
      if (opts.entireDataset) targets = versions;
      else {
        const pick = opts.version !== undefined ? versions.find((i) => i.version === opts.version) : pickLatest(versions);
        targets = pick ? [pick] : [];
      }
      if (targets.length === 0) throw new DatasetNotFoundError(`${opts.project}/${opts.name}${opts.version ? `@${opts.version}` : ""}`);
    }
    const doomed = new Set(targets.map((t) => t.id));
    if (!opts.force) {
      for (const t of targets) {
        if (t.status === "published") throw new DatasetInUseError(t.id, [], "it is published");
        const children = all.filter((i) => !doomed.has(i.id) && i.parents.includes(t.id)).map((i) => i.id);
        if (children.length > 0) throw new DatasetInUseError(t.id, children);
      }
    }
    for (const t of targets) {
      // The pointer goes first: once it is gone, no lookup can find a half-deleted version.
      await storage.delete(keys.pointer(t.project, t.name, t.version), opts);
      const rest: string[] = [];
      for await (const key of storage.list(keys.idPrefix(t.id), opts)) rest.push(key);
      // dataset.json last, so an interrupted delete can be found and re-run by id.
      rest.sort((a, b) => (a.endsWith("/dataset.json") ? 1 : b.endsWith("/dataset.json") ? -1 : 0));
      for (const key of rest) await storage.delete(key, opts);
    }
    if (opts.deleteFiles) await FileDataset.gc(opts);
    return [...doomed];
  }

  /** Deletes content packs that no version in the store references; returns the deleted pack keys. */
  static async gc(opts: StorageOptions & { dryRun?: boolean }): Promise<string[]> {
    const { storage } = opts;
    const states: DatasetState[] = [];
    const ids = new Set<string>();
    for await (const key of storage.list("ids/", opts)) {
      const m = /^ids\/([^/]+)\/state\.json$/.exec(key);
      if (m) ids.add(m[1] as string);
    }
    for (const id of ids) states.push(await readState(storage, id, opts));
    const used = await referencedPacks(states);
    const removed: string[] = [];
    for await (const key of storage.list(keys.packsRoot, opts)) {
      const m = /\/([0-9a-f]{64})\.pack$/.exec(key);
      if (m && !used.has(m[1] as string)) removed.push(key);
    }
    if (!opts.dryRun) for (const key of removed) await storage.delete(key, opts);
    return removed.sort();
  }

  /** Renames a dataset (all its versions). */
  static async rename(opts: StorageOptions & { project: string; name: string; newName: string }): Promise<number> {
    return FileDataset.#relocate(opts, opts?.project, opts?.newName);
  }

  /** Moves a dataset (all its versions) to another project. */
  static async moveToProject(opts: StorageOptions & { project: string; name: string; newProject: string }): Promise<number> {
    return FileDataset.#relocate(opts, opts?.newProject, opts?.name);
  }

  static async #relocate(opts: StorageOptions & { project: string; name: string }, toProject: string | undefined, toName: string | undefined): Promise<number> {
    if (!opts?.storage) throw new InvalidArgumentError("[shoal] [files] rename/move needs a storage");
    if (offline.on) throw new OfflineModeError("rename/moveToProject");
    checkText(opts.project, "project");
    checkText(opts.name, "name");
    const project = checkText(toProject, "new project");
    const name = checkText(toName, "new name");
    const { storage } = opts;
    const pointers = await listPointers(storage, keys.nameDir(opts.project, opts.name), opts);
    if (pointers.length === 0) throw new DatasetNotFoundError(`${opts.project}/${opts.name}`);
    const existing = new Set((await listPointers(storage, keys.nameDir(project, name), opts)).map((p) => p.version));
    for (const p of pointers) if (existing.has(p.version)) throw new VersionExistsError(project, name, p.version);
    for (const p of pointers) {
      const id = await readPointer(storage, p.key, opts);
      if (id === undefined) continue;
      await claimVersion(storage, project, name, p.version, id, opts);
      const info = await readInfo(storage, id, opts);
      if (info) await writeJson(storage, keys.info(id), { ...info, project, name }, opts);
      await storage.delete(p.key, opts);
    }
    return pointers.length;
  }

  /**
   * A new final version with the flattened content of `ids`, applied in order with their own changes (removals
   * included). No bytes are copied: the squashed version points at the same packs.
   */
  static async squash(opts: StorageOptions & { name: string; ids: string[]; project?: string; version?: string }): Promise<FileDataset> {
    if (!opts?.storage) throw new InvalidArgumentError("[shoal] [files] squash needs a storage");
    if (offline.on) throw new OfflineModeError("squash");
    if (!Array.isArray(opts.ids) || opts.ids.length === 0) throw new InvalidArgumentError("[shoal] [files] squash needs at least one id");
    const sources: FileDataset[] = [];
    for (const id of opts.ids) {
      const ds = await FileDataset.get({ storage: opts.storage, local: opts.local, signal: opts.signal, id });
      if (!ds.isFinal()) throw new DatasetNotFinalError(id, "squash it");
      sources.push(ds);
    }
    let table = new Map<string, TableEntry>();
    const objects: DatasetState["objects"] = {};
    const packs: DatasetState["packs"] = {};
    for (const [i, ds] of sources.entries()) {
      Object.assign(objects, ds.state.objects);
      for (const [k, v] of Object.entries(ds.state.packs)) packs[k] = v;
      if (i === 0) {
        table = tableOf(ds.state);
        continue;
      }
      const base = unionTables(await ds.#parentStates(opts));
      const own = tableOf(ds.state);
      const d = diffTables(base, own);
      for (const path of d.removed) table.delete(path);
      for (const path of [...d.added, ...d.modified]) table.set(path, own.get(path) as TableEntry);
    }
    const ds = await this.create({ ...opts, project: opts.project ?? sources[0]?.project, parents: [] });
    const resolved = fromTable(table);
    const graph: Record<string, string[]> = { [ds.id]: [] };
    for (const s of sources) Object.assign(graph, s.state.graph);
    ds.state = { ...ds.state, ...resolved, objects, packs: { ...packs, [ds.id]: [] }, graph };
    await ds.finalize(opts);
    return ds;
  }

  // ---------------------------------------------------------------- editing

  #assertDraft(action: string): void {
    if (IMMUTABLE.has(this.info.status)) throw new DatasetFinalizedError(this.id, action);
  }

  #requireLocal(action: string): LocalFiles {
    if (!this.local) throw new UnsupportedError("local-files", `[shoal] [files] ${action} needs local file access: import FileDataset from @shoal/clearml-compat/node`);
    return this.local;
  }

  async #save(opts?: IOOptions): Promise<void> {
    await writeJson(this.store, keys.state(this.id), this.state, opts);
    await writeJson(this.store, keys.info(this.id), this.info, opts);
  }

  /**
   * Adds a file or a folder: hashes each file (streaming SHA-256), then records it as added or modified by path and
   * hash. Unchanged files keep their origin; content already stored (in a parent, or under another path) is never
   * uploaded again. Every path is validated before anything changes.
   */
  async addFiles(path: string, opts: AddFilesOptions = {}): Promise<AddResult> {
    this.#assertDraft("add files");
    const local = this.#requireLocal("addFiles");
    checkText(path, "path");
    const found = await this.#scanLocal(local, path, opts);
    return this.#mergeLocal(local, found, opts);
  }

  async #scanLocal(local: LocalFiles, path: string, opts: AddFilesOptions): Promise<{ entryPath: string; localPath: string }[]> {
    const abs = local.resolve(path);
    const st = await local.stat(abs);
    if (!st || st.kind === "other") throw new InvalidArgumentError(`[shoal] [files] ${path}: no such file or folder`);
    const folder = normalizeDatasetFolder(opts.datasetPath);
    const base = opts.localBaseFolder === undefined ? undefined : local.resolve(opts.localBaseFolder);
    const wildcards = asList(opts.wildcard);
    const recursive = opts.recursive ?? true;
    const relTo = (localPath: string, fallback: string): string => (base === undefined ? fallback : local.relative(base, localPath));
    const out: { entryPath: string; localPath: string }[] = [];
    if (st.kind === "file") {
      const name = baseName(abs.replace(/\\/g, "/"));
      if (!wildcards || wildcards.some((w) => globMatch(name, w))) out.push({ entryPath: joinEntryPath(folder, relTo(abs, name)), localPath: abs });
    } else {
      for await (const rel of local.walk(abs, { recursive, signal: opts.signal })) {
        if (wildcards && !wildcards.some((w) => globMatch(rel, recursive ? `**/${w}` : w))) continue;
        const localPath = local.inside(abs, rel);
        out.push({ entryPath: joinEntryPath(folder, relTo(localPath, rel)), localPath });
      }
    }
    return out;
  }

  async #mergeLocal(local: LocalFiles, found: { entryPath: string; localPath: string }[], opts: AddFilesOptions, baseFiles: FileEntry[] = this.state.files, removed = 0): Promise<AddResult> {
    const hashed: { sha256: string; size: number }[] = new Array(found.length);
    let done = 0;
    opts.onProgress?.(0, found.length);
    await pool(
      found,
      workerCount(opts.maxWorkers, 4),
      async (f, i) => {
        hashed[i] = await local.hashFile(f.localPath, { signal: opts.signal });
        opts.onProgress?.(++done, found.length);
      },
      opts.signal,
    );
    const table = tableOf({ files: baseFiles, links: this.state.links });
    const pending: DatasetState["pending"] = {};
    const changed: string[] = [];
    let added = 0;
    let modified = 0;
    for (const [i, f] of found.entries()) {
      const { sha256, size } = hashed[i] as { sha256: string; size: number };
      const cur = table.get(f.entryPath);
      const entry: FileEntry = { path: f.entryPath, sha256, size, origin: this.id };
      if (cur?.kind === "file" && cur.entry.sha256 === sha256) continue;
      if (cur?.kind === "link" && (cur.entry.sha256 ? cur.entry.sha256 === sha256 : cur.entry.size === size)) continue;
      table.set(f.entryPath, { kind: "file", entry });
      changed.push(f.entryPath);
      if (cur) modified++;
      else added++;
      if (!(sha256 in this.state.objects) && !(sha256 in this.state.pending)) pending[sha256] = { localPath: f.localPath, size, segments: [] };
    }
    if (!opts.allowCaseCollisions) assertNoCaseCollision(table, changed);
    Object.assign(this.state, fromTable(table));
    Object.assign(this.state.pending, pending);
    this.state.dirty = true;
    this.state.counters.added += added;
    this.state.counters.modified += modified;
    this.state.counters.removed += removed;
    await this.#save(opts);
    return { added, modified };
  }

  /**
   * Adds external links (`s3://…` via linkResolver, `http(s)://`, `file://` or a local path): size recorded, bytes
   * not copied. A folder or prefix adds everything below it. Returns the number of links added or changed.
   */
  async addExternalFiles(
    urls: string | string[],
    opts: { wildcard?: string | string[]; datasetPath?: string | string[]; recursive?: boolean; allowCaseCollisions?: boolean; signal?: AbortSignal } = {},
  ): Promise<number> {
    this.#assertDraft("add external files");
    const list = asList(urls);
    if (!list || list.length === 0 || list.some((u) => typeof u !== "string" || u === "")) throw new InvalidArgumentError("[shoal] [files] addExternalFiles needs one or more URLs");
    const folders = Array.isArray(opts.datasetPath) ? opts.datasetPath : list.map(() => opts.datasetPath as string | undefined);
    if (folders.length !== list.length) throw new InvalidArgumentError("[shoal] [files] datasetPath list must have one entry per URL");
    const recursive = opts.recursive ?? true;
    const wildcards = asList(opts.wildcard);
    const ctx = { local: this.local, linkResolver: this.linkResolver, fetch: this.fetch, signal: opts.signal };
    const links: LinkEntry[] = [];
    for (const [i, url] of list.entries()) {
      const folder = normalizeDatasetFolder(folders[i]);
      for (const t of await listLink(url, recursive, ctx)) {
        const rel = t.rel === "" ? baseName(url.replace(/[?#].*$/, "")) : t.rel;
        if (wildcards && !matchesAnyWildcard(rel, wildcards, recursive)) continue;
        links.push({ path: joinEntryPath(folder, rel), url: t.url, size: t.size, origin: this.id });
      }
    }
    const table = tableOf(this.state);
    const changed: string[] = [];
    for (const link of links) {
      const cur = table.get(link.path);
      if (cur?.kind === "link" && cur.entry.url === link.url && cur.entry.size === link.size) continue;
      if (cur?.kind === "file" && cur.entry.size === link.size && link.sha256 === cur.entry.sha256) continue;
      table.set(link.path, { kind: "link", entry: link });
      changed.push(link.path);
    }
    if (!opts.allowCaseCollisions) assertNoCaseCollision(table, changed);
    const count = changed.length;
    Object.assign(this.state, fromTable(table));
    if (count > 0 && !this.info.tags.includes("external files")) this.info.tags.push("external files");
    this.state.dirty = true;
    await this.#save(opts);
    return count;
  }

  /**
   * Removes entries matching a wildcard (ClearML rules; `dir/` means everything under `dir`). The pattern is
   * required: pass `*` to remove everything. Links also match by URL. Returns how many entries were removed.
   */
  async removeFiles(datasetPath: string, opts: { recursive?: boolean; signal?: AbortSignal } = {}): Promise<number> {
    this.#assertDraft("remove files");
    checkText(datasetPath, "removeFiles pattern");
    const pattern = datasetPath.replace(/\\/g, "/").replace(/^\/+/, "");
    const recursive = opts.recursive ?? true;
    const before = this.state.files.length + this.state.links.length;
    const files = this.state.files.filter((f) => !matchesAnyWildcard(f.path, pattern, recursive));
    const links = this.state.links.filter((l) => l.url !== datasetPath && !matchesAnyWildcard(l.path, pattern, recursive) && !matchesAnyWildcard(l.url, pattern, recursive));
    const removed = before - files.length - links.length;
    if (removed === 0) return 0;
    this.state.files = files;
    this.state.links = links;
    this.state.counters.removed += removed;
    await this.#save(opts);
    return removed;
  }

  /** Makes `datasetPath` mirror a local folder: removes entries missing locally, then adds new and changed files. */
  async syncFolder(
    localPath: string,
    opts: { datasetPath?: string; maxWorkers?: number; allowCaseCollisions?: boolean; onProgress?: Progress; signal?: AbortSignal } = {},
  ): Promise<{ removed: number; added: number; modified: number }> {
    this.#assertDraft("sync a folder");
    const local = this.#requireLocal("syncFolder");
    checkText(localPath, "localPath");
    const folder = normalizeDatasetFolder(opts.datasetPath);
    const prefix = folder === "" ? "" : `${folder}/`;
    const found = await this.#scanLocal(local, localPath, { datasetPath: folder, recursive: true, signal: opts.signal });
    const present = new Set(found.map((f) => f.entryPath));
    // Removals are applied together with the additions, so a refused sync leaves the draft as it was.
    const kept = this.state.files.filter((f) => !f.path.startsWith(prefix) || present.has(f.path));
    const removed = this.state.files.length - kept.length;
    const { added, modified } = await this.#mergeLocal(local, found, { ...opts, datasetPath: undefined }, kept, removed);
    return { removed, added, modified };
  }

  /** Packs and uploads pending content (resumable; see UploadOptions). Clears isDirty(). */
  async upload(opts: UploadOptions = {}): Promise<{ packs: number; bytes: number }> {
    this.#assertDraft("upload");
    const result = await uploadPending({ store: this.store, state: this.state, local: this.local, save: () => this.#save(opts) }, opts);
    if (result.packs === 0 || this.state.dirty) {
      this.state.dirty = false;
      await this.#save(opts);
    }
    return result;
  }

  /** Freezes the version. Refuses with PendingUploadsError while dirty unless `autoUpload`. */
  async finalize(opts: { autoUpload?: boolean; uploadOptions?: UploadOptions; signal?: AbortSignal } = {}): Promise<void> {
    this.#assertDraft("finalize");
    if (offline.on || this.id.startsWith("offline-")) throw new OfflineModeError("finalize");
    if (this.isDirty()) {
      if (!opts.autoUpload) throw new PendingUploadsError(this.id, Object.keys(this.state.pending).length);
      await this.upload({ ...opts.uploadOptions, signal: opts.signal });
    }
    const used = new Set(this.state.files.map((f) => f.sha256));
    for (const h of used) if (!(h in this.state.objects)) throw new CorruptContentError(keys.state(this.id), `content ${h} has no stored location`);
    this.state.objects = Object.fromEntries(Object.entries(this.state.objects).filter(([h]) => used.has(h)));
    this.state.pending = {};
    const liveGraph = prunedGraph(this.state);
    this.state.graph = liveGraph;
    this.state.packs = Object.fromEntries(Object.entries(this.state.packs).filter(([v]) => v in liveGraph));
    // Lets a reader tell a lost description from an interrupted create (see readLiveInfo).
    this.state.final = true;
    await writeJson(this.store, keys.state(this.id), this.state, opts);
    this.info = { ...this.info, status: "final", finalized: nowIso() };
    await writeJson(this.store, keys.info(this.id), this.info, opts);
  }

  /** Marks a final version published (published versions refuse delete without force). */
  async publish(opts: IOOptions = {}): Promise<void> {
    if (!this.isFinal()) throw new DatasetNotFinalError(this.id, "publish");
    if (this.info.status === "published") return;
    this.info = { ...this.info, status: "published", published: nowIso() };
    await writeJson(this.store, keys.info(this.id), this.info, opts);
  }

  // ---------------------------------------------------------------- description, tags, metadata

  async setDescription(description: string, opts: IOOptions = {}): Promise<void> {
    if (typeof description !== "string") throw new InvalidArgumentError("[shoal] [files] description must be a string");
    this.info = { ...this.info, description };
    await writeJson(this.store, keys.info(this.id), this.info, opts);
  }

  /** Replaces the tags. */
  async setTags(tags: string[], opts: IOOptions = {}): Promise<void> {
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string")) throw new InvalidArgumentError("[shoal] [files] tags must be an array of strings");
    this.info = { ...this.info, tags: [...new Set(tags)] };
    await writeJson(this.store, keys.info(this.id), this.info, opts);
  }

  async addTags(tags: string[], opts: IOOptions = {}): Promise<void> {
    if (!Array.isArray(tags)) throw new InvalidArgumentError("[shoal] [files] tags must be an array of strings");
    await this.setTags([...this.info.tags, ...tags], opts);
  }

  /**
   * Attaches metadata: any JSON value, or a table (array of row objects) stored as CSV with `{format: "csv"}`.
   * Allowed on final versions too: it does not change the content.
   */
  async setMetadata(value: unknown, name = "metadata", opts: IOOptions & { format?: "json" | "csv" } = {}): Promise<void> {
    checkText(name, "metadata name");
    const format = opts.format ?? "json";
    let text: string;
    if (format === "csv") text = toCsv(value as Row[]);
    else if (format === "json") {
      const json = JSON.stringify(value);
      if (json === undefined) throw new InvalidArgumentError(`[shoal] [files] metadata ${JSON.stringify(name)} is not JSON-serializable`);
      text = json;
    } else throw new InvalidArgumentError(`[shoal] [files] metadata format must be json or csv, got ${String(format)}`);
    const previous = this.info.metadata[name];
    const bytes = new TextEncoder().encode(text);
    await this.store.set(keys.metadata(this.id, name, format), bytes, opts);
    if (previous && previous.type !== format) await this.store.delete(keys.metadata(this.id, name, previous.type), opts);
    this.info = { ...this.info, metadata: { ...this.info.metadata, [name]: { type: format, sha256: sha256Hex(bytes) } } };
    await writeJson(this.store, keys.info(this.id), this.info, opts);
  }

  /** The metadata value (CSV tables come back as rows of strings), or undefined when there is none by that name. */
  async getMetadata(name = "metadata", opts: IOOptions = {}): Promise<unknown> {
    checkText(name, "metadata name");
    const entry = this.info.metadata[name];
    if (!entry) return undefined;
    const key = keys.metadata(this.id, name, entry.type);
    const bytes = await this.store.get(key, opts);
    if (!bytes) throw new CorruptContentError(key, "metadata object is missing");
    // Metadata written before its hash was recorded is read unchecked.
    if (entry.sha256 !== undefined && sha256Hex(bytes) !== entry.sha256) throw new CorruptContentError(key, `metadata does not match the SHA-256 recorded in ${keys.info(this.id)}`);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch (cause) {
      throw new CorruptContentError(key, "metadata is not valid UTF-8", { cause });
    }
    if (entry.type === "csv") return fromCsv(text);
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new CorruptContentError(key, "metadata is not valid JSON", { cause });
    }
  }

  // ---------------------------------------------------------------- reading

  /** Entry paths (files and links) matching a wildcard; `datasetId` keeps those whose content that version introduced. */
  listFiles(datasetPath?: string, opts: { recursive?: boolean; datasetId?: string } = {}): string[] {
    const recursive = opts.recursive ?? true;
    const out: string[] = [];
    for (const e of [...this.state.files, ...this.state.links]) {
      if (opts.datasetId !== undefined && e.origin !== opts.datasetId) continue;
      if (datasetPath === undefined || matchesAnyWildcard(e.path, datasetPath, recursive)) out.push(e.path);
    }
    return out.sort();
  }

  async #parentStates(opts?: IOOptions): Promise<DatasetState[]> {
    const states: DatasetState[] = [];
    for (const p of this.info.parents) {
      // A parent deleted with force is skipped (its children keep their content); a lost description is not.
      if (!(await readLiveInfo(this.store, p, { ...opts, asParentOf: this.id }))) continue;
      states.push(await readState(this.store, p, opts));
    }
    return states;
  }

  /**
   * Changes against the direct parents (later parents overriding) or against any version `datasetId`:
   * added/removed/modified by path and hash, plus renames (same content, new path).
   */
  async diff(datasetId?: string, opts: IOOptions = {}): Promise<TableDiff> {
    let base: Map<string, TableEntry>;
    if (datasetId === undefined) base = unionTables(await this.#parentStates(opts));
    else {
      checkText(datasetId, "datasetId");
      if (!/^[\w-]+$/.test(datasetId) || !(await readLiveInfo(this.store, datasetId, opts))) throw new DatasetNotFoundError(`id ${datasetId}`);
      base = tableOf(await readState(this.store, datasetId, opts));
    }
    return diffTables(base, tableOf(this.state));
  }

  async listAddedFiles(datasetId?: string, opts: IOOptions = {}): Promise<string[]> {
    return (await this.diff(datasetId, opts)).added;
  }
  async listRemovedFiles(datasetId?: string, opts: IOOptions = {}): Promise<string[]> {
    return (await this.diff(datasetId, opts)).removed;
  }
  async listModifiedFiles(datasetId?: string, opts: IOOptions = {}): Promise<string[]> {
    return (await this.diff(datasetId, opts)).modified;
  }

  /** `{versionId: [direct parent ids]}`, pruned to versions whose content is still used (ClearML semantics). */
  getDependencyGraph(): Record<string, string[]> {
    return prunedGraph(this.state);
  }

  /** Versions in the order their content is applied: oldest first, self last. */
  getDependencyOrder(): string[] {
    return applicationOrder(prunedGraph(this.state), this.id);
  }

  /** Packs ("chunks") of this version, or of every version in the graph when `includeParents` (default true). */
  getNumChunks(opts: { includeParents?: boolean } = {}): number {
    if (opts.includeParents === false) return this.state.packs[this.id]?.length ?? 0;
    return this.getDependencyOrder().reduce((n, v) => n + (this.state.packs[v]?.length ?? 0), 0);
  }

  /** The bytes of one file (no local folder needed: works in browsers). */
  async readFile(path: string, opts: IOOptions = {}): Promise<Uint8Array> {
    const entryPath = normalizeEntryPath(path);
    const entry = this.state.files.find((f) => f.path === entryPath);
    if (!entry) throw new InvalidArgumentError(`[shoal] [files] ${entryPath} is not a file of dataset ${this.id}`);
    const segments = this.state.objects[entry.sha256];
    if (!segments) {
      if (this.isFinal()) throw new CorruptContentError(keys.state(this.id), `${entryPath}: content ${entry.sha256} has no stored location`);
      throw new DatasetNotFinalError(this.id, `read ${entryPath} before it is uploaded`);
    }
    const out = new Uint8Array(entry.size);
    const hasher = createSha256();
    let at = 0;
    for await (const piece of new ContentReader(this.store, [segments], opts.signal).pieces(entry.sha256, segments)) {
      if (at + piece.length > out.length) throw new CorruptContentError(keys.state(this.id), `${entryPath} is longer than its recorded ${entry.size} bytes`);
      out.set(piece, at);
      hasher.update(piece);
      at += piece.length;
    }
    if (at !== entry.size) throw new CorruptContentError(keys.state(this.id), `${entryPath} has ${at} bytes, expected ${entry.size}`);
    const digest = hasher.digestHex();
    if (digest !== entry.sha256) throw contentMismatch(entry.sha256, segments, `${entryPath} hashes to ${digest}`);
    return out;
  }

  /** Read-only cached local copy (parents merged, later ones winning); returns its folder. Needs the /node entry. */
  async getLocalCopy(opts: LocalCopyOptions = {}): Promise<string> {
    if (offline.on) throw new OfflineModeError("getLocalCopy");
    if (!this.isFinal()) throw new DatasetNotFinalError(this.id, "get a local copy");
    return localCopy(this.#copyContext("getLocalCopy"), opts);
  }

  /** A writable copy in `target` (which must be empty unless `overwrite`); returns the folder. */
  async getMutableLocalCopy(target: string, opts: MutableCopyOptions = {}): Promise<string> {
    if (offline.on) throw new OfflineModeError("getMutableLocalCopy");
    if (!this.isFinal()) throw new DatasetNotFinalError(this.id, "get a local copy");
    checkText(target, "target folder");
    return mutableCopy(this.#copyContext("getMutableLocalCopy"), target, opts);
  }

  /** Paths whose local copy is missing or differs (by size with `skipHash`, else SHA-256). Empty means intact. */
  async verifyDatasetHash(opts: VerifyOptions = {}): Promise<string[]> {
    const folder = opts.localCopyPath ?? (await this.getLocalCopy({ signal: opts.signal }));
    return verifyCopy(this.#copyContext("verifyDatasetHash"), folder, opts);
  }

  #copyContext(action: string): Parameters<typeof localCopy>[0] {
    return { store: this.store, state: this.state, local: this.#requireLocal(action), links: { local: this.local, linkResolver: this.linkResolver, fetch: this.fetch } };
  }
}
