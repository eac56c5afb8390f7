/**
 * Failures of the htype layer. Sample errors carry the tensor name and sample index so a failed `extend` says
 * exactly which input was bad.
 * @module
 */
import { ShoalError } from "@shoal/core";

/** The htype string names no htype (or wraps one in a way Deep Lake rejects, such as a bare `link`). */
export class UnknownHtypeError extends ShoalError {
  readonly htype: string;
  constructor(htype: string, known: readonly string[], options?: { cause?: unknown }) {
    super("UnknownHtypeError", `[shoal] unknown htype ${JSON.stringify(htype)}; known: ${known.join(", ")} (and sequence[...], link[...])`, options);
    this.htype = htype;
  }
}

/** A compression name that shoal does not know at all. */
export class UnknownCompressionError extends ShoalError {
  readonly compression: string;
  constructor(compression: string, known: readonly string[]) {
    super("UnknownCompressionError", `[shoal] unknown compression ${JSON.stringify(compression)}; known: ${known.join(", ")}`);
    this.compression = compression;
  }
}

/** A known compression that this htype does not allow (as sample or chunk compression). */
export class UnsupportedCompressionError extends ShoalError {
  readonly htype: string;
  readonly compression: string;
  constructor(message: string, options: { htype: string; compression: string; cause?: unknown }) {
    super("UnsupportedCompressionError", message, options);
    this.htype = options.htype;
    this.compression = options.compression;
  }
}

/** A create-tensor option is missing, unknown, or has a bad value for the htype (dtype, coords, classNames …). */
export class HtypeArgumentError extends ShoalError {
  readonly htype: string;
  readonly option: string;
  constructor(htype: string, option: string, message: string, options?: { cause?: unknown }) {
    super("HtypeArgumentError", `[shoal] htype ${htype}: option ${option}: ${message}`, options);
    this.htype = htype;
    this.option = option;
  }
}

export interface SampleErrorWhere {
  tensor: string;
  index: number;
  /** Position inside a sequence sample. */
  item?: number;
}

function where(at: SampleErrorWhere): string {
  return `tensor ${JSON.stringify(at.tensor)}, sample ${at.index}${at.item === undefined ? "" : ` item ${at.item}`}`;
}

/** Base of the per-sample failures; `tensor` and `index` say which sample. */
export class SampleError extends ShoalError {
  readonly tensor: string;
  readonly index: number;
  readonly item: number | undefined;
  constructor(code: string, at: SampleErrorWhere, message: string, options?: { cause?: unknown }) {
    super(code, `[shoal] ${where(at)}: ${message}`, options);
    this.tensor = at.tensor;
    this.index = at.index;
    this.item = at.item;
  }
}

/** The sample's element type cannot be stored in the tensor's dtype without loss. */
export class SampleDtypeError extends SampleError {
  constructor(at: SampleErrorWhere, message: string, options?: { cause?: unknown }) {
    super("SampleDtypeError", at, message, options);
  }
}

/** The sample's rank or dimensions break the htype's rules (e.g. a bbox that is not [n, 4]). */
export class SampleShapeError extends SampleError {
  constructor(at: SampleErrorWhere, message: string, options?: { cause?: unknown }) {
    super("SampleShapeError", at, message, options);
  }
}

/** A value is out of what the htype allows: non-finite bbox coordinates, class index out of range, mask value not 0/1. */
export class SampleValueError extends SampleError {
  constructor(at: SampleErrorWhere, message: string, options?: { cause?: unknown }) {
    super("SampleValueError", at, message, options);
  }
}

/** The input is of a kind the htype does not take (a string for an image, an array for a video tensor with mp4 …). */
export class SampleTypeError extends SampleError {
  constructor(at: SampleErrorWhere, message: string, options?: { cause?: unknown }) {
    super("SampleTypeError", at, message, options);
  }
}

/** A compressed sample's bytes are truncated, corrupt, or not in the format they claim. */
export class CorruptSampleError extends SampleError {
  readonly compression: string;
  constructor(at: SampleErrorWhere, compression: string, message: string, options?: { cause?: unknown }) {
    super("CorruptSampleError", at, `${compression}: ${message}`, options);
    this.compression = compression;
  }
}
