/**
 * `@shoal/deeplake-compat`: reads datasets written by Deep Lake 3.x (and hub 2.x) in place, read-only, as a
 * `TensorSource` that views, TQL queries and the loader work over, and that an importer streams from.
 * @module
 */
export { DeepLakeDataset, type DeepLakeDetection, FIRST_COMMIT_ID, type OpenDeepLakeOptions, detectDeepLake, openDeepLake } from "./dataset.ts";
export { DeepLakeTensor, type DeepLakeCreateTensorOptions, type StoredSample, type StreamOptions } from "./tensor.ts";
export type { DeepLakeCommit } from "./version-control.ts";
export type { TensorMeta as DeepLakeTensorMeta } from "./meta.ts";
export type { HubJsonSample } from "./hub-json.ts";
export { parseHubJson } from "./hub-json.ts";
export {
  DeepLakeFormatError, DeepLakeIndexError, DeepLakeTensorNotFoundError, DeepLakeUnsupportedError, DeepLakeVersionNotFoundError, MissingChunkError,
  NotADeepLakeDatasetError,
} from "./errors.ts";
