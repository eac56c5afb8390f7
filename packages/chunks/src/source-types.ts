/**
 * The read interface of @shoal/views (`TensorSource` / `TensorColumn`), restated structurally: chunks sits below
 * views in the dependency order, so it cannot import them, yet its engine objects must be assignable to them.
 * @module
 */
import type { DType, NDArray } from "@shoal/core";

export type SampleValue = NDArray | NDArray[] | string | unknown;

export interface ColumnMeta {
  readonly name: string;
  readonly htype: string;
  readonly dtype: DType | undefined;
  readonly classNames?: readonly string[];
  readonly sampleCompression?: string | null;
  readonly chunkCompression?: string | null;
  readonly minShape?: readonly number[];
  readonly maxShape?: readonly number[];
}

export interface ReadOptions {
  signal?: AbortSignal;
}
