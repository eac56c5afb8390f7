/**
 * `MemorySource`: a TensorSource over plain in-memory columns (NDArrays, numbers, strings, JSON). Tests, examples and
 * the loader use it; it also shows what the optional fast paths of TensorColumn look like.
 * @module
 */
import { type DType, type NDArray, type TypedArray, InvalidArgumentError, allocTyped, bytesOf, dtypeInfo, fromValues, ndarray, shapeSize } from "@shoal/core";
import { IndexError, TensorDoesNotExistError } from "./errors.ts";
import type { ColumnMeta, ReadOptions, SampleValue, TensorColumn, TensorSource } from "./source.ts";

/** One tensor of a MemorySource. */
export interface MemoryTensorSpec {
  htype?: string;
  /** Element type of numeric samples; default: the NDArrays' dtype, `uint32` for class_label, else `float64`. */
  dtype?: DType;
  classNames?: readonly string[];
  /**
   * The samples: one entry per row (an NDArray, a number for a scalar row, a number array for a 1-d row, a string for
   * text, any JSON value for json), or a single NDArray whose first axis is the row axis (fixed-shape rows, stored
   * once without per-row objects).
   */
  samples: readonly unknown[] | NDArray;
  /** Sample shape for rows given as `[]` (e.g. `[0, 4]` for an empty bbox); default `[0]`. */
  emptyShape?: readonly number[];
}

export interface MemorySourceOptions {
  /** Rows per synthetic chunk, reported by `chunkIds()` so chunk-aware code can be tested. Default 64. */
  chunkSize?: number;
}

const NON_NUMERIC = new Set(["text", "json", "list", "tag"]);

function checkAborted(opts?: ReadOptions): void {
  opts?.signal?.throwIfAborted();
}

class MemoryColumn implements TensorColumn {
  readonly meta: ColumnMeta;
  readonly length: number;
  readonly #rows: readonly SampleValue[] | undefined;
  readonly #matrix: NDArray | undefined;
  readonly #chunkSize: number;
  #column: NDArray | undefined | null = null;

  constructor(name: string, spec: MemoryTensorSpec, chunkSize: number) {
    const htype = spec.htype ?? "generic";
    const numeric = !NON_NUMERIC.has(htype);
    const samples = spec.samples;
    if (!Array.isArray(samples)) {
      const m = samples as NDArray;
      if (m.shape.length < 1) throw new InvalidArgumentError(`[shoal] tensor ${name}: a batch NDArray needs a leading row axis`);
      this.#matrix = m;
      this.length = m.shape[0]!;
      this.meta = { name, htype, dtype: m.dtype, classNames: spec.classNames, minShape: m.shape.slice(1), maxShape: m.shape.slice(1) };
    } else {
      const first = samples.find((s) => typeof s === "object" && s !== null && "dtype" in s) as NDArray | undefined;
      const dtype: DType | undefined = numeric ? spec.dtype ?? first?.dtype ?? (htype === "class_label" ? "uint32" : "float64") : undefined;
      const rows = samples.map((s, i) => (numeric ? toArray(name, i, s, dtype!, spec.emptyShape) : s)) as SampleValue[];
      this.#rows = rows;
      this.length = rows.length;
      let minShape: number[] | undefined;
      let maxShape: number[] | undefined;
      if (numeric) {
        for (const r of rows as NDArray[]) {
          if (!minShape || !maxShape || minShape.length !== r.shape.length) {
            minShape ??= [...r.shape];
            maxShape ??= [...r.shape];
            continue;
          }
          for (let k = 0; k < r.shape.length; k++) {
            minShape[k] = Math.min(minShape[k]!, r.shape[k]!);
            maxShape[k] = Math.max(maxShape[k]!, r.shape[k]!);
          }
        }
      }
      this.meta = { name, htype, dtype, classNames: spec.classNames, minShape, maxShape };
    }
    this.#chunkSize = chunkSize;
  }

