/**
 * Failure kinds of the Deep Lake 3.x reader. Each names the object (store key), tensor and sample it concerns;
 * `code` equals the class name, so `isShoalError(e, "MissingChunkError")` matches the native engine's error too.
 * @module
 */
import { ShoalError, type ShoalErrorOptions } from "@shoal/core";

/** A chunk the chunk-id encoder names is absent from the store (a truncated copy, a partial upload). */
export class MissingChunkError extends ShoalError {
  readonly key: string;
  readonly tensor: string;
  readonly index: number;
  /** The chunk-id encoder that names the chunk: the missing chunk, or a damaged encoder naming one that never was. */
  readonly namedBy: string | undefined;
  constructor(key: string, tensor: string, index: number, options?: ShoalErrorOptions & { namedBy?: string }) {
    const by = options?.namedBy === undefined ? "" : ` (named by ${JSON.stringify(options.namedBy)})`;
    super("MissingChunkError", `[shoal] Deep Lake chunk ${JSON.stringify(key)} holding sample ${index} of tensor ${JSON.stringify(tensor)} is missing from the store${by}`, options);
    this.namedBy = options?.namedBy;
    this.key = key;
    this.tensor = tensor;
    this.index = index;
  }
}

/** An object of the dataset does not parse: what is wrong, in which key, at which byte when known. */
export class DeepLakeFormatError extends ShoalError {
  readonly key: string;
  readonly offset: number | undefined;
  constructor(key: string, reason: string, options?: { offset?: number; cause?: unknown }) {
    super("DeepLakeFormatError", `[shoal] corrupt Deep Lake object ${JSON.stringify(key)}${options?.offset === undefined ? "" : ` at byte ${options.offset}`}: ${reason}`, options);
    this.key = key;
    this.offset = options?.offset;
  }
}

/** The dataset uses something this reader does not read (a newer format version, an unknown compression or dtype). */
export class DeepLakeUnsupportedError extends ShoalError {
  readonly feature: string;
  readonly where: string;
  constructor(feature: string, where: string, reason: string, options?: ShoalErrorOptions) {
    super("DeepLakeUnsupportedError", `[shoal] unsupported Deep Lake ${feature} in ${where}: ${reason}`, options);
    this.feature = feature;
    this.where = where;
  }
}

/** The store holds no Deep Lake 3.x dataset (neither `dataset_meta.json` nor `version_control_info.json`). */
export class NotADeepLakeDatasetError extends ShoalError {
  constructor(reason: string, options?: ShoalErrorOptions) {
    super("NotADeepLakeDatasetError", `[shoal] not a Deep Lake 3.x dataset: ${reason}`, options);
  }
}

/** A commit id or branch asked for is not in the dataset's version tree. */
export class DeepLakeVersionNotFoundError extends ShoalError {
  readonly address: string;
  constructor(address: string, known: readonly string[]) {
    super("DeepLakeVersionNotFoundError", `[shoal] Deep Lake dataset has no commit or branch ${JSON.stringify(address)}; branches: ${known.join(", ") || "(none)"}`);
    this.address = address;
  }
}

/** A tensor name is not in the dataset at this commit. */
export class DeepLakeTensorNotFoundError extends ShoalError {
  readonly tensor: string;
  constructor(tensor: string, known: readonly string[]) {
    super("DeepLakeTensorNotFoundError", `[shoal] Deep Lake dataset has no tensor ${JSON.stringify(tensor)}; known: ${known.join(", ") || "(none)"}`);
    this.tensor = tensor;
  }
}

/** A sample index is not an integer in [0, length). */
export class DeepLakeIndexError extends ShoalError {
  readonly index: number;
  readonly length: number;
  constructor(tensor: string, index: number, length: number) {
    super("DeepLakeIndexError", `[shoal] index ${index} is out of range for Deep Lake tensor ${JSON.stringify(tensor)} of length ${length}`);
    this.index = index;
    this.length = length;
  }
}
