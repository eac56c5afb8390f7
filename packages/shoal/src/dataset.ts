/**
 * `Dataset`: tensors, groups, validated row writes, info, credentials and version control over one Store. The chunk
 * engine holds the data, @shoal/htypes validates every sample first, @shoal/vcs publishes versions.
 * @module
 */
import { InvalidArgumentError, ReadOnlyModeError, dtypeInfo, isDType, isShoalError, shapeSize } from "@shoal/core";
import type { DatasetEngine, TensorEngine, TensorSpec } from "@shoal/chunks";
import { TensorAlreadyExistsError, TensorDoesNotExistError } from "@shoal/chunks";
import { type CreateTensorOptions, type SampleInput, resolveTensorMeta } from "@shoal/htypes";
import type { Store } from "@shoal/storage";
import { EmptyCommitError, type CommitDetails, type DiffResult, type FixReport, type VersionControl, diffAsDict, formatDiff, formatLog, isEmptyChangeSet } from "@shoal/vcs";
import { type DatasetChangeLog, changeLogFrom, changeSetOf, emptyChangeLog, logRename } from "./changes.ts";
import { openEngineAt, writeManifest } from "./engine.ts";
import { type EmptyOptions, type OpenCommonOptions, copyKeys, emptyIn, loadFrom, resolveStore } from "./open.ts";
import { CredsKeyError, DatasetDeleteError, SampleAppendError, TensorGroupAlreadyExistsError, TensorGroupDoesNotExistError } from "./errors.ts";
import { resolveIndex } from "./indexing.ts";
import { Info } from "./info.ts";
import { type MergeOptions, executeMerge } from "./merge.ts";
import { type ExtendRowsOptions, checkProgress, extendRows, updateRows, visibleTensor } from "./rows.ts";
import { encodingFor } from "./samples.ts";
import { type Settings, writeSettings } from "./settings.ts";
import { rememberCheckedOutBranch } from "./checked-out.ts";
import { type SummaryRow, formatSummary } from "./summary.ts";
import {
  type FilterFunction, type QueryOptions, type RandomSplitOptions, type SampleByOptions, type SaveViewOptions,
  type TensorSource, View, type ViewHost, type ViewRecord, deleteView, getView, getViews,
  loadView, query as queryRows, randomSplit as splitRows, sampleBy as sampleRows, saveView,
} from "@shoal/views";
import { type DataLoader, type DataLoaderOptions, dataloader } from "@shoal/loader";
import { DatasetSource, MaxLengthSource, StoreViewStore, optimizedStore } from "./views.ts";
import { storedValue } from "./rows.ts";
import { Tensor, type TensorHost } from "./tensor.ts";
import { DatasetView, ViewEntry } from "./dataset-view.ts";
import { CommitSource } from "./commit-source.ts";
import type { Transform } from "@shoal/compute";
import { type ParallelFilterOptions, type WorkerOptions, checkWorkers, eachConcurrent, filterWith } from "./parallel.ts";
import type { WriteLock } from "./write-lock.ts";
import { type Visualization, type VisualizeOptions, visualizeDataset } from "./visualize.ts";

/** Options of `createTensor`: the htype options of @shoal/htypes plus the engine's hidden-tensor switches. */
export interface CreateTensorOpts extends Omit<CreateTensorOptions, "name"> {
  /** Return the existing tensor instead of failing when it exists. */
  existOk?: boolean;
  /** Hidden `_<t>_shape` tensor (default true for array tensors): shape queries without reading data. */
  createShapeTensor?: boolean;
  /** Hidden `_<t>_id` tensor of stable sample ids (default true): diff and merge match samples by it. */
  createIdTensor?: boolean;
  /** Hidden `_<t>_info` json tensor (default false). */
  createSampleInfoTensor?: boolean;
}

export interface DatasetInit {
  store: Store;
  /** The store the engine writes through (create-only emulated under a user lock on stores without it). */
  engineStore: Store;
  path: string | null;
  engine: DatasetEngine;
  vc: VersionControl;
  readOnly: boolean;
  writeLock: WriteLock | null;
  settings: Settings;
  /** Dataset-level changes of the flushed, uncommitted head (from `vc.headChanges()`). */
  changeLog?: DatasetChangeLog;
}

const LARGE_BYTES = 1e9;

/** Type check of a tensor name argument (its syntax is checked by the engine). */
function assertNameType(name: unknown, what: string): asserts name is string {
  if (typeof name !== "string") throw new InvalidArgumentError(`[shoal] ${what}: a tensor name must be a string, got ${JSON.stringify(name) ?? typeof name}`);
}

/** A group path: '/'-separated segments without surrounding spaces, '.' or '..'. */
function assertGroupName(name: unknown, what: string): asserts name is string {
  if (typeof name !== "string" || !/^[^/\s][^/]*(\/[^/\s][^/]*)*$/.test(name) || /[\\\0]/.test(name) || name.split("/").some((s) => s === "." || s === ".." || s.trim() !== s)) {
    throw new InvalidArgumentError(`[shoal] ${what}: invalid group name ${JSON.stringify(name) ?? typeof name}`);
  }
}

function assertQueryString(tql: unknown): void {
  if (typeof tql !== "string") throw new InvalidArgumentError(`[shoal] query takes a TQL string, got ${tql === null ? "null" : typeof tql}`);
}

