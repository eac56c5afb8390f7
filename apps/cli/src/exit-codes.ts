import { isShoalError } from "shoal";

/**
 * The one place that maps error codes to process exit codes, so scripts can branch on the kind of failure.
 * 1 is reserved for unexpected errors (bugs); 2 for usage errors.
 */
const exitCodes: Record<string, number> = {
  InvalidArgumentError: 2,
  UsageError: 2,
  TQLSyntaxError: 3,
  TQLError: 3,
  TensorDoesNotExistError: 4,
  DatasetNotFoundError: 4,
  CheckoutError: 4,
  StorageError: 5,
  InvalidKeyError: 5,
  PreconditionFailedError: 6,
  ConcurrentWriteError: 6,
  ReadOnlyModeError: 7,
  MergeConflictError: 8,
  EmptyCommitError: 9,
  CorruptDataError: 10,
  CorruptChunkError: 10,
  UnknownCodecError: 11,
  DtypeError: 12,
  ShapeError: 12,
  SampleShapeError: 12,
};

export function exitCodeFor(error: unknown): number {
  if (!isShoalError(error)) return 1;
  return exitCodes[error.code] ?? 20;
}
