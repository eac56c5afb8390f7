/**
 * The read interface views, queries and the loader work over (`TensorSource` / `TensorColumn`). It is defined in
 * @shoal/core so that the chunk engine, below views in the dependency order, implements the very same types;
 * re-exported here so views' public API is unchanged.
 * @module
 */
export type { ColumnMeta, ReadOptions, SampleValue, TensorColumn, TensorSource } from "@shoal/core";
