/**
 * `View`: a lazy selection of root rows (and optionally of tensors) over a TensorSource. Indexing composes indices
 * and never copies samples. A View is itself a TensorSource, so queries, sampling and the loader accept either.
 * @module
 */
import { IndexError, InvalidViewError, TensorDoesNotExistError } from "./errors.ts";
import type { AxisItem } from "./nd-index.ts";
import { type RowIndex, type Selector, type Slice, composeIndex, fullRange, indexLength, listIndex, rootAt, selectRows, toIndices } from "./row-index.ts";
import type { TensorColumn, TensorSource } from "./source.ts";
import { type AxisStages, ViewTensor } from "./view-tensor.ts";
import type { VirtualColumn } from "./virtual-column.ts";

export interface ViewInit {
  /** Tensors visible in the view (default: all of the source, in source order). */
  tensors?: readonly string[];
  /** Virtual tensors (query results), one value per view row, listed after the real tensors. */
  virtual?: readonly VirtualColumn[];
  /** The query that produced the view (default save-view message). */
  query?: string;
  /** GROUP BY results: root rows of each group, in group order (the index then lists all of them flattened). */
  groups?: readonly Uint32Array[];
  /** Sub-sample index applied inside every sample of the real tensors (`ds[rows, 2:17, 19:31]`), stage by stage. */
  axes?: AxisStages;
  /** The source's version token the view was built at (default: the source's current `version()`). */
  version?: string;
}

export class View implements TensorSource {
  /** The dataset without any view applied (`no_view_dataset`). */
  readonly source: TensorSource;
  /** Root rows of the view, in view order. */
  readonly index: RowIndex;
  readonly query: string | undefined;
  /** Root rows of each group, for GROUP BY results; undefined otherwise. */
  readonly groups: readonly Uint32Array[] | undefined;
  /** The source's `version()` when the view was created; reads fail once the source moved on. */
  readonly createdVersion: string | undefined;
  readonly #tensors: readonly string[] | undefined;
  readonly #virtual: ReadonlyMap<string, VirtualColumn>;
  readonly #axes: AxisStages;

