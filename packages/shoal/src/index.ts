/**
 * `shoal`: versioned, tensor-native datasets for machine learning. `empty`/`load`/`dataset` open a Dataset on
 * local disk, S3, HTTP (read-only) or memory; tensors hold typed samples (htypes) read back as NDArrays.
 * Browser-safe: file-path conveniences live in `shoal/node`.
 * @module
 */
export { empty, load, dataset, resolveStore } from "./open.ts";
export type { EmptyOptions, LoadOptions, OpenCommonOptions, StoreCreds } from "./open.ts";
export { read, readBlob, link } from "./read.ts";
export type { BytesInput } from "./read.ts";
export { Dataset } from "./dataset.ts";
export { DatasetView, ViewEntry } from "./dataset-view.ts";
export type { CreateTensorOpts } from "./dataset.ts";
export { Tensor } from "./tensor.ts";
export type { NumpyOptions, TensorMetaView } from "./tensor.ts";
export { Info } from "./info.ts";
export type { ExtendRowsOptions } from "./rows.ts";
export type { MergeOptions } from "./merge.ts";
export type { SummaryRow } from "./summary.ts";
export { toNpy, fromNpy } from "./npy.ts";
// Deep Lake's `@deeplake.compute`: transforms run on workers and appended in input order (eval), or filters.
export { compute, pipeline, Transform, Output, TransformError, TransformOutputError, ComputeWorkerError } from "@shoal/compute";
export type { ComputeFunction, ComputeOptions, ComputeTarget, EvalOptions, EvalResult, OutputTensor, Scheduler, TransformFunction } from "@shoal/compute";
export type { ParallelFilterOptions, WorkerOptions } from "./parallel.ts";
export * from "./errors.ts";
export type { Visualization, VisualizeOptions } from "./visualize.ts";
export { importDeepLake } from "./deeplake-import.ts";
export type { ImportDeepLakeOptions, MissingSamples } from "./deeplake-import.ts";
export { openDeepLake } from "./deeplake.ts";
export type { OpenDeepLakeAtOptions } from "./deeplake.ts";
export {
  DeepLakeDataset, DeepLakeTensor, detectDeepLake, MissingChunkError as DeepLakeMissingChunkError, DeepLakeFormatError, DeepLakeUnsupportedError,
  NotADeepLakeDatasetError, DeepLakeVersionNotFoundError, DeepLakeTensorNotFoundError, DeepLakeIndexError,
} from "@shoal/deeplake-compat";
export type { DeepLakeCommit, DeepLakeTensorMeta } from "@shoal/deeplake-compat";
// Free functions over any TensorSource (a Dataset's `source`, a Deep Lake dataset opened in place).
export { dataloader } from "@shoal/loader";
export type { DataLoader, DataLoaderOptions } from "@shoal/loader";
export { query } from "@shoal/views";
export type { View, TensorSource } from "@shoal/views";

// What users need from the lower packages, so `shoal` is the only import.
export {
  ShoalError, isShoalError, StorageError, InvalidKeyError, PreconditionFailedError, ReadOnlyModeError, RangeError, UnsupportedError,
  UnknownCodecError, CorruptDataError, InvalidArgumentError, DtypeError, ShapeError,
  ndarray, fromValues, stack, shapeSize, equalShapes, reshape, DTYPES, dtypeInfo, isDType, normalizeDType,
} from "@shoal/core";
export type { NDArray, DType, TypedArray } from "@shoal/core";
export { MemoryStore, openStore, withCache, withPrefix, withReadOnly } from "@shoal/storage";
export type { Store, StoreCapabilities, OpenStoreOptions } from "@shoal/storage";
export {
  CorruptChunkError, DatasetNotFoundError, MissingChunkError, SampleIndexError, TensorAlreadyExistsError, TensorDoesNotExistError,
} from "@shoal/chunks";
export {
  UnknownHtypeError, UnknownCompressionError, UnsupportedCompressionError, HtypeArgumentError, SampleError, SampleValueError,
  SampleTypeError, SampleDtypeError, SampleShapeError, CorruptSampleError, HTYPE_NAMES,
} from "@shoal/htypes";
export type { CompressedSample, LinkSample, SampleInput } from "@shoal/htypes";
// Reading a media file's header (shape, dtype) or its pixels outside a dataset: converters and importers need it.
export { getSampleCodec } from "@shoal/codecs";
export type { SampleCodec, SampleInfo } from "@shoal/codecs";
export {
  VersionControlError, CheckoutError, BranchExistsError, InvalidBranchNameError, CommitError, EmptyCommitError, ConcurrentWriteError,
  LockRequiredError, MergeConflictError, MergeError, FIRST_COMMIT_ID,
} from "@shoal/vcs";
export type { CommitDetails, CommitLock, FixReport } from "@shoal/vcs";

/** ClearML-style versioned file datasets (`shoal.files.FileDataset`); `shoal/node` adds local folders. */
export * as files from "@shoal/clearml-compat";
