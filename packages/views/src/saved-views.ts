/**
 * Saved views: a view is stored as a small JSON record (id, message, commit it is pinned to, its row index in
 * compressed form, the query that produced it) through an injected `ViewStore`. Version control and dataset storage
 * live elsewhere; `ViewHost` is the seam the dataset facade fills in.
 * @module
 */
import { InvalidArgumentError, PreconditionFailedError, UnsupportedError, isShoalError } from "@shoal/core";
import { DatasetViewSavingError, ViewNotFoundError } from "./errors.ts";
import { type RowIndex, fullRange, listIndex } from "./row-index.ts";
import type { ReadOptions, TensorSource } from "./source.ts";
import type { AxisItem } from "./nd-index.ts";
import { View } from "./view.ts";
import type { AxisStages } from "./view-tensor.ts";

/** Row index in compact JSON: a single range, or runs of arithmetic progressions `[start, step, count]`. */
export type EncodedIndex = { range: [number, number, number] } | { runs: [number, number, number][] };

/** One axis item in JSON: an int, or a slice with nulls for absent bounds. */
export type EncodedAxis = number | { start: number | null; stop: number | null; step: number | null };

export function encodeAxes(stages: AxisStages): EncodedAxis[][] {
  return stages.map((stage) => stage.map((it) => (typeof it === "number" ? it : { start: it.start ?? null, stop: it.stop ?? null, step: it.step ?? null })));
}

export function decodeAxes(stages: readonly (readonly EncodedAxis[])[]): AxisItem[][] {
  return stages.map((stage) =>
    stage.map((it) => {
      const ok = typeof it === "number" ? Number.isInteger(it) : typeof it === "object" && it !== null && [it.start, it.stop, it.step].every((b) => b === null || Number.isInteger(b));
      if (!ok) throw new InvalidArgumentError(`[shoal] saved view sub-sample index holds an invalid axis item ${JSON.stringify(it)}`);
      return it;
    }),
  );
}

export interface ViewRecord {
  id: string;
  message: string;
  /** Commit the view is pinned to. */
  commitId: string;
  /** True until the view is optimised (materialised into its own copy). */
  virtual: boolean;
  createdAt: string;
  index: EncodedIndex;
  /** Tensor subset, when the view selects some tensors. */
  tensors?: string[];
  /** Inner-axis index applied inside every sample (Deep Lake's `sub-sample-index`), one list per indexing stage. */
  subSampleIndex?: EncodedAxis[][];
  /** TQL or filter text that produced the view. */
  query?: string;
  /** Where the optimised copy lives (set by `optimize()`). */
  path?: string;
}

/** Persistence of view records, e.g. `queries.json` in the dataset's store. */
export interface ViewStore {
  list(opts?: ReadOptions): Promise<ViewRecord[]>;
  get(id: string, opts?: ReadOptions): Promise<ViewRecord | undefined>;
  /** With `ifNoneMatch`, throws PreconditionFailedError when a record with this id exists. */
  put(record: ViewRecord, opts?: ReadOptions & { ifNoneMatch?: boolean }): Promise<void>;
  /** False when there was nothing to delete. */
  delete(id: string, opts?: ReadOptions): Promise<boolean>;
}

/** What saved views need from the dataset. */
export interface ViewHost {
  readonly store: ViewStore;
  commitId(): string | Promise<string>;
  hasUncommittedChanges(): boolean | Promise<boolean>;
  /** The dataset as of a commit (views are pinned to the commit they were saved from). */
  sourceAt(commitId: string, opts?: ReadOptions): Promise<TensorSource>;
  /** Copies a view's rows into their own dataset; returns where. Absent → `optimize()` is unsupported. */
  materialize?(record: ViewRecord, view: View, opts?: ReadOptions): Promise<{ path: string }>;
}

export function encodeIndex(ix: RowIndex): EncodedIndex {
  if (ix.kind === "range") return { range: [ix.start, ix.step, ix.length] };
  const runs: [number, number, number][] = [];
  const a = ix.indices;
  let i = 0;
  while (i < a.length) {
    const start = a[i]!;
    if (i + 1 >= a.length) {
      runs.push([start, 1, 1]);
      break;
    }
    const step = a[i + 1]! - start;
    let j = i + 1;
    while (j + 1 < a.length && a[j + 1]! - a[j]! === step) j++;
    if (j - i + 1 >= 3 || j === i + 1) {
      runs.push([start, step, j - i + 1]);
      i = j + 1;
    } else {
      runs.push([start, 1, 1]);
      i++;
    }
  }
  return { runs };
}

export function decodeIndex(e: EncodedIndex): RowIndex {
  if ("range" in e) {
    const [start, step, length] = e.range;
    return length === 0 && start === 0 && step === 1 ? fullRange(0) : { kind: "range", start, step, length };
  }
  const total = e.runs.reduce((n, r) => n + r[2], 0);
  const out = new Uint32Array(total);
  let o = 0;
  for (const [start, step, count] of e.runs) for (let k = 0; k < count; k++) out[o++] = start + k * step;
  return listIndex(out);
}

