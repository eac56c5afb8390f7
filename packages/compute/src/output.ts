/**
 * `out`, what a transform appends to: rows (`out.append({ images, labels })`), columns (`out.extend({ ... })`) or one
 * tensor at a time (`out.tensor("labels").append(1)`). Samples are kept as given; the dataset validates them when
 * the run is committed, so wrong names or shapes fail exactly as `append` would.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";

export type Columns = Record<string, unknown[]>;

export interface OutputTensor {
  append(sample: unknown): void;
  extend(samples: readonly unknown[]): void;
}

export class Output {
  readonly columns: Columns = {};

  tensor(name: string): OutputTensor {
    if (typeof name !== "string" || name === "") throw new InvalidArgumentError("[shoal] out.tensor takes a tensor name");
    const column = (this.columns[name] ??= []);
    return {
      append: (sample) => void column.push(sample),
      extend: (samples) => {
        if (!Array.isArray(samples)) throw new InvalidArgumentError(`[shoal] out.tensor(${JSON.stringify(name)}).extend takes an array`);
        for (const s of samples) column.push(s);
      },
    };
  }

  append(row: Record<string, unknown>): void {
    if (typeof row !== "object" || row === null || Array.isArray(row)) throw new InvalidArgumentError("[shoal] out.append takes a { tensor: sample } object");
    for (const [name, sample] of Object.entries(row)) this.tensor(name).append(sample);
  }

  extend(columns: Record<string, readonly unknown[]>): void {
    if (typeof columns !== "object" || columns === null || Array.isArray(columns)) throw new InvalidArgumentError("[shoal] out.extend takes a { tensor: samples[] } object");
    for (const [name, samples] of Object.entries(columns)) this.tensor(name).extend(samples);
  }

  /** Rows this output holds when every tensor has the same length, else undefined. */
  rowCount(): number | undefined {
    const lengths = new Set(Object.values(this.columns).map((c) => c.length));
    if (lengths.size > 1) return undefined;
    return lengths.size === 0 ? 0 : [...lengths][0]!;
  }

  rows(): Record<string, unknown>[] {
    const n = this.rowCount() ?? 0;
    const names = Object.keys(this.columns);
    return Array.from({ length: n }, (_, i) => Object.fromEntries(names.map((k) => [k, this.columns[k]![i]])));
  }
}
