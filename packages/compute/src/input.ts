/**
 * What `eval` reads: an array of samples, or rows of a dataset, a view or any TensorSource (each row a
 * `{ tensor: sample }` object, read tensor by tensor in batches).
 * @module
 */
import { InvalidArgumentError, type TensorSource } from "@shoal/core";

export interface ComputeInput {
  readonly length: number;
  read(start: number, end: number): Promise<unknown[]>;
}

/** An array, a TensorSource, or an object exposing one as `view` (DatasetView) or `source` (Dataset). */
export type ComputeInputLike = readonly unknown[] | TensorSource | { readonly view: TensorSource } | { readonly source: TensorSource };

export function toInput(input: ComputeInputLike): ComputeInput {
  if (Array.isArray(input)) return { length: input.length, read: async (s, e) => input.slice(s, e) };
  const source = asSource(input);
  if (!source) throw new InvalidArgumentError("[shoal] compute input must be an array of samples, a dataset, a view or a TensorSource");
  const names = source.tensorNames();
  return {
    length: source.length,
    async read(start, end) {
      const positions = Uint32Array.from({ length: end - start }, (_, i) => start + i);
      const columns = await Promise.all(names.map((n) => source.tensor(n).readMany(positions)));
      return Array.from(positions, (_, i) => Object.fromEntries(names.map((n, k) => [n, columns[k]![i]])));
    },
  };
}

function asSource(input: unknown): TensorSource | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const o = input as { view?: unknown; source?: unknown };
  // The input itself first: a View also has a `source`, the whole dataset under it.
  for (const candidate of [input, typeof o.view === "object" ? o.view : undefined, o.source]) {
    if (isSource(candidate)) return candidate;
  }
  return undefined;
}

function isSource(v: unknown): v is TensorSource {
  const s = v as TensorSource | null | undefined;
  return typeof s === "object" && s !== null && typeof s.length === "number" && typeof s.tensorNames === "function" && typeof s.tensor === "function";
}