/** Whether two dataset paths are the same location or one lies inside the other (copying would delete the source). */
function overlaps(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  const norm = (p: string) => p.replace(/^file:\/\//, "").replace(/\/+$/, "");
  const x = norm(a);
  const y = norm(b);
  return x === y || x.startsWith(`${y}/`) || y.startsWith(`${x}/`);
}

export class Dataset implements TensorHost {
  #store: Store;
  #engineStore: Store;
  #path: string | null;
  #engine: DatasetEngine;
  #vc: VersionControl;
  #readOnly: boolean;
  #writeLock: WriteLock | null;
  #settings: Settings;
  #settingsDirty = false;
  #log: DatasetChangeLog = emptyChangeLog();
  #creds = new Map<string, Record<string, unknown> | null>();
  #closed = false;
  /** Set by every write since the last commit, reset, or checkout (unflushed work counts as head changes). */
  #dirty = false;
  /** Bumped by every write and every change of version, so views made before it know they are stale. */
  #writes = 0;
  readonly #source = new DatasetSource(() => this.#engine, () => String(this.#writes));
  /** Read-only engines of the commits saved views were loaded at, opened once per commit. */
  #commitSources = new Map<string, Promise<CommitSource>>();

  /** Use `empty()`, `load()` or `dataset()`. */
  constructor(init: DatasetInit) {
    this.#store = init.store;
    this.#engineStore = init.engineStore;
    this.#path = init.path;
    this.#engine = init.engine;
    this.#vc = init.vc;
    this.#readOnly = init.readOnly;
    this.#writeLock = init.writeLock;
    this.#settings = init.settings;
    if (init.changeLog) this.#log = init.changeLog;
    for (const k of init.settings.credsKeys) this.#creds.set(k.name, null);
  }

  // ---------- state ----------

  get path(): string | null {
    return this.#path;
  }
  get store(): Store {
    return this.#store;
  }
  /** The chunk engine (for tools and the views/loader integration). */
  get engine(): DatasetEngine {
    return this.#engine;
  }
  get readOnly(): boolean {
    return this.#readOnly;
  }
  /** True after close() or delete(): the object can no longer be used. */
  get closed(): boolean {
    return this.#closed;
  }
  /** Rows: the shortest visible tensor's length (Deep Lake's `len(ds)`). */
  get numSamples(): number {
    return this.#engine.length;
  }
  get length(): number {
    return this.#engine.length;
  }
  get minLen(): number {
    return this.#engine.length;
  }
  get maxLen(): number {
    let max = 0;
    for (const n of this.#engine.tensorNames()) max = Math.max(max, this.#engine.tensor(n).length);
    return max;
  }
  get info(): Info {
    return new Info(() => this.#engine.info, (next) => {
      this.#beginWrite("info");
      this.#engine.setInfo(next);
      this.#log.infoUpdated = true;
    });
  }
  get allowDelete(): boolean {
    return this.#settings.allowDelete;
  }
  /** Persisted (settings.json) at the next flush. */
  set allowDelete(value: boolean) {
    this.#assertWritable("allowDelete");
    if (typeof value !== "boolean") throw new InvalidArgumentError(`[shoal] allowDelete must be true or false, got ${JSON.stringify(value) ?? String(value)}`);
    this.#settings.allowDelete = value;
    this.#settingsDirty = true;
  }

  #assertWritable(what: string): void {
    if (this.#closed) throw new ReadOnlyModeError(`${what}: the dataset (closed or deleted)`);
    if (this.#readOnly) throw new ReadOnlyModeError(`${what}: the dataset (opened with readOnly)`);
  }

  /** Guards a write and records that the head now differs from its commit. */
  #beginWrite(what: string): void {
    this.#assertWritable(what);
    this.#dirty = true;
    this.#writes++;
  }

  /** Runs a write that may reject its input: on failure the head-changes flag is restored with the data. */
  async #guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const was = this.#dirty;
    this.#beginWrite(what);
    const writes = this.#writes;
    try {
      return await fn();
    } catch (e) {
      // A rejected write changed nothing, so views made before it stay valid.
      this.#dirty = was;
      if (this.#writes === writes) this.#writes--;
      throw e;
    }
  }

  /** The synchronous form of #guarded, for schema changes. */
  #guardedSync<T>(what: string, fn: () => T): T {
    const was = this.#dirty;
    this.#beginWrite(what);
    const writes = this.#writes;
    try {
      return fn();
    } catch (e) {
      this.#dirty = was;
      if (this.#writes === writes) this.#writes--;
      throw e;
    }
  }

  // ---------- tensors and groups ----------

  /** Visible tensor names (hidden id/shape/info tensors excluded), group paths joined with '/'. */
  tensorNames(): string[] {
    return [...this.#engine.tensorNames()];
  }
  get tensors(): Record<string, Tensor> {
    return Object.fromEntries(this.tensorNames().map((n) => [n, new Tensor(this, n)]));
  }
  /** Every group path, parents included. */
  get groups(): string[] {
    return [...this.#engine.groups];
  }
  tensor(name: string): Tensor {
    visibleTensor(this.#engine, name);
    return new Tensor(this, name);
  }
  hasTensor(name: string): boolean {
    return this.#engine.has(name) && !this.#engine.tensor(name).tensorMeta.hidden;
  }

  #checkFreeName(name: string): void {
    if (this.#engine.groups.includes(name)) throw new TensorGroupAlreadyExistsError(name, "a group of this name exists; a tensor cannot share it");
    const parts = name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const g = parts.slice(0, i).join("/");
      if (this.#engine.has(g)) throw new TensorAlreadyExistsError(g);
    }
  }

  /** Creates a tensor; htype options are checked by @shoal/htypes (unknown htype, compression not allowed, bad args). */
  async createTensor(name: string, opts: CreateTensorOpts = {}): Promise<Tensor> {
    this.#assertWritable(`createTensor ${JSON.stringify(name)}`);
    assertNameType(name, "createTensor");
    if (typeof opts !== "object" || opts === null || Array.isArray(opts)) throw new InvalidArgumentError(`[shoal] createTensor ${JSON.stringify(name)}: options must be an object`);
    const { existOk, createShapeTensor, createIdTensor, createSampleInfoTensor, ...htypeOpts } = opts;
    if (this.#engine.has(name)) {
      if (existOk && !this.#engine.tensor(name).tensorMeta.hidden) return new Tensor(this, name);
      throw new TensorAlreadyExistsError(name);
    }
    this.#checkFreeName(name);
    const draft = resolveTensorMeta({ ...htypeOpts, name });
    const encoding = encodingFor(draft.htype, draft.isSequence, draft.isLink);
    const schema = typeof draft.dtype === "string" && !isDType(draft.dtype) && draft.dtype !== "str" ? { schemaDtype: draft.dtype } : {};
    const spec: TensorSpec = {
      htype: draft.htype,
      dtype: isDType(draft.dtype) && encoding === "array" ? draft.dtype : null,
      encoding,
      // Sequences are stored stacked and links as JSON: per-sample codecs do not apply to them.
      sampleCompression: draft.isLink || draft.isSequence ? null : draft.sampleCompression,
      chunkCompression: draft.chunkCompression,
      maxChunkSize: draft.maxChunkSize,
      tilingThreshold: draft.tilingThreshold,
      hidden: draft.hidden,
      createIdTensor,
      createShapeTensor: createShapeTensor ?? (encoding === "array" && !draft.hidden),
      createSampleInfoTensor,
      htypeArgs: { verify: draft.verify, ...schema },
      info: draft.info,
      isSequence: draft.isSequence,
      isLink: draft.isLink,
    };
    await this.#engine.createTensor(name, spec);
    this.#dirty = true;
    return new Tensor(this, name);
  }

  /** A new empty tensor with the settings and info of `source`. */
  async createTensorLike(name: string, source: Tensor | string): Promise<Tensor> {
    return this.#guarded(`createTensorLike ${JSON.stringify(name)}`, async () => {
      assertNameType(name, "createTensorLike");
      if (typeof source !== "string" && !(source instanceof Tensor)) {
        throw new InvalidArgumentError(`[shoal] createTensorLike ${JSON.stringify(name)}: the source must be a Tensor or a tensor name`);
      }
      const src = typeof source === "string" ? this.tensor(source).meta : source.meta;
      if (this.#engine.has(name)) throw new TensorAlreadyExistsError(name);
      this.#checkFreeName(name);
      await this.#engine.createTensor(name, {
        htype: src.htype, dtype: src.dtype, encoding: src.encoding, sampleCompression: src.sampleCompression, chunkCompression: src.chunkCompression,
        maxChunkSize: src.maxChunkSize, tilingThreshold: src.tilingThreshold, hidden: src.hidden,
        createIdTensor: "id" in src.links, createShapeTensor: "shape" in src.links, createSampleInfoTensor: "info" in src.links,
        htypeArgs: src.htypeArgs, info: src.info, isSequence: src.isSequence, isLink: src.isLink,
      });
      return new Tensor(this, name);
    });
  }

  /** Creates group `name` (nested paths create their parents). */
  createGroup(name: string, opts: { existOk?: boolean } = {}): void {
    return this.#guardedSync(`createGroup ${JSON.stringify(name)}`, () => {
      assertGroupName(name, "createGroup");
      if (this.#engine.has(name)) throw new TensorGroupAlreadyExistsError(name, "a tensor of this name exists");
      if (this.#engine.groups.includes(name)) {
        if (opts.existOk) return;
        throw new TensorGroupAlreadyExistsError(name, "already exists (pass existOk)");
      }
      const parts = name.split("/");
      for (let i = 1; i <= parts.length; i++) {
        const g = parts.slice(0, i).join("/");
        if (this.#engine.has(g)) throw new TensorGroupAlreadyExistsError(g, "a tensor of this name exists");
      }
      for (let i = 1; i <= parts.length; i++) {
        const g = parts.slice(0, i).join("/");
        if (!this.#engine.groups.includes(g)) this.#engine.groups.push(g);
      }
    });
  }

  #approxBytes(t: TensorEngine): number {
    const m = t.tensorMeta;
    const item = m.dtype ? dtypeInfo(m.dtype).itemSize : 1;
    return t.length * shapeSize(t.maxShape.length ? t.maxShape : [1]) * item;
  }

  #checkLarge(what: string, bytes: number, largeOk: boolean | undefined): void {
    if (bytes > LARGE_BYTES && !largeOk) throw new DatasetDeleteError(`[shoal] ${what} holds about ${(bytes / 1e9).toFixed(1)} GB; pass { largeOk: true } to delete it`);
  }

  /** Removes a tensor from this version (older versions keep their data). */
  deleteTensor(name: string, opts: { largeOk?: boolean } = {}): void {
    this.#assertWritable(`deleteTensor ${JSON.stringify(name)}`);
    const t = visibleTensor(this.#engine, name);
    this.#checkLarge(`tensor ${JSON.stringify(name)}`, this.#approxBytes(t), opts.largeOk);
    const entry = this.#engine.manifest?.tensors[name];
    const createdSinceCommit = !entry || entry.changes.created;
    this.#engine.deleteTensor(name);
    this.#dirty = true;
    const origin = Object.entries(this.#log.renamed).find(([, v]) => v === name)?.[0];
    if (origin !== undefined) delete this.#log.renamed[origin];
    if (!createdSinceCommit || origin !== undefined) this.#log.deleted.push(origin ?? name);
  }

  #groupTensors(name: string): string[] {
    return this.#engine.tensorNames().filter((t) => t.startsWith(`${name}/`));
  }

  deleteGroup(name: string, opts: { largeOk?: boolean } = {}): void {
    return this.#guardedSync(`deleteGroup ${JSON.stringify(name)}`, () => {
      if (!this.#engine.groups.includes(name)) throw new TensorGroupDoesNotExistError(name);
      const members = this.#groupTensors(name);
      this.#checkLarge(`group ${JSON.stringify(name)}`, members.reduce((s, t) => s + this.#approxBytes(this.#engine.tensor(t)), 0), opts.largeOk);
      for (const t of members) this.deleteTensor(t, { largeOk: true });
      this.#engine.groups = this.#engine.groups.filter((g) => g !== name && !g.startsWith(`${name}/`));
    });
  }

  renameTensor(name: string, newName: string): Tensor {
    return this.#guardedSync(`renameTensor ${JSON.stringify(name)}`, () => {
      visibleTensor(this.#engine, name);
      assertNameType(newName, `renameTensor ${JSON.stringify(name)}`);
      if (this.#engine.has(newName)) throw new TensorAlreadyExistsError(newName);
      this.#checkFreeName(newName);
      this.#engine.renameTensor(name, newName);
      const parts = newName.split("/");
      for (let i = 1; i < parts.length; i++) {
        const g = parts.slice(0, i).join("/");
        if (!this.#engine.groups.includes(g)) this.#engine.groups.push(g);
      }
      logRename(this.#log, name, newName);
      return new Tensor(this, newName);
    });
  }

  renameGroup(name: string, newName: string): void {
    return this.#guardedSync(`renameGroup ${JSON.stringify(name)}`, () => {
      if (!this.#engine.groups.includes(name)) throw new TensorGroupDoesNotExistError(name);
      assertGroupName(newName, `renameGroup ${JSON.stringify(name)}`);
      if (this.#engine.groups.includes(newName) || this.#engine.has(newName)) throw new TensorGroupAlreadyExistsError(newName, "already exists");
      if (newName.startsWith(`${name}/`)) throw new InvalidArgumentError(`[shoal] renameGroup ${JSON.stringify(name)}: cannot move a group into itself (${JSON.stringify(newName)})`);
      const parents = newName.split("/");
      for (let i = 1; i < parents.length; i++) {
        const g = parents.slice(0, i).join("/");
        if (this.#engine.has(g)) throw new TensorGroupAlreadyExistsError(g, `a tensor of this name exists; cannot create group ${JSON.stringify(newName)} under it`);
      }
      for (const t of this.#groupTensors(name)) {
        const to = newName + t.slice(name.length);
        this.#engine.renameTensor(t, to);
        logRename(this.#log, t, to);
      }
      const moved = this.#engine.groups.map((g) => (g === name || g.startsWith(`${name}/`) ? newName + g.slice(name.length) : g));
      const parts = newName.split("/");
      for (let i = 1; i < parts.length; i++) moved.push(parts.slice(0, i).join("/"));
      this.#engine.groups = [...new Set(moved)];
    });
  }

  // ---------- rows ----------

  #checkLink = (credsKey: string | null, tensor: string, index: number): void => {
    if (credsKey !== null && credsKey !== "ENV" && !this.#creds.has(credsKey)) {
      throw new CredsKeyError(credsKey, `used by a link in tensor ${JSON.stringify(tensor)}, sample ${index}, but never added (addCredsKey)`);
    }
  };

  /** Appends one row: `{ tensor: sample }`. Atomic across tensors. */
  async append(row: Record<string, SampleInput>, opts: Omit<ExtendRowsOptions, "ignoreErrors" | "onProgress"> = {}): Promise<void> {
    if (typeof row !== "object" || row === null || Array.isArray(row)) throw new InvalidArgumentError("[shoal] append takes a { tensor: sample } object");
    // A key whose value is undefined stays undefined: extend treats it as a missing tensor (skipOk / appendEmpty).
    await this.extend(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === undefined ? undefined : [v]])) as Record<string, SampleInput[]>, opts);
  }

  /**
   * Appends rows: `{ tensor: samples[] }`, equal lengths. If a sample is rejected no tensor keeps any part of the
   * call (or, with `ignoreErrors`, that row is skipped everywhere and its position returned in `skipped`).
   */
  async extend(columns: Record<string, readonly SampleInput[]>, opts: ExtendRowsOptions = {}): Promise<{ skipped: number[] }> {
    if (typeof columns !== "object" || columns === null || Array.isArray(columns)) throw new InvalidArgumentError("[shoal] extend takes a { tensor: samples[] } object");
    return this.#guarded("extend", () => extendRows(this.#engine, columns, opts, this.#checkLink));
  }

  /** Replaces row `index` in the given tensors: `update(3, { labels: 1 })`. */
  async update(index: number, row: Record<string, SampleInput>): Promise<void> {
    this.#assertWritable("update");
    if (typeof row !== "object" || row === null || Array.isArray(row)) throw new InvalidArgumentError(`[shoal] update of row ${String(index)} takes a { tensor: sample } object`);
    // Keys whose value is undefined are left alone, as missing ones are.
    const given = Object.entries(row).filter(([, v]) => v !== undefined);
    if (given.length === 0) throw new SampleAppendError(`[shoal] update of row ${String(index)}: no tensors given`);
    const updates: Record<string, { indices: number[]; samples: SampleInput[] }> = {};
    for (const [name, sample] of given) {
      const t = visibleTensor(this.#engine, name);
      updates[name] = { indices: [resolveIndex(index, t.length, name)], samples: [sample] };
    }
    await this.#guarded("update", () => updateRows(this.#engine, updates, this.#checkLink));
  }

  /** Removes row `index` (default: the last row) from every tensor that has it. */
  async pop(index?: number): Promise<void> {
    return this.#guarded("pop", async () => {
      const i = index === undefined ? this.maxLen - 1 : resolveIndex(index, this.maxLen, "dataset");
      if (i < 0) throw new InvalidArgumentError("[shoal] pop: the dataset is empty");
      for (const n of this.#engine.tensorNames()) {
        const t = this.#engine.tensor(n);
        if (t.length > i) await t.pop(i);
      }
    });
  }

  /** Rewrites the chunks of `tensors` (default: every tensor) at their target size, after many small flushes or updates. */
  /** `numWorkers` tensors are rewritten at once (their chunk reads and writes overlap). */
  async rechunk(tensors?: string | readonly string[], opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal; numWorkers?: number } = {}): Promise<void> {
    if (tensors !== undefined && typeof tensors !== "string" && !Array.isArray(tensors)) {
      throw new InvalidArgumentError("[shoal] rechunk takes a tensor name or a list of them");
    }
    checkProgress(opts.onProgress, "rechunk");
    const lanes = checkWorkers(opts.numWorkers, "rechunk");
    const names = tensors === undefined ? this.tensorNames() : typeof tensors === "string" ? [tensors] : [...tensors];
    await this.#guarded("rechunk", async () => {
      const list = names.map((n) => visibleTensor(this.#engine, n));
      let done = 0;
      await eachConcurrent(list, lanes, async (t) => {
        await t.rechunk({ signal: opts.signal });
        opts.onProgress?.(++done, list.length);
      });
    });
  }

  // ---------- TensorHost ----------

  engineTensor(name: string): TensorEngine {
    if (!this.#engine.has(name)) throw new TensorDoesNotExistError(name);
    return this.#engine.tensor(name);
  }
  async extendTensor(name: string, samples: readonly SampleInput[], opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal }): Promise<void> {
    await this.#guarded(`extend of tensor ${JSON.stringify(name)}`, () => extendRows(this.#engine, { [name]: samples }, { ...opts, skipOk: true }, this.#checkLink));
  }
  async updateTensor(name: string, indices: readonly number[], samples: readonly SampleInput[]): Promise<void> {
    await this.#guarded(`update of tensor ${JSON.stringify(name)}`, () => updateRows(this.#engine, { [name]: { indices, samples } }, this.#checkLink));
  }
  async popTensor(name: string, index: number | undefined): Promise<void> {
    return this.#guarded(`pop of tensor ${JSON.stringify(name)}`, async () => {
      await visibleTensor(this.#engine, name).pop(index);
    });
  }
  setTensorInfo(name: string, info: Record<string, unknown>): void {
    this.#beginWrite(`info of tensor ${JSON.stringify(name)}`);
    const t = this.engineTensor(name);
    t.tensorMeta.info = structuredClone(info);
    t.touchMeta("info");
  }

  // ---------- reads and views ----------

  /** Rows `[start:stop:step]` (or the rows at the given indices) as a lazy DatasetView. */
  slice(start?: number | readonly number[] | null, stop?: number | null, step?: number | null): DatasetView {
    return new DatasetView(this, this.view()).slice(start, stop, step);
  }
  /** Row `index` as a one-row view. */
  at(index: number): DatasetView {
    return new DatasetView(this, this.view().at(index));
  }
  /** The first `minLen` rows of every tensor. */
  minView(): DatasetView {
    return new DatasetView(this, this.view());
  }
  /** `maxLen` rows: each tensor shows the rows it has (Deep Lake pads shorter tensors with None). */
  maxView(): DatasetView {
    return new DatasetView(this, new View(new MaxLengthSource(this.#source, () => this.maxLen)), true);
  }

  summaryRows(): SummaryRow[] {
    return this.tensorNames().map((n) => {
      const t = new Tensor(this, n);
      const m = t.meta;
      return { tensor: n, htype: t.htype, shape: t.shape, dtype: m.dtype, compression: m.sampleCompression ?? m.chunkCompression };
    });
  }
  /** A printable table of the tensors (Deep Lake's `ds.summary()`). */
  summary(): string {
    return formatSummary(this.toString(), this.summaryRows());
  }

  /** Approximate uncompressed bytes of all visible tensors, from the shape index (no data is read). */
  async sizeApprox(opts?: { signal?: AbortSignal }): Promise<number> {
    let total = 0;
    for (const n of this.#engine.tensorNames()) {
      const t = this.#engine.tensor(n);
      const shapeName = t.tensorMeta.links.shape;
      const item = t.tensorMeta.dtype ? dtypeInfo(t.tensorMeta.dtype).itemSize : 1;
      if (shapeName && this.#engine.has(shapeName) && t.length > 0) {
        const shapes = await this.#engine.tensor(shapeName).readRange(0, Math.min(t.length, this.#engine.tensor(shapeName).length), opts);
        for (const s of shapes) {
          const dims = Array.from((s as { data: ArrayLike<number> }).data, Number);
          // An empty shape row of a tensor of rank > 0 is an empty sample stored before the rank was known.
          if (dims.length > 0 || t.ndim === 0) total += shapeSize(dims) * item;
        }
      } else total += this.#approxBytes(t);
    }
    return total;
  }

  toString(): string {
    return `Dataset(path=${JSON.stringify(this.#path ?? "(store)")}, ${this.#readOnly ? "read_only=True, " : ""}tensors=[${this.tensorNames().map((n) => `'${n}'`).join(", ")}])`;
  }

  // ---------- persistence ----------

  /** Writes pending samples and publishes the working state (survives reopen; not a commit). */
  async flush(opts?: { signal?: AbortSignal }): Promise<void> {
    if (this.#readOnly || this.#closed) return;
    const manifest = await writeManifest(this.#engine, { signal: opts?.signal });
    if (manifest.id !== this.#vc.manifest) await this.#vc.flush(manifest.id, await changeSetOf(this.#engine, manifest, this.#log, opts?.signal), opts);
    if (this.#settingsDirty) {
      await writeSettings(this.#store, this.#settings, opts?.signal);
      this.#settingsDirty = false;
    }
    await this.#writeLock?.refresh(opts?.signal);
  }

  clearCache(): void {
    this.#engine.clearCache();
    for (const pending of this.#commitSources.values()) void pending.then((s) => s.engine.clearCache(), () => undefined);
    this.#commitSources.clear();
  }

  /**
   * Deep Lake's `ds.visualize()`: starts the viewer (`@shoal/viewer`, an optional peer) on this dataset, in-memory
   * ones included, after flushing pending writes so the page sees them; prints the URL unless `quiet`. Node, Bun and
   * Deno. Stop it with the result's close().
   */
  visualize(opts: VisualizeOptions = {}): Promise<Visualization> {
    return visualizeDataset(this, opts);
  }

  /**
   * Flushes and releases the write lock; the object is unusable afterwards. When the flush fails because another
   * writer published the branch first (ConcurrentWriteError), the session ends anyway and the error is rethrown: its
   * work can never be published on the head it started from, and keeping the lock would block every other writer.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } catch (e) {
      if (!isShoalError(e, "ConcurrentWriteError")) throw e;
      await this.#end();
      throw e;
    }
    await this.#end();
  }

  async #end(): Promise<void> {
    await this.#writeLock?.release();
    this.#closed = true;
    this.#readOnly = true;
  }

  /** Deletes every key of the dataset. Refused when `allowDelete` is false, or above 1 GB without `largeOk`. */
  async delete(opts: { largeOk?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    this.#assertWritable("delete");
    if (!this.#settings.allowDelete) throw new DatasetDeleteError("[shoal] this dataset has allowDelete = false; set it to true first");
    this.#checkLarge("the dataset", await this.sizeApprox(opts), opts.largeOk);
    const all: string[] = [];
    for await (const k of this.#store.list("", opts)) all.push(k);
    for (const k of all) await this.#store.delete(k, opts);
    this.#closed = true;
    this.#readOnly = true;
  }

  // ---------- credentials (memory only) ----------

  addCredsKey(credsKey: string, opts: { managed?: boolean } = {}): void {
    this.#assertWritable("addCredsKey");
    if (typeof credsKey !== "string" || credsKey === "") throw new InvalidArgumentError("[shoal] addCredsKey: the key must be a non-empty string");
    if (this.#creds.has(credsKey)) throw new CredsKeyError(credsKey, "already added");
    if (opts.managed !== undefined && typeof opts.managed !== "boolean") throw new InvalidArgumentError(`[shoal] addCredsKey ${JSON.stringify(credsKey)}: managed must be a boolean`);
    this.#creds.set(credsKey, null);
    this.#settings.credsKeys.push({ name: credsKey, managed: opts.managed === true });
    this.#settingsDirty = true;
  }
  /** Sets the credentials of a key, in memory only: they are never written to the store. */
  populateCreds(credsKey: string, creds: Record<string, unknown>): void {
    if (!this.#creds.has(credsKey)) throw new CredsKeyError(credsKey, "not added (addCredsKey first)");
    if (typeof creds !== "object" || creds === null) throw new InvalidArgumentError("[shoal] populateCreds: creds must be an object");
    this.#creds.set(credsKey, { ...creds });
  }
  updateCredsKey(credsKey: string, newCredsKey?: string, opts: { managed?: boolean } = {}): void {
    this.#assertWritable("updateCredsKey");
    if (!this.#creds.has(credsKey)) throw new CredsKeyError(credsKey, "not added");
    if (newCredsKey !== undefined && (typeof newCredsKey !== "string" || newCredsKey === "")) {
      throw new InvalidArgumentError(`[shoal] updateCredsKey ${JSON.stringify(credsKey)}: the new key must be a non-empty string, got ${JSON.stringify(newCredsKey)}`);
    }
    if (opts.managed !== undefined && typeof opts.managed !== "boolean") throw new InvalidArgumentError(`[shoal] updateCredsKey ${JSON.stringify(credsKey)}: managed must be a boolean`);
    const entry = this.#settings.credsKeys.find((k) => k.name === credsKey)!;
    if (newCredsKey !== undefined && newCredsKey !== credsKey) {
      if (this.#creds.has(newCredsKey)) throw new CredsKeyError(newCredsKey, "already added");
      this.#creds.set(newCredsKey, this.#creds.get(credsKey) ?? null);
      this.#creds.delete(credsKey);
      entry.name = newCredsKey;
    }
    if (opts.managed !== undefined) entry.managed = opts.managed;
    this.#settingsDirty = true;
  }
  getCredsKeys(): Set<string> {
    return new Set(this.#creds.keys());
  }
  getManagedCredsKeys(): Set<string> {
    return new Set(this.#settings.credsKeys.filter((k) => k.managed).map((k) => k.name));
  }
  /** The credentials populated for a key (undefined when none). */
  getCreds(credsKey: string): Record<string, unknown> | undefined {
    const c = this.#creds.get(credsKey);
    return c ? { ...c } : undefined;
  }

  // ---------- views, queries, loader ----------

  /** Always false: a Dataset is the whole dataset (slices and query results are views). */
  get isView(): boolean {
    return false;
  }
  /** This dataset as a @shoal/views TensorSource (what views, queries and the loader read). */
  get source(): TensorSource {
    return this.#source;
  }
  /** The whole dataset as a @shoal/views View. */
  view(): View {
    return new View(this.#source);
  }
  /**
   * Rows for which `predicate` holds: a function of the row, a TQL WHERE expression, or a compute function called
   * with its arguments (`isCat("cat")`), which runs on `numWorkers` threads or processes.
   */
  async filter(predicate: FilterFunction | string | Transform, opts?: ParallelFilterOptions): Promise<DatasetView> {
    return new DatasetView(this, await filterWith(this.#source, predicate, opts));
  }
  /** Runs a TQL query (`select * where labels == 'cat' order by ...`). */
  async query(tql: string, opts?: QueryOptions): Promise<DatasetView> {
    assertQueryString(tql);
    return new DatasetView(this, await queryRows(this.#source, tql, opts));
  }
  /** Rows drawn with probability proportional to `weights` (numbers per row, or a TQL weight expression). */
  async sampleBy(weights: ArrayLike<number> | string, opts?: SampleByOptions): Promise<DatasetView> {
    return new DatasetView(this, await sampleRows(this.#source, weights, opts));
  }
  /** Splits the rows at random by fractions (summing to 1) or counts. */
  async randomSplit(lengths: readonly number[], opts?: RandomSplitOptions): Promise<DatasetView[]> {
    return (await splitRows(this.#source, lengths, opts)).map((v) => new DatasetView(this, v));
  }

  /**
   * The dataset as of `commitId`, read-only. Never the live head, even when it is at that commit: a loaded view
   * must keep reading the commit's data after later writes, commits or checkouts.
   */
  async #sourceAt(commitId: string, opts?: { signal?: AbortSignal }): Promise<CommitSource> {
    let pending = this.#commitSources.get(commitId);
    if (!pending) {
      pending = (async () => {
        const details = await this.#vc.getCommitDetails(commitId, opts);
        return new CommitSource(commitId, await openEngineAt(this.#engineStore, details.manifest, true, opts?.signal));
      })();
      this.#commitSources.set(commitId, pending);
      // A failed open (aborted, unreachable) must not be remembered for the next caller.
      pending.catch(() => {
        if (this.#commitSources.get(commitId) === pending) this.#commitSources.delete(commitId);
      });
    }
    return pending;
  }

  /** `pinned`: saving a view of a loaded saved view, whose rows belong to that view's commit, not to HEAD. */
  #viewHost(pinned?: CommitSource): ViewHost {
    return {
      store: new StoreViewStore(this.#store),
      commitId: () => {
        if (pinned) return pinned.commitId;
        const id = this.#vc.commitId;
        if (id === undefined) throw new InvalidArgumentError("[shoal] saveView: the dataset has no commit yet; commit first");
        return id;
      },
      hasUncommittedChanges: () => (pinned ? false : this.hasHeadChanges),
      sourceAt: (commitId, opts) => this.#sourceAt(commitId, opts),
      materialize: (record, view, opts) => this.#materialize(record, view, opts?.signal, (opts as WorkerOptions | undefined)?.numWorkers),
    };
  }

  /** Copies a view's rows into a standalone dataset under `views/<id>/data/` (rechunked, committed). */
  /** `numWorkers` tensors are copied at once: the reads of one overlap the writes of another. */
  async #materialize(record: ViewRecord, view: View, signal?: AbortSignal, numWorkers?: number): Promise<{ path: string }> {
    this.#assertWritable(`optimize of view ${JSON.stringify(record.id)}`);
    const lanes = checkWorkers(numWorkers, `optimize of view ${JSON.stringify(record.id)}`);
    const { store, path } = optimizedStore(this.#store, record.id);
    const out = await emptyIn(store, path, { overwrite: true, lockEnabled: false, signal });
    const rows = view.sampleIndices;
    const source = view.source as TensorSource;
    const names = view.tensorNames();
    const targets: TensorEngine[] = [];
    for (const name of names) {
      const m = (source.tensor(name) as TensorEngine).tensorMeta;
      targets.push(await out.#engine.createTensor(name, {
        htype: m.htype, dtype: m.dtype, encoding: m.encoding, sampleCompression: m.sampleCompression, chunkCompression: m.chunkCompression,
        maxChunkSize: m.maxChunkSize, tilingThreshold: m.tilingThreshold, htypeArgs: m.htypeArgs, info: m.info, isSequence: m.isSequence, isLink: m.isLink,
      }));
    }
    await eachConcurrent(names, lanes, async (name, k) => {
      const src = source.tensor(name) as TensorEngine;
      const values: unknown[] = [];
      if (view.subSampleIndex.length === 0) for (const r of rows) values.push(await storedValue(src, r));
      else values.push(...(await view.tensor(name).readMany(Array.from({ length: view.length }, (_, i) => i), { signal })));
      await targets[k]!.extend(values as never, { signal });
    });
    await out.commit(`optimized view ${record.id}`, { allowEmpty: true, signal });
    await out.close();
    return { path };
  }

  /**
   * Saves a view (default: the whole dataset) pinned to the current commit and returns its id; refused when the
   * head has uncommitted changes or the id exists. `optimize` also copies its rows into `views/<id>/data/`.
   */
  async saveView(view?: View | DatasetView, opts: SaveViewOptions = {}): Promise<string> {
    this.#assertWritable("saveView");
    if (view !== undefined && !(view instanceof DatasetView) && !(view instanceof View)) {
      throw new InvalidArgumentError("[shoal] saveView: the view must be a DatasetView or a @shoal/views View (or omitted for the whole dataset)");
    }
    await this.flush(opts);
    const v = view instanceof DatasetView ? view.view : (view ?? this.view());
    return (await saveView(this.#viewHost(v.source instanceof CommitSource ? v.source : undefined), v, opts)).id;
  }
  async getView(id: string, opts?: { signal?: AbortSignal }): Promise<ViewEntry> {
    return new ViewEntry(this, await getView(this.#viewHost(), id, opts));
  }
  /** Saved views, or those pinned to `commitId`. */
  async getViews(commitId?: string, opts?: { signal?: AbortSignal }): Promise<ViewEntry[]> {
    if (commitId !== undefined && (typeof commitId !== "string" || commitId === "")) throw new InvalidArgumentError(`[shoal] getViews: commitId must be a non-empty string, got ${JSON.stringify(commitId)}`);
    return (await getViews(this.#viewHost(), { ...opts, commitId })).map((e) => new ViewEntry(this, e));
  }
  /** A saved view, at the commit it was saved from (`optimize` first copies its rows into their own dataset). */
  async loadView(id: string, opts?: { optimize?: boolean; signal?: AbortSignal }): Promise<DatasetView> {
    return new DatasetView(this, await loadView(this.#viewHost(), id, opts));
  }
  async deleteView(id: string, opts?: { signal?: AbortSignal }): Promise<void> {
    this.#assertWritable("deleteView");
    await deleteView(this.#viewHost(), id, opts);
  }

  /** A data loader over the dataset (chain `.batch()`, `.shuffle()`, `.transform()`… then `.numpy()`). */
  dataloader(opts?: DataLoaderOptions): DataLoader {
    return dataloader(this.#source, opts);
  }

  // ---------- version control ----------

  get branch(): string {
    return this.#vc.branch;
  }
  get commitId(): string | undefined {
    return this.#vc.commitId;
  }
  get pendingCommitId(): string {
    return this.#vc.pendingCommitId;
  }
  get isHeadNode(): boolean {
    return this.#vc.isHeadNode;
  }
  /** True when the head has uncommitted changes (flushed or not). */
  get hasHeadChanges(): boolean {
    return this.#vc.isHeadNode && (this.#vc.hasHeadChanges || this.#dirty);
  }

  /** Reopens the engine on the manifest vcs names as current. */
  async #reopen(signal?: AbortSignal): Promise<void> {
    this.#engine = await openEngineAt(this.#engineStore, this.#vc.manifest, this.#readOnly, signal);
    this.#log = changeLogFrom(await this.#vc.headChanges({ signal }));
    this.#dirty = false;
    this.#writes++;
  }

  /** Commits the current state; returns the commit id. EmptyCommitError when nothing changed (unless allowEmpty). */
  async commit(message?: string, opts: { allowEmpty?: boolean; signal?: AbortSignal } = {}): Promise<string> {
    this.#assertWritable("commit");
    if (message !== undefined && message !== null && typeof message !== "string") throw new InvalidArgumentError(`[shoal] commit: message must be a string, got ${typeof message}`);
    const manifest = await writeManifest(this.#engine, { signal: opts.signal });
    const changes = await changeSetOf(this.#engine, manifest, this.#log, opts.signal);
    if (isEmptyChangeSet(changes) && !opts.allowEmpty && this.#vc.isHeadNode) throw new EmptyCommitError(this.#vc.branch);
    // The committed manifest restarts every change marker, so the next version's markers are relative to it.
    const reset = await writeManifest(this.#engine, { resetChanges: true, baseCommit: this.#vc.pendingCommitId, force: true, signal: opts.signal });
    const id = await this.#vc.commit(message ?? null, { allowEmpty: true, manifest: reset.id, changes, signal: opts.signal });
    this.#log = emptyChangeLog();
    this.#dirty = false;
    if (this.#settingsDirty) await this.flush(opts);
    return id;
  }

  /** Commits a dirty head (as Deep Lake does before leaving it). */
  async #autoCommit(target: string, signal?: AbortSignal): Promise<void> {
    if (this.#readOnly || !this.#vc.isHeadNode) return;
    const manifest = await writeManifest(this.#engine, { signal });
    const changes = await changeSetOf(this.#engine, manifest, this.#log, signal);
    if (!isEmptyChangeSet(changes)) await this.commit(`auto commit before ${target}`, { signal });
  }

  /** Checks out a branch or commit (or creates branch `address` with `create`); returns the commit id. */
  async checkout(address: string, opts: { create?: boolean; reset?: boolean; signal?: AbortSignal } = {}): Promise<string | undefined> {
    if (this.#closed) throw new ReadOnlyModeError("checkout: the dataset (closed or deleted)");
    if (opts.create && this.#readOnly) throw new ReadOnlyModeError(`checkout of a new branch ${JSON.stringify(address)}: the dataset (opened with readOnly)`);
    await this.#autoCommit(`checkout to ${address}`, opts.signal);
    const id = await this.#vc.checkout(address, opts);
    await this.#reopen(opts.signal);
    // Only a branch head is remembered: an old commit is a read-only visit, and reopening there would hide the branch.
    if (!this.#readOnly && this.#vc.isHeadNode) await rememberCheckedOutBranch(this.#store, this.#vc.branch, opts.signal);
    return id;
  }

  /** Branch names. */
  async branches(opts?: { signal?: AbortSignal }): Promise<string[]> {
    return this.#vc.branches(opts);
  }
  async deleteBranch(name: string, opts?: { signal?: AbortSignal }): Promise<void> {
    this.#assertWritable("deleteBranch");
    await this.#vc.deleteBranch(name, opts);
  }
  /** Drops uncommitted changes (flushed or not); `force` also repairs an unreadable head. */
  async reset(opts: { force?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    this.#assertWritable("reset");
    await this.#vc.reset(opts);
    await this.#reopen(opts.signal);
  }
  /** Commits leading to the current state, newest first. */
  async commits(opts?: { signal?: AbortSignal }): Promise<CommitDetails[]> {
    return this.#vc.commits(opts);
  }
  async getCommitDetails(commitId: string, opts?: { signal?: AbortSignal }): Promise<CommitDetails> {
    return this.#vc.getCommitDetails(commitId, opts);
  }
  /** The printable commit log of the current branch. */
  async log(opts?: { signal?: AbortSignal }): Promise<string> {
    return formatLog(await this.#vc.log(opts), { branch: this.#vc.branch });
  }

  /**
   * Changes between versions (none, one or two ids; uncommitted changes count as the current state): a printable
   * text, or with `asDict` the structured `{ dataset, tensors }` result.
   */
  async diff(id1?: string, id2?: string, opts?: { asDict?: false; signal?: AbortSignal }): Promise<string>;
  async diff(id1: string | undefined, id2: string | undefined, opts: { asDict: true; signal?: AbortSignal }): Promise<ReturnType<typeof diffAsDict>>;
  async diff(id1?: string, id2?: string, opts: { asDict?: boolean; signal?: AbortSignal } = {}): Promise<string | ReturnType<typeof diffAsDict>> {
    await this.flush(opts);
    const result: DiffResult = await this.#vc.diff(id1, id2, opts);
    return opts.asDict ? diffAsDict(result) : formatDiff(result);
  }

  /** Merges a branch or commit into the current branch head, matching samples by their stable ids. */
  async merge(target: string, opts: MergeOptions & { signal?: AbortSignal } = {}): Promise<void> {
    this.#assertWritable("merge");
    await this.#autoCommit(`merge of ${target}`, opts.signal);
    const ctx = await this.#vc.prepareMerge(target, opts);
    if (ctx.upToDate) return;
    const merged = await executeMerge(this.#engine, this.#engineStore, ctx, opts);
    const manifest = await writeManifest(this.#engine, { signal: opts.signal });
    const changes = await changeSetOf(this.#engine, manifest, this.#log, opts.signal);
    for (const [name, ids] of Object.entries(merged)) if (changes.tensors?.[name]) changes.tensors[name]!.mergedIds = ids;
    const reset = await writeManifest(this.#engine, { resetChanges: true, baseCommit: this.#vc.pendingCommitId, force: true, signal: opts.signal });
    await this.#vc.commit(`Merge ${ctx.theirsBranch ?? target}`, { manifest: reset.id, changes, mergeParent: ctx.theirsCommit, allowEmpty: true, signal: opts.signal });
    this.#log = emptyChangeLog();
  }

  /** Rebuilds version information from what is stored (run with no other writer active). */
  async fixVc(opts?: { signal?: AbortSignal }): Promise<FixReport> {
    this.#assertWritable("fixVc");
    const report = await this.#vc.fixVc(opts);
    await this.#reopen(opts?.signal);
    return report;
  }

  /** @internal for DatasetView: replaces rows `indices` of several tensors at once, all or nothing. */
  async updateRowsAt(indices: readonly number[], row: Record<string, readonly SampleInput[]>): Promise<void> {
    const updates: Record<string, { indices: readonly number[]; samples: readonly SampleInput[] }> = {};
    for (const [name, samples] of Object.entries(row)) {
      if (!Array.isArray(samples) || samples.length !== indices.length) {
        throw new InvalidArgumentError(`[shoal] update of a ${indices.length}-row view needs ${indices.length} samples for tensor ${JSON.stringify(name)}`);
      }
      updates[name] = { indices, samples };
    }
    await this.#guarded("update", () => updateRows(this.#engine, updates, this.#checkLink));
  }

  /** @internal for DatasetView: whether writes are allowed. */
  assertWritableFor(what: string): void {
    this.#assertWritable(what);
  }





  /**
   * Copies the dataset, every version included, to `dest` (a path, URL or Store) and returns it opened there on
   * the current branch. Refused when `dest` holds a dataset, unless `overwrite`.
   */
  async copy(dest: string | Store, opts: EmptyOptions & { onProgress?: (done: number, total: number) => void; numWorkers?: number } = {}): Promise<Dataset> {
    checkProgress(opts.onProgress, "copy");
    checkWorkers(opts.numWorkers, "copy");
    await this.flush(opts);
    const { store, path } = await resolveStore(dest, opts);
    if (store === this.#store || overlaps(path, this.#path)) {
      throw new InvalidArgumentError(`[shoal] copy: the destination ${JSON.stringify(path ?? "store")} is this dataset's own location (or inside it, or contains it)`);
    }
    if (await store.get("shoal.json", opts)) {
      if (!opts.overwrite) throw new InvalidArgumentError(`[shoal] copy: a dataset already exists at ${JSON.stringify(path ?? "the destination")} (pass overwrite: true)`);
      const old: string[] = [];
      for await (const k of store.list("", opts)) old.push(k);
      for (const k of old) await store.delete(k, opts);
    }
    await copyKeys(this.#store, store, opts);
    return loadFrom(store, path, { ...opts, branch: this.#vc.isHeadNode ? this.#vc.branch : undefined });
  }

  /** Moves a path-based dataset to `newPath` (copy, then delete the old keys); this object follows it. */
  async rename(newPath: string, opts: OpenCommonOptions = {}): Promise<void> {
    this.#assertWritable("rename");
    if (this.#path === null) throw new InvalidArgumentError("[shoal] rename: this dataset was opened on a Store, not a path");
    const moved = await this.copy(newPath, opts);
    const old: string[] = [];
    for await (const k of this.#store.list("", opts)) old.push(k);
    for (const k of old) await this.#store.delete(k, opts);
    this.#store = moved.#store;
    this.#engineStore = moved.#engineStore;
    // Engines of loaded views read the old location's keys, which are gone.
    this.#commitSources.clear();
    this.#path = moved.#path;
    this.#vc = moved.#vc;
    this.#writeLock = moved.#writeLock;
    this.#engine = moved.#engine;
    this.#log = emptyChangeLog();
  }
}
