/**
 * A tensor seen through a view: positions map to root rows, optional per-sample axis items slice inside each sample.
 * It is itself a TensorColumn, so queries, the loader and nested views treat views and sources alike.
 * @module
 */
import { type NDArray, type TypedArray, UnsupportedError, allocTyped, equalShapes, ndarray, shapeSize, stack } from "@shoal/core";
import { type AxisItem, indexSample } from "./nd-index.ts";
import { type RowIndex, type Selector, type Slice, indexLength, resolveInt, rootAt, selectRows, toIndices } from "./row-index.ts";
import type { ColumnMeta, ReadOptions, SampleValue, TensorColumn } from "./source.ts";

function isArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v;
}

/** Stacks samples into one NDArray when they are arrays of one dtype and shape; otherwise returns them as a list. */
export function stackSamples(samples: readonly SampleValue[]): NDArray | SampleValue[] {
  const first = samples[0];
  if (!isArray(first)) return [...samples];
  for (const s of samples) if (!isArray(s) || s.dtype !== first.dtype || !equalShapes(s.shape, first.shape)) return [...samples];
  return stack(samples as NDArray[]);
}

function isFullRange(ix: RowIndex, length: number): boolean {
  return ix.kind === "range" && ix.start === 0 && ix.step === 1 && ix.length === length;
}

/** Sub-sample indexing in stages: each stage indexes the result of the previous one (`t[r, a][r2, b]`). */
export type AxisStages = readonly (readonly AxisItem[])[];

export class ViewTensor implements TensorColumn {
  readonly meta: ColumnMeta;
  readonly #base: TensorColumn;
  readonly #index: RowIndex;
  readonly #stages: AxisStages;
  readonly #guard: (() => void) | undefined;

  /** `guard` runs before every read (a View passes its validity check, so stale tensors fail too). */
  constructor(base: TensorColumn, index: RowIndex, stages: AxisStages = [], guard?: () => void) {
    this.#base = base;
    this.#index = index;
    this.#stages = stages.filter((s) => s.length > 0);
    this.#guard = guard;
    this.meta = base.meta;
  }

  /** The sub-sample index applied inside every sample, stage by stage. */
  get subSampleIndex(): AxisStages {
    return this.#stages;
  }

  get length(): number {
    return indexLength(this.#index);
  }

  /** Root rows of this tensor view. */
  indices(): Uint32Array {
    return toIndices(this.#index);
  }

  #apply(s: SampleValue): SampleValue {
    if (!isArray(s)) return s;
    let out = s;
    for (const stage of this.#stages) out = indexSample(out, stage);
    return out;
  }

  #root(p: number): number {
    this.#guard?.();
    return rootAt(this.#index, resolveInt(p, this.length, `tensor ${this.meta.name}`));
  }

  async read(index: number, opts?: ReadOptions): Promise<SampleValue> {
    return this.#apply(await this.#base.read(this.#root(index), opts));
  }

  async readMany(indices: ArrayLike<number>, opts?: ReadOptions): Promise<SampleValue[]> {
    const roots = new Uint32Array(indices.length);
    this.#guard?.();
    for (let k = 0; k < indices.length; k++) roots[k] = this.#root(indices[k]!);
    const out = await this.#base.readMany(roots, opts);
    return this.#stages.length ? out.map((s) => this.#apply(s)) : out;
  }

  async shape(index: number, opts?: ReadOptions): Promise<readonly number[]> {
    if (this.#stages.length) {
      const s = await this.read(index, opts);
      return isArray(s) ? s.shape : [1];
    }
    return this.#base.shape(this.#root(index), opts);
  }

  /** `tensor[rows, ...axes]`: rows select samples, axis items slice inside each sample (NumPy basic indexing). */
  index(rows: Selector, ...axes: AxisItem[]): ViewTensor {
    return new ViewTensor(this.#base, selectRows(this.#index, rows), axes.length ? [...this.#stages, axes] : this.#stages, this.#guard);
  }

  at(i: number): ViewTensor {
    return this.index(i);
  }

  slice(start?: number | null, stop?: number | null, step?: number | null): ViewTensor {
    const s: Slice = { start, stop, step };
    return this.index(s);
  }

  /** Every sample of the view: one stacked NDArray when shapes agree, else a list (like Deep Lake's `numpy(aslist)`). */
  async numpy(opts?: ReadOptions): Promise<NDArray | SampleValue[]> {
    const positions = new Uint32Array(this.length);
    for (let p = 0; p < positions.length; p++) positions[p] = p;
    return stackSamples(await this.readMany(positions, opts));
  }

  async column(opts?: ReadOptions): Promise<NDArray | undefined> {
    this.#guard?.();
    if (this.#stages.length || !this.#base.column) return undefined;
    const col = await this.#base.column(opts);
    if (!col || isFullRange(this.#index, this.#base.length)) return col;
    return gatherRows(col, this.#index, 1);
  }

  async columnMatrix(opts?: ReadOptions): Promise<NDArray | undefined> {
    this.#guard?.();
    if (this.#stages.length || !this.#base.columnMatrix) return undefined;
    const m = await this.#base.columnMatrix(opts);
    if (!m || isFullRange(this.#index, this.#base.length)) return m;
    const each = shapeSize(m.shape.slice(1));
    const g = gatherRows(m, this.#index, each);
    return ndarray(m.dtype, [this.length, ...m.shape.slice(1)], g.data);
  }

  async shapes(opts?: ReadOptions): Promise<{ ndim: number; data: Uint32Array } | undefined> {
    this.#guard?.();
    if (this.#stages.length || !this.#base.shapes) return undefined;
    const s = await this.#base.shapes(opts);
    if (!s || isFullRange(this.#index, this.#base.length)) return s;
    const out = new Uint32Array(this.length * s.ndim);
    for (let p = 0; p < this.length; p++) {
      const r = rootAt(this.#index, p) * s.ndim;
      for (let k = 0; k < s.ndim; k++) out[p * s.ndim + k] = s.data[r + k]!;
    }
    return { ndim: s.ndim, data: out };
  }

  async chunkIds(opts?: ReadOptions): Promise<Uint32Array> {
    this.#guard?.();
    const n = this.length;
    const ids = this.#base.chunkIds ? await this.#base.chunkIds(opts) : undefined;
    const out = new Uint32Array(n);
    for (let p = 0; p < n; p++) out[p] = ids ? ids[rootAt(this.#index, p)]! : 0;
    return out;
  }

  async readBytes(index: number, opts?: ReadOptions): Promise<{ bytes: Uint8Array; compression: string | null }> {
    if (!this.#base.readBytes) throw new UnsupportedError("readBytes", `[shoal] tensor ${this.meta.name} does not expose stored bytes`);
    return this.#base.readBytes(this.#root(index), opts);
  }
}

/** Rows of a row-major array (row = `each` elements) picked by an index, in one allocation. */
function gatherRows(a: NDArray, ix: RowIndex, each: number): NDArray {
  const n = indexLength(ix);
  const src = a.data as TypedArray;
  if (ix.kind === "range" && ix.step === 1) {
    return ndarray(a.dtype, [n * each], src.subarray(ix.start * each, (ix.start + n) * each) as never);
  }
  const out = allocTyped(a.dtype, n * each) as TypedArray;
  for (let p = 0; p < n; p++) {
    const r = rootAt(ix, p) * each;
    if (each === 1) (out as unknown as number[])[p] = (src as unknown as number[])[r]!;
    else out.set(src.subarray(r, r + each) as never, p * each);
  }
  return ndarray(a.dtype, [n * each], out as never);
}