async function defaultId(commitId: string, index: unknown, query: string | undefined): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify([commitId, index, query ?? null]));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A saved view (Deep Lake's `ViewEntry`). */
export class ViewEntry {
  readonly #host: ViewHost;
  #record: ViewRecord;

  constructor(host: ViewHost, record: ViewRecord) {
    this.#host = host;
    this.#record = record;
  }

  get id(): string {
    return this.#record.id;
  }
  get message(): string {
    return this.#record.message;
  }
  get commitId(): string {
    return this.#record.commitId;
  }
  get virtual(): boolean {
    return this.#record.virtual;
  }
  get query(): string | undefined {
    return this.#record.query;
  }
  /** The stored record (a copy). */
  get info(): ViewRecord {
    return structuredClone(this.#record);
  }

  /** The view at the commit it was saved from. */
  async load(opts?: ReadOptions): Promise<View> {
    const source = await this.#host.sourceAt(this.#record.commitId, opts);
    const axes = this.#record.subSampleIndex ? decodeAxes(this.#record.subSampleIndex) : undefined;
    return new View(source, decodeIndex(this.#record.index), { tensors: this.#record.tensors, query: this.#record.query, axes });
  }

  /** Materialises the view through the host, then records it as non-virtual. */
  async optimize(opts?: ReadOptions): Promise<ViewEntry> {
    if (!this.#host.materialize) throw new UnsupportedError("view-optimize", `[shoal] this dataset cannot optimize view ${JSON.stringify(this.id)}`);
    const view = await this.load(opts);
    const { path } = await this.#host.materialize(this.#record, view, opts);
    const next: ViewRecord = { ...this.#record, virtual: false, path };
    await this.#host.store.put(next, opts);
    this.#record = next;
    return this;
  }

  async delete(opts?: ReadOptions): Promise<void> {
    await deleteView(this.#host, this.id, opts);
  }
}

export interface SaveViewOptions extends ReadOptions {
  id?: string;
  message?: string;
  overwrite?: boolean;
  optimize?: boolean;
}

/** Saves `view` as a record pinned to the current commit. Fails on uncommitted changes and on duplicate ids. */
export async function saveView(host: ViewHost, view: View, opts: SaveViewOptions = {}): Promise<ViewEntry> {
  if (opts.id !== undefined && (typeof opts.id !== "string" || opts.id === "" || /[/\\\u0000]/.test(opts.id))) {
    throw new InvalidArgumentError(`[shoal] view id must be a non-empty string without '/', got ${JSON.stringify(opts.id)}`);
  }
  view.assertValid();
  if (await host.hasUncommittedChanges()) {
    throw new DatasetViewSavingError("the dataset's HEAD node has uncommitted changes; commit them before saving a view", opts.id);
  }
  if (view.virtualColumns().length > 0 && !view.query) {
    throw new DatasetViewSavingError("a view with virtual tensors needs the query that computed them", opts.id);
  }
  const commitId = await host.commitId();
  const index = encodeIndex(view.index);
  const id = opts.id ?? (await defaultId(commitId, view.subSampleIndex.length ? { index, axes: encodeAxes(view.subSampleIndex) } : index, view.query));
  const record: ViewRecord = {
    id,
    message: opts.message ?? view.query ?? "",
    commitId,
    virtual: true,
    createdAt: new Date().toISOString(),
    index,
    ...(view.realTensors ? { tensors: [...view.realTensors] } : {}),
    ...(view.subSampleIndex.length ? { subSampleIndex: encodeAxes(view.subSampleIndex) } : {}),
    ...(view.query ? { query: view.query } : {}),
  };
  try {
    await host.store.put(record, { signal: opts.signal, ifNoneMatch: !opts.overwrite });
  } catch (e) {
    if (isShoalError(e, "PreconditionFailedError")) throw new DatasetViewSavingError(`a view with id ${JSON.stringify(id)} already exists (pass overwrite: true)`, id, { cause: e });
    throw e;
  }
  const entry = new ViewEntry(host, record);
  if (opts.optimize) await entry.optimize(opts);
  return entry;
}

export async function getView(host: ViewHost, id: string, opts?: ReadOptions): Promise<ViewEntry> {
  const record = await host.store.get(id, opts);
  if (!record) throw new ViewNotFoundError(id);
  return new ViewEntry(host, record);
}

/** All saved views, or those pinned to `commitId`. */
export async function getViews(host: ViewHost, opts: ReadOptions & { commitId?: string } = {}): Promise<ViewEntry[]> {
  const records = await host.store.list(opts);
  return records.filter((r) => opts.commitId === undefined || r.commitId === opts.commitId).map((r) => new ViewEntry(host, r));
}

export async function loadView(host: ViewHost, id: string, opts: ReadOptions & { optimize?: boolean } = {}): Promise<View> {
  const entry = await getView(host, id, opts);
  if (opts.optimize && entry.virtual) await entry.optimize(opts);
  return entry.load(opts);
}

export async function deleteView(host: ViewHost, id: string, opts?: ReadOptions): Promise<void> {
  if (!(await host.store.delete(id, opts))) throw new ViewNotFoundError(id);
}

/** A ViewStore in memory (tests, ephemeral datasets). */
export class MemoryViewStore implements ViewStore {
  readonly #records = new Map<string, string>();

  async list(opts?: ReadOptions): Promise<ViewRecord[]> {
    opts?.signal?.throwIfAborted();
    return [...this.#records.values()].map((s) => JSON.parse(s) as ViewRecord);
  }

  async get(id: string, opts?: ReadOptions): Promise<ViewRecord | undefined> {
    opts?.signal?.throwIfAborted();
    const s = this.#records.get(id);
    return s === undefined ? undefined : (JSON.parse(s) as ViewRecord);
  }

  async put(record: ViewRecord, opts?: ReadOptions & { ifNoneMatch?: boolean }): Promise<void> {
    opts?.signal?.throwIfAborted();
    if (opts?.ifNoneMatch && this.#records.has(record.id)) throw new PreconditionFailedError(`views/${record.id}`, "ifNoneMatch");
    this.#records.set(record.id, JSON.stringify(record));
  }

  async delete(id: string, opts?: ReadOptions): Promise<boolean> {
    opts?.signal?.throwIfAborted();
    return this.#records.delete(id);
  }
}
