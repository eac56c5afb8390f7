/**
 * Failures of the tensor engine. Each names where it happened (tensor, sample index, chunk key, byte offset), so a
 * message alone is enough to find the broken object.
 * @module
 */
import { DtypeError, ShoalError } from "@shoal/core";

/** A chunk or index object fails its magic, version or checksum test, or its fields contradict each other. */
export class CorruptChunkError extends ShoalError {
  readonly key: string;
  readonly offset: number;
  constructor(key: string, offset: number, reason: string, options?: { cause?: unknown }) {
    super("CorruptChunkError", `[shoal] corrupt object ${JSON.stringify(key)} at byte ${offset}: ${reason}`, options);
    this.key = key;
    this.offset = offset;
  }
}

/** An object that a manifest or index names is not in the store. */
export class MissingChunkError extends ShoalError {
  readonly key: string;
  constructor(key: string, context: string, options?: { cause?: unknown }) {
    super("MissingChunkError", `[shoal] missing object ${JSON.stringify(key)} (${context})`, options);
    this.key = key;
  }
}

/** A sample index is outside `[0, length)` (or not an integer). */
export class SampleIndexError extends ShoalError {
  readonly tensor: string;
  readonly index: number;
  constructor(tensor: string, index: number, length: number) {
    super("SampleIndexError", `[shoal] tensor ${JSON.stringify(tensor)}: index ${index} is out of range for length ${length}`);
    this.tensor = tensor;
    this.index = index;
  }
}

/** A sample's shape or rank does not fit the tensor (or a slice does not fit the sample). */
export class SampleShapeError extends ShoalError {
  readonly tensor: string;
  readonly index: number;
  constructor(tensor: string, index: number, reason: string, options?: { cause?: unknown }) {
    super("SampleShapeError", `[shoal] tensor ${JSON.stringify(tensor)}, sample ${index}: ${reason}`, options);
    this.tensor = tensor;
    this.index = index;
  }
}

/** A sample's dtype or kind does not match the tensor's. Its code stays "DtypeError". */
export class SampleDtypeError extends DtypeError {
  readonly tensor: string;
  readonly index: number;
  constructor(tensor: string, index: number, reason: string, options?: { cause?: unknown }) {
    super(`[shoal] tensor ${JSON.stringify(tensor)}, sample ${index}: ${reason}`, options);
    this.tensor = tensor;
    this.index = index;
  }
}

/** No tensor of this name in the dataset state. */
export class TensorDoesNotExistError extends ShoalError {
  readonly tensor: string;
  constructor(tensor: string) {
    super("TensorDoesNotExistError", `[shoal] tensor ${JSON.stringify(tensor)} does not exist`);
    this.tensor = tensor;
  }
}

/** A tensor (or group) of this name already exists. */
export class TensorAlreadyExistsError extends ShoalError {
  readonly tensor: string;
  constructor(tensor: string) {
    super("TensorAlreadyExistsError", `[shoal] tensor ${JSON.stringify(tensor)} already exists`);
    this.tensor = tensor;
  }
}

/** The store holds no shoal dataset (no `shoal.json`), or one written by a newer format version. */
export class DatasetNotFoundError extends ShoalError {
  constructor(message: string) {
    super("DatasetNotFoundError", message);
  }
}
