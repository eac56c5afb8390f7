import { isShoalError } from "shoal";

/**
 * The one place that maps error codes to process exit codes, so scripts can branch on the kind of failure.
 * 1 is reserved for unexpected errors (bugs); 2 for usage errors.
 */
const exitCodes: Record<string, number> = {
  InvalidArgumentError: 2,
  InvalidPathError: 2,
  HtypeArgumentError: 2,
  TensorAlreadyExistsError: 2,
  TensorGroupAlreadyExistsError: 2,
  VersionExistsError: 2,
  DatasetInUseError: 2,
  DatasetNotFinalError: 2,
  PendingUploadsError: 2,
  DatasetViewSavingError: 2,
  LoaderConfigError: 2,
  UsageError: 2,
  TQLSyntaxError: 3,
  TQLError: 3,
  TQLTypeError: 3,
  TQLFunctionError: 3,
  TensorDoesNotExistError: 4,
  DatasetNotFoundError: 4,
  CheckoutError: 4,
  BranchExistsError: 2,
  InvalidBranchNameError: 2,
  MergeError: 2,
  StorageError: 5,
  UploadError: 5,
  InvalidKeyError: 5,
  PreconditionFailedError: 6,
  ConcurrentWriteError: 6,
  DatasetLockedError: 6,
  LockRequiredError: 6,
  ReadOnlyModeError: 7,
  DatasetFinalizedError: 7,
  MergeConflictError: 8,
  EmptyCommitError: 9,
  CorruptDataError: 10,
  CorruptChunkError: 10,
  CorruptSampleError: 10,
  CorruptContentError: 10,
  MissingChunkError: 10,
  UnknownCodecError: 11,
  UnknownHtypeError: 11,
  UnknownCompressionError: 11,
  UnsupportedCompressionError: 11,
  DtypeError: 12,
  ShapeError: 12,
  SampleShapeError: 12,
  SampleValueError: 12,
  SampleTypeError: 12,
  FileChangedError: 13,
  IndexError: 14,
  RangeError: 14,
  UnsupportedError: 15,
  SampleIndexError: 14,
  ViewNotFoundError: 4,
  TensorGroupDoesNotExistError: 4,
};

export function exitCodeFor(error: unknown): number {
  if (!isShoalError(error)) return 1;
  return exitCodes[error.code] ?? 20;
}
