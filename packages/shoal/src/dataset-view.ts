/**
 * `DatasetView`: rows of a Dataset selected by index, filter, query or sampling — a @shoal/views `View` (lazy: root
 * indices, not copies) with the Dataset's Tensor API on top. Read-only except `update`, which writes through.
 * @module
 */
import { InvalidArgumentError, ReadOnlyModeError } from "@shoal/core";
import type { SampleInput } from "@shoal/htypes";
import { type DataLoader, type DataLoaderOptions, dataloader } from "@shoal/loader";
import {
  type FilterFunction, type QueryOptions, type RandomSplitOptions, type SampleByOptions, type SaveViewOptions,
  IndexError, type TensorColumn, View, type ViewEntry as ViewsEntry, type ViewRecord, decodeIndex, indexLength, query as queryRows,
  randomSplit as splitRows, sampleBy as sampleRows,
} from "@shoal/views";
import type { Transform } from "@shoal/compute";
import { CommitSource } from "./commit-source.ts";
import { type ParallelFilterOptions, filterWith } from "./parallel.ts";
import type { Dataset } from "./dataset.ts";
import { SampleAppendError } from "./errors.ts";
import { Tensor } from "./tensor.ts";

export class DatasetView {
  readonly #ds: Dataset;
  readonly #view: View;
  /** maxView: rows past a tensor's end are left out of that tensor. */
  readonly #padded: boolean;

  constructor(ds: Dataset, view: View, padded = false) {
    this.#ds = ds;
    this.#view = view;
    this.#padded = padded;
  }

  /** The underlying @shoal/views View (virtual query columns, sub-sample indexing, GROUP BY groups). */
  get view(): View {
    return this.#view;
  }
  get isView(): boolean {
    return true;
  }
  /** False once the dataset was written to or checked out elsewhere since this view was made. */
  get isValid(): boolean {
    return this.#view.isValid;
  }
  get length(): number {
    return this.#view.length;
  }
  get numSamples(): number {
    return this.#view.length;
  }
  /** Positions of this view's rows in the dataset (Deep Lake's `sample_indices`). */
  get sampleIndices(): Uint32Array {
    return this.#view.sampleIndices;
  }
  /** The TQL (or filter expression) that produced the view, if any. */
  get queryString(): string | undefined {
    return this.#view.query;
  }
  tensorNames(): string[] {
    return [...this.#view.tensorNames()];
  }

  /** The commit a loaded saved view reads (read-only); undefined for views of the live dataset. */
  get commitId(): string | undefined {
    return this.#pinned?.commitId;
  }
  /** Set when this view came from a saved view: its rows and data are those of the view's commit. */
  get #pinned(): CommitSource | undefined {
    const source = this.#view.source;
    return source instanceof CommitSource ? source : undefined;
  }

