/**
 * `@shoal/views`: index math, lazy views, filter, TQL, sampling and splits over any TensorSource.
 * @module
 */
export type * from "./source.ts";
export * from "./errors.ts";
export { MemorySource, type MemorySourceOptions, type MemoryTensorSpec } from "./memory-source.ts";
export { type RowIndex, type RangeIndex, type ListIndex, type Slice, type Selector, fullRange, listIndex, indexLength, rootAt, toIndices, resolveSlice, selectRows, composeIndex, parseSelector } from "./row-index.ts";
export { type AxisItem, indexSample } from "./nd-index.ts";
export { View, type ViewInit, view } from "./view.ts";
export { ViewTensor, type AxisStages, stackSamples } from "./view-tensor.ts";
export { VirtualColumn } from "./virtual-column.ts";
export { Rng, setSeed, rngFor } from "./prng.ts";
export { query, type QueryOptions } from "./tql/exec.ts";
export { parseQuery, parseExpression } from "./tql/parser.ts";
export type * from "./tql/ast.ts";
export { FUNCTIONS as TQL_FUNCTIONS } from "./tql/functions.ts";
export { filter, type FilterFunction, type FilterOptions, type Row } from "./filter.ts";
export { sampleBy, randomSplit, splitLengths, type SampleByOptions, type RandomSplitOptions } from "./split.ts";
export { weightedDraw } from "./sample.ts";
export {
  saveView, getView, getViews, loadView, deleteView, ViewEntry, MemoryViewStore, encodeIndex, decodeIndex, encodeAxes, decodeAxes,
  type EncodedAxis, type ViewRecord, type ViewStore, type ViewHost, type EncodedIndex, type SaveViewOptions,
} from "./saved-views.ts";