  constructor(source: TensorSource, index: RowIndex = fullRange(source.length), init: ViewInit = {}) {
    if (source instanceof View) {
      // Views always point at the root: composing here keeps `sampleIndices` root-relative.
      source.assertValid();
      index = composeIndex(source.index, index);
      init = { tensors: init.tensors ?? source.#tensors, virtual: init.virtual, query: init.query, axes: [...source.#axes, ...(init.axes ?? [])], version: source.createdVersion };
      source = source.source;
    }
    this.source = source;
    this.index = index;
    this.query = init.query;
    this.groups = init.groups;
    this.createdVersion = init.version ?? source.version?.();
    this.#axes = (init.axes ?? []).filter((a) => a.length > 0);
    const real = init.tensors ?? undefined;
    if (real) for (const t of real) source.tensor(t);
    this.#tensors = real;
    this.#virtual = new Map((init.virtual ?? []).map((v) => [v.meta.name, v]));
  }

  get length(): number {
    return indexLength(this.index);
  }

  /** True unless this is the whole source with all its tensors. */
  get isView(): boolean {
    const ix = this.index;
    const whole = ix.kind === "range" && ix.start === 0 && ix.step === 1 && ix.length === this.source.length;
    return !whole || this.#tensors !== undefined || this.#virtual.size > 0 || this.#axes.length > 0;
  }

  /** The sub-sample (inner-axis) index of the view, one list of axis items per indexing stage. */
  get subSampleIndex(): AxisStages {
    return this.#axes;
  }

  /** False once the source reports a different `version()` than when the view was created (writes, checkout). */
  get isValid(): boolean {
    return this.createdVersion === undefined || this.source.version === undefined || this.source.version() === this.createdVersion;
  }

  /** Throws InvalidViewError when the source changed after the view was created. */
  assertValid(): void {
    if (this.createdVersion === undefined || this.source.version === undefined) return;
    const now = this.source.version();
    if (now !== this.createdVersion) throw new InvalidViewError(this.createdVersion, now);
  }

  /** The source's current version token ("" when the source has none), so a View works as a versioned source. */
  version(): string {
    return this.source.version?.() ?? "";
  }

  /** Root row indices of the view (Deep Lake's `sample_indices`). */
  get sampleIndices(): Uint32Array {
    return toIndices(this.index);
  }

  indices(): Uint32Array {
    return toIndices(this.index);
  }

  /** The root row at view position `p`. */
  rootIndex(p: number): number {
    return rootAt(this.index, p);
  }

  get noViewDataset(): View {
    return new View(this.source, undefined, { version: this.createdVersion });
  }

  tensorNames(): readonly string[] {
    return [...(this.#tensors ?? this.source.tensorNames()), ...this.#virtual.keys()];
  }

  tensor(name: string): ViewTensor | VirtualColumn {
    const v = this.#virtual.get(name);
    if (v) return v;
    if (this.#tensors && !this.#tensors.includes(name)) throw new TensorDoesNotExistError(name, this.tensorNames());
    this.assertValid();
    const col: TensorColumn = this.source.tensor(name);
    return new ViewTensor(col, this.index, this.#axes, this.createdVersion === undefined ? undefined : () => this.assertValid());
  }

  #init(init: ViewInit): ViewInit {
    return { tensors: this.#tensors, query: this.query, axes: this.#axes, version: this.createdVersion, ...init };
  }

  /**
   * `view[sel, ...axes]`: rows by int, slice or list of positions (composed with this view's index); optional axis
   * items index inside every sample (`ds[10:77:2, 2:17, 19:31, :1]`).
   */
  get(sel: Selector, ...axes: AxisItem[]): View {
    const index = selectRows(this.index, sel);
    const virtual = this.#virtual.size ? [...this.#virtual.values()].map((v) => v.pick(toIndices(selectRows(fullRange(this.length), sel)))) : undefined;
    return new View(this.source, index, this.#init({ virtual, axes: axes.length ? [...this.#axes, axes] : this.#axes }));
  }

  at(i: number): View {
    return this.get(i);
  }

  slice(start?: number | null, stop?: number | null, step?: number | null): View {
    const s: Slice = { start, stop, step };
    return this.get(s);
  }

  /** A view with only some tensors (`ds[["images", "labels"]]`). */
  select(tensors: readonly string[]): View {
    for (const t of tensors) this.tensor(t);
    const virtual = [...this.#virtual.values()].filter((v) => tensors.includes(v.meta.name));
    return new View(this.source, this.index, this.#init({ tensors: tensors.filter((t) => !this.#virtual.has(t)), virtual }));
  }

  /** The virtual tensors of this view (query results). */
  virtualColumns(): readonly VirtualColumn[] {
    return [...this.#virtual.values()];
  }

  /** Real tensors visible in the view, or undefined for "all of the source". */
  get realTensors(): readonly string[] | undefined {
    return this.#tensors;
  }

  /** A view of this view's rows at the given positions (root-relative result). */
  withPositions(positions: Uint32Array, init: ViewInit = {}, trusted = false): View {
    const n = this.length;
    if (!trusted) for (let k = 0; k < positions.length; k++) if (positions[k]! >= n) throw new IndexError(positions[k]!, n);
    let index: RowIndex;
    if (this.index.kind === "range" && this.index.step === 1 && isContiguous(positions)) {
      index = { kind: "range", start: this.index.start + (positions[0] ?? 0), step: 1, length: positions.length };
    } else if (this.index.kind === "range") {
      const { start, step } = this.index;
      const out = start === 0 && step === 1 ? positions : new Uint32Array(positions.length);
      if (out !== positions) for (let k = 0; k < positions.length; k++) out[k] = start + positions[k]! * step;
      index = listIndex(out);
    } else {
      const src = this.index.indices;
      const out = new Uint32Array(positions.length);
      for (let k = 0; k < positions.length; k++) out[k] = src[positions[k]!]!;
      index = listIndex(out);
    }
    return new View(this.source, index, this.#init({ tensors: init.tensors ?? this.#tensors, virtual: init.virtual, query: init.query ?? this.query, groups: init.groups }));
  }
}

function isContiguous(p: Uint32Array): boolean {
  for (let k = 1; k < p.length; k++) if (p[k] !== p[k - 1]! + 1) return false;
  return true;
}

/** A view over a whole source (or the view itself when given one). */
export function view(source: TensorSource): View {
  return source instanceof View ? source : new View(source);
}