  /** A tensor of the dataset (a loaded saved view: of its commit) restricted to this view's rows, with the Tensor API. */
  tensor(name: string): Tensor {
    // Its rows were picked from data that has since changed: reading (or writing) through them would hit other rows.
    this.#view.assertValid();
    const virtual = this.#view.virtualColumns().some((v) => v.meta.name === name);
    if (virtual || this.#view.subSampleIndex.length > 0) {
      throw new InvalidArgumentError(`[shoal] view tensor ${JSON.stringify(name)} is computed or sub-sample indexed; read it with column(${JSON.stringify(name)})`);
    }
    if (!this.#view.tensorNames().includes(name)) this.#view.tensor(name);
    const pinned = this.#pinned;
    // Unknown or hidden names fail here, as Dataset.tensor does for the live dataset.
    if (pinned) pinned.engineTensor(name);
    const t = pinned ? new Tensor(pinned, name) : this.#ds.tensor(name);
    const rows = Array.from(this.sampleIndices);
    return t.slice(this.#padded ? rows.filter((i) => i < t.length) : rows);
  }
  /** Any column of the view as @shoal/views reads it (virtual query columns included). */
  column(name: string): TensorColumn {
    return this.#view.tensor(name);
  }
  get tensors(): Record<string, Tensor> {
    return Object.fromEntries(this.tensorNames().filter((n) => !this.#view.virtualColumns().some((v) => v.meta.name === n)).map((n) => [n, this.tensor(n)]));
  }

  /** Rows `[start:stop:step]` of this view, or the rows at the given positions. */
  slice(start?: number | readonly number[] | null, stop?: number | null, step?: number | null): DatasetView {
    const v = Array.isArray(start) ? this.#view.get(Uint32Array.from(start as readonly number[], (i) => this.#position(i))) : this.#view.slice(start as number | null | undefined, stop, step);
    return new DatasetView(this.#ds, v, this.#padded);
  }
  /** A row position of this view (negative counts from the end), as Tensor.slice reads index lists. */
  #position(i: number): number {
    if (!Number.isInteger(i)) throw new InvalidArgumentError(`[shoal] view slice: row positions must be integers, got ${JSON.stringify(i) ?? String(i)}`);
    const n = this.#view.length;
    if (i < -n || i >= n) throw new IndexError(i, n);
    return i < 0 ? n + i : i;
  }
  at(index: number): DatasetView {
    return new DatasetView(this.#ds, this.#view.at(index), this.#padded);
  }
  /** Only some tensors. */
  select(tensors: readonly string[]): DatasetView {
    if (!Array.isArray(tensors) || !tensors.every((t) => typeof t === "string")) throw new InvalidArgumentError("[shoal] select takes a list of tensor names");
    return new DatasetView(this.#ds, this.#view.select(tensors), this.#padded);
  }

  async filter(predicate: FilterFunction | string | Transform, opts?: ParallelFilterOptions): Promise<DatasetView> {
    return new DatasetView(this.#ds, await filterWith(this.#view, predicate, opts));
  }
  async query(tql: string, opts?: QueryOptions): Promise<DatasetView> {
    if (typeof tql !== "string") throw new InvalidArgumentError(`[shoal] query takes a TQL string, got ${tql === null ? "null" : typeof tql}`);
    return new DatasetView(this.#ds, await queryRows(this.#view, tql, opts));
  }
  async sampleBy(weights: ArrayLike<number> | string, opts?: SampleByOptions): Promise<DatasetView> {
    return new DatasetView(this.#ds, await sampleRows(this.#view, weights, opts));
  }
  async randomSplit(lengths: readonly number[], opts?: RandomSplitOptions): Promise<DatasetView[]> {
    return (await splitRows(this.#view, lengths, opts)).map((v) => new DatasetView(this.#ds, v));
  }
  dataloader(opts?: DataLoaderOptions): DataLoader {
    return dataloader(this.#view, opts);
  }
  /** Saves this view pinned to the current commit; returns its id. */
  async saveView(opts?: SaveViewOptions): Promise<string> {
    return this.#ds.saveView(this, opts);
  }

  /**
   * Writes through to the dataset, all tensors or none: a sample per tensor for a one-row view, else one sample per
   * row for each tensor given.
   */
  async update(row: Record<string, SampleInput | readonly SampleInput[]>): Promise<void> {
    const pinned = this.#pinned;
    if (pinned) throw new ReadOnlyModeError(`update: a saved view loaded at commit ${pinned.commitId}`);
    this.#ds.assertWritableFor("update");
    if (typeof row !== "object" || row === null || Array.isArray(row)) throw new InvalidArgumentError("[shoal] view update takes a { tensor: samples } object");
    // Keys whose value is undefined are left alone, as missing ones are.
    const given = Object.entries(row).filter(([, v]) => v !== undefined);
    if (given.length === 0) throw new SampleAppendError("[shoal] view update: no tensors given");
    this.#view.assertValid();
    const rows = Array.from(this.sampleIndices);
    const columns = Object.fromEntries(given.map(([name, v]) => [name, rows.length === 1 ? [v as SampleInput] : (v as readonly SampleInput[])]));
    await this.#ds.updateRowsAt(rows, columns);
  }
}

/** A saved view (Deep Lake's `ViewEntry`). */
export class ViewEntry {
  readonly #ds: Dataset;
  readonly #entry: ViewsEntry;

  constructor(ds: Dataset, entry: ViewsEntry) {
    this.#ds = ds;
    this.#entry = entry;
  }
  get id(): string {
    return this.#entry.id;
  }
  get message(): string {
    return this.#entry.message;
  }
  get commitId(): string {
    return this.#entry.commitId;
  }
  /** False once optimized (its rows copied into `views/<id>/data/`). */
  get virtual(): boolean {
    return this.#entry.virtual;
  }
  get query(): string | undefined {
    return this.#entry.query;
  }
  /** Rows in the view. */
  get length(): number {
    return indexLength(decodeIndex(this.#entry.info.index));
  }
  toJSON(): ViewRecord {
    return this.#entry.info;
  }
  /** The view, at the commit it was saved from. */
  async load(opts?: { signal?: AbortSignal }): Promise<DatasetView> {
    return new DatasetView(this.#ds, await this.#entry.load(opts));
  }
  /** Copies the view's rows into their own dataset; `numWorkers` tensors at once. */
  async optimize(opts?: { signal?: AbortSignal; numWorkers?: number }): Promise<ViewEntry> {
    await this.#entry.optimize(opts);
    return this;
  }
  async delete(opts?: { signal?: AbortSignal }): Promise<void> {
    await this.#ds.deleteView(this.id, opts);
  }
}