  #check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new IndexError(index, this.length, `tensor ${this.meta.name}`);
  }

  #sample(index: number): SampleValue {
    this.#check(index);
    const m = this.#matrix;
    if (m) {
      const each = shapeSize(m.shape.slice(1));
      return ndarray(m.dtype, m.shape.slice(1), m.data.subarray(index * each, (index + 1) * each) as never);
    }
    return this.#rows![index];
  }

  async read(index: number, opts?: ReadOptions): Promise<SampleValue> {
    checkAborted(opts);
    return this.#sample(index);
  }

  async readMany(indices: ArrayLike<number>, opts?: ReadOptions): Promise<SampleValue[]> {
    checkAborted(opts);
    const out = new Array<SampleValue>(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = this.#sample(indices[i]!);
    return out;
  }

  async shape(index: number, opts?: ReadOptions): Promise<readonly number[]> {
    checkAborted(opts);
    const s = this.#sample(index);
    return sampleShape(s);
  }

  async shapes(opts?: ReadOptions): Promise<{ ndim: number; data: Uint32Array } | undefined> {
    checkAborted(opts);
    if (this.#matrix) {
      const inner = this.#matrix.shape.slice(1);
      const data = new Uint32Array(this.length * inner.length);
      for (let i = 0; i < this.length; i++) data.set(inner, i * inner.length);
      return { ndim: inner.length, data };
    }
    const rows = this.#rows!;
    const ndim = rows.length ? sampleShape(rows[0]).length : 0;
    const data = new Uint32Array(rows.length * ndim);
    for (let i = 0; i < rows.length; i++) {
      const s = sampleShape(rows[i]);
      if (s.length !== ndim) return undefined;
      data.set(s, i * ndim);
    }
    return { ndim, data };
  }

  async column(opts?: ReadOptions): Promise<NDArray | undefined> {
    checkAborted(opts);
    if (this.#column !== null) return this.#column;
    this.#column = undefined;
    const dtype = this.meta.dtype;
    if (dtype === undefined) return undefined;
    const m = this.#matrix;
    if (m) {
      if (shapeSize(m.shape.slice(1)) === 1) this.#column = ndarray(m.dtype, [this.length], m.data);
      return this.#column;
    }
    const rows = this.#rows as NDArray[];
    const out = allocTyped(dtype, rows.length) as TypedArray;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r.data.length !== 1) return undefined;
      (out as unknown as (number | bigint)[])[i] = r.data[0]!;
    }
    this.#column = ndarray(dtype, [rows.length], out as never);
    return this.#column;
  }

  async columnMatrix(opts?: ReadOptions): Promise<NDArray | undefined> {
    checkAborted(opts);
    if (this.#matrix) return this.#matrix;
    const rows = this.#rows as NDArray[];
    const dtype = this.meta.dtype;
    const first = rows[0];
    if (dtype === undefined || !first) return undefined;
    const each = shapeSize(first.shape);
    for (const r of rows) if (r.shape.length !== first.shape.length || r.shape.some((d, k) => d !== first.shape[k])) return undefined;
    const out = allocTyped(dtype, each * rows.length) as TypedArray;
    for (let i = 0; i < rows.length; i++) out.set(rows[i]!.data as never, i * each);
    return ndarray(dtype, [rows.length, ...first.shape], out as never);
  }

  async readBytes(index: number, opts?: ReadOptions): Promise<{ bytes: Uint8Array; compression: string | null }> {
    checkAborted(opts);
    const s = this.#sample(index);
    if (typeof s === "string") return { bytes: new TextEncoder().encode(s), compression: null };
    if (typeof s === "object" && s !== null && "dtype" in s) return { bytes: bytesOf((s as NDArray).data), compression: null };
    return { bytes: new TextEncoder().encode(JSON.stringify(s)), compression: null };
  }

  async chunkIds(opts?: ReadOptions): Promise<Uint32Array> {
    checkAborted(opts);
    const ids = new Uint32Array(this.length);
    for (let i = 0; i < ids.length; i++) ids[i] = Math.floor(i / this.#chunkSize);
    return ids;
  }
}

function sampleShape(s: SampleValue): number[] {
  if (typeof s === "object" && s !== null && "dtype" in s && "shape" in s) return [...(s as NDArray).shape];
  return [1];
}

function toArray(tensor: string, row: number, s: unknown, dtype: DType, emptyShape?: readonly number[]): NDArray {
  if (typeof s === "object" && s !== null && "dtype" in s) {
    const a = s as NDArray;
    if (a.dtype !== dtype) throw new InvalidArgumentError(`[shoal] tensor ${tensor} row ${row}: dtype ${a.dtype}, tensor dtype ${dtype}`);
    return a;
  }
  if (typeof s === "number" || typeof s === "bigint" || typeof s === "boolean") return fromValues(dtype, [s], [1]);
  if (Array.isArray(s)) {
    if (s.length === 0) return ndarray(dtype, emptyShape ?? [0]);
    if (Array.isArray(s[0])) {
      const inner = (s[0] as unknown[]).length;
      const flat = (s as unknown[][]).flat() as number[];
      if (flat.length !== inner * s.length) throw new InvalidArgumentError(`[shoal] tensor ${tensor} row ${row}: ragged nested array`);
      return fromValues(dtype, flat, [s.length, inner]);
    }
    return fromValues(dtype, s as number[]);
  }
  const isBig = dtypeInfo(dtype).bigint;
  throw new InvalidArgumentError(`[shoal] tensor ${tensor} row ${row}: cannot store ${typeof s} as ${dtype}${isBig ? " (bigint)" : ""}`);
}

/** A TensorSource over in-memory columns, e.g. `new MemorySource({ labels: { htype: "class_label", classNames: ["cat", "dog"], samples: [0, 1, 1] } })`. */
export class MemorySource implements TensorSource {
  readonly length: number;
  readonly #columns = new Map<string, MemoryColumn>();

  constructor(tensors: Record<string, MemoryTensorSpec>, options: MemorySourceOptions = {}) {
    const chunkSize = options.chunkSize ?? 64;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new InvalidArgumentError(`[shoal] MemorySource chunkSize must be a positive integer, got ${chunkSize}`);
    let length = Infinity;
    for (const [name, spec] of Object.entries(tensors)) {
      const col = new MemoryColumn(name, spec, chunkSize);
      this.#columns.set(name, col);
      length = Math.min(length, col.length);
    }
    this.length = length === Infinity ? 0 : length;
  }

  tensorNames(): readonly string[] {
    return [...this.#columns.keys()];
  }

  tensor(name: string): TensorColumn {
    const col = this.#columns.get(name);
    if (!col) throw new TensorDoesNotExistError(name, this.tensorNames());
    return col;
  }
}
