/**
 * `@shoal/chunks`: the tensor engine of shoal's on-disk format v1 (FORMAT.md). Chunked, checksummed, immutable
 * objects over any Store; samples appended in bounded memory, read by sample, range, index list or sub-slice.
 * @module
 */
export { DatasetEngine, DEFAULT_MAX_CHUNK_SIZE } from "./dataset.ts";
export type { CreateOptions, FlushOptions, FlushResult, OpenOptions, TensorSpec } from "./dataset.ts";
export { TensorEngine, readChangeSet } from "./tensor.ts";
export type { ExtendOptions, SliceSpec } from "./tensor.ts";
export type { EngineSample } from "./sample.ts";
export {
  CorruptChunkError, DatasetNotFoundError, MissingChunkError, SampleDtypeError, SampleIndexError, SampleShapeError,
  TensorAlreadyExistsError, TensorDoesNotExistError,
} from "./errors.ts";
export {
  FORMAT_VERSION, assertBranchName, emptyChanges, keys, parseManifest, parseTensorMeta, publishRef, resolveHead, serializeManifest,
} from "./state.ts";
export type { DatasetMarker, Manifest, ManifestTensor, RefRecord, TensorChanges, TensorMeta } from "./state.ts";
export { parseHeader, sampleRange, sampleShape } from "./chunk-format.ts";
export type { ChunkHeader, Encoding } from "./chunk-format.ts";
export { decodeIndexSegment, encodeIndexSegment } from "./index-format.ts";
export type { IndexRow, TileLayout } from "./index-format.ts";
export { xxh32 } from "@shoal/codecs";
export { randomSampleIds } from "./ids.ts";

import { DatasetEngine } from "./dataset.ts";
import type { CreateOptions, OpenOptions } from "./dataset.ts";
import type { Store } from "@shoal/storage";

/** Creates a dataset in `store` (see DatasetEngine.create). */
export function createDatasetEngine(store: Store, opts?: CreateOptions): Promise<DatasetEngine> {
  return DatasetEngine.create(store, opts);
}

/** Opens a dataset in `store` (see DatasetEngine.open). */
export function openDatasetEngine(store: Store, opts?: OpenOptions): Promise<DatasetEngine> {
  return DatasetEngine.open(store, opts);
}
export type { ColumnMeta, ReadOptions, SampleValue, TensorColumn, TensorSource } from "@shoal/core";
