/**
 * GROUP BY results seen as a table of groups, so ORDER BY can rank groups: row g is group g, and each tensor's value
 * is the group's samples stacked (equal shapes) or flattened into one array, which aggregates such as `len(t)`,
 * `sum(t)`, `mean(t)` and `max(t)` reduce. Text and JSON samples become a JSON list.
 * @module
 */
import { type NDArray, type TypedArray, allocTyped, equalShapes, ndarray, stack } from "@shoal/core";
import { IndexError } from "../errors.ts";
import type { ColumnMeta, ReadOptions, SampleValue, TensorColumn, TensorSource } from "../source.ts";

function isArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v;
}

function concatSamples(samples: readonly SampleValue[]): SampleValue {
  if (samples.length === 0 || !samples.every(isArray)) return [...samples];
  const arrays = samples as NDArray[];
  const first = arrays[0]!;
  if (arrays.every((a) => a.dtype === first.dtype && equalShapes(a.shape, first.shape))) return stack(arrays);
  const total = arrays.reduce((n, a) => n + a.data.length, 0);
  const out = allocTyped(first.dtype, total) as TypedArray;
  let o = 0;
  for (const a of arrays) {
    if (a.dtype !== first.dtype) return [...samples];
    out.set(a.data as never, o);
    o += a.data.length;
  }
  return ndarray(first.dtype, [total], out as never);
}

class GroupColumn implements TensorColumn {
  readonly meta: ColumnMeta;
  readonly #base: TensorColumn;
  readonly #groups: readonly Uint32Array[];

  constructor(base: TensorColumn, groups: readonly Uint32Array[]) {
    this.#base = base;
    this.#groups = groups;
    this.meta = base.meta;
  }

  get length(): number {
    return this.#groups.length;
  }

  async read(index: number, opts?: ReadOptions): Promise<SampleValue> {
    const rows = this.#groups[index];
    if (!rows) throw new IndexError(index, this.#groups.length, "groups");
    return concatSamples(await this.#base.readMany(rows, opts));
  }

  async readMany(indices: ArrayLike<number>, opts?: ReadOptions): Promise<SampleValue[]> {
    const out: SampleValue[] = [];
    for (let k = 0; k < indices.length; k++) out.push(await this.read(indices[k]!, opts));
    return out;
  }

  async shape(index: number, opts?: ReadOptions): Promise<readonly number[]> {
    const v = await this.read(index, opts);
    return isArray(v) ? v.shape : [Array.isArray(v) ? v.length : 1];
  }
}

/** A table whose rows are the groups (lists of positions in `base`). */
export class GroupSource implements TensorSource {
  readonly length: number;
  readonly #base: TensorSource;
  readonly #groups: readonly Uint32Array[];

  constructor(base: TensorSource, groups: readonly Uint32Array[]) {
    this.#base = base;
    this.#groups = groups;
    this.length = groups.length;
  }

  tensorNames(): readonly string[] {
    return this.#base.tensorNames();
  }

  tensor(name: string): TensorColumn {
    return new GroupColumn(this.#base.tensor(name), this.#groups);
  }
}
