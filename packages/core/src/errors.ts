/**
 * The error family of shoal. Every failure is a subclass with a stable `code`, so callers (and the CLI's exit-code
 * map) branch on codes instead of message text. A `Symbol.for` brand makes `isShoalError` work even when two copies
 * of this package are installed side by side, where `instanceof` would fail.
 * @module
 */

const BRAND: unique symbol = Symbol.for("@shoal/error") as never;

export interface ShoalErrorOptions {
  cause?: unknown;
}

export class ShoalError extends Error {
  /** Machine-readable failure code, e.g. `"StorageError"`. Stable across releases. */
  readonly code: string;
  readonly [BRAND]: true = true;

  constructor(code: string, message: string, options?: ShoalErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = code;
  }
}

/** True when `e` is any shoal error, or one whose code is among `codes`. */
export function isShoalError(e: unknown, ...codes: string[]): e is ShoalError {
  if (typeof e !== "object" || e === null || (e as Record<symbol, unknown>)[BRAND] !== true) return false;
  return codes.length === 0 || codes.includes((e as ShoalError).code);
}

/** A storage operation failed: carries the key (and, for remote stores, the HTTP status). */
export class StorageError extends ShoalError {
  readonly key: string;
  readonly status: number | undefined;
  constructor(message: string, options: { key: string; status?: number; cause?: unknown }) {
    super("StorageError", message, options);
    this.key = options.key;
    this.status = options.status;
  }
}

/** A key is malformed or would escape its store's root (`..`, absolute path, NUL byte, empty segment). */
export class InvalidKeyError extends ShoalError {
  readonly key: string;
  constructor(key: string, reason: string) {
    super("InvalidKeyError", `[shoal] invalid store key ${JSON.stringify(key)}: ${reason}`);
    this.key = key;
  }
}

/** A conditional write lost: the key existed (create-only) or changed (compare-and-swap). */
export class PreconditionFailedError extends ShoalError {
  readonly key: string;
  readonly condition: string;
  constructor(key: string, condition: string, options?: ShoalErrorOptions) {
    super("PreconditionFailedError", `[shoal] conditional write of ${JSON.stringify(key)} failed (${condition})`, options);
    this.key = key;
    this.condition = condition;
  }
}

/** A write was attempted on a read-only store or dataset. */
export class ReadOnlyModeError extends ShoalError {
  constructor(what: string) {
    super("ReadOnlyModeError", `[shoal] ${what} is read-only`);
  }
}

/** A byte range does not lie within the object it addresses. */
export class RangeError extends ShoalError {
  readonly key: string;
  constructor(key: string, message: string) {
    super("RangeError", `[shoal] ${message} (key ${JSON.stringify(key)})`);
    this.key = key;
  }
}

/** The backend cannot do what was asked (e.g. writes on an HTTP store, conditional writes on a store without them). */
export class UnsupportedError extends ShoalError {
  readonly feature: string;
  constructor(feature: string, message: string) {
    super("UnsupportedError", message);
    this.feature = feature;
  }
}

/** No codec is registered under this name. */
export class UnknownCodecError extends ShoalError {
  readonly codec: string;
  constructor(codec: string, known: readonly string[]) {
    super("UnknownCodecError", `[shoal] unknown codec ${JSON.stringify(codec)}; known: ${known.join(", ")}`);
    this.codec = codec;
  }
}

/** Compressed bytes are truncated or corrupt. `offset` is where decoding gave up, when known. */
export class CorruptDataError extends ShoalError {
  readonly codec: string;
  readonly offset: number | undefined;
  constructor(codec: string, message: string, options?: { offset?: number; cause?: unknown }) {
    super("CorruptDataError", `[shoal] ${codec}: ${message}${options?.offset === undefined ? "" : ` at byte ${options.offset}`}`, options);
    this.codec = codec;
    this.offset = options?.offset;
  }
}

/** An argument is outside what the function accepts. */
export class InvalidArgumentError extends ShoalError {
  constructor(message: string, options?: ShoalErrorOptions) {
    super("InvalidArgumentError", message, options);
  }
}

/** A dtype name is unknown, or data does not match the dtype it is declared with. */
export class DtypeError extends ShoalError {
  constructor(message: string, options?: ShoalErrorOptions) {
    super("DtypeError", message, options);
  }
}

/** Shapes disagree (stacking arrays of different shapes, data length not matching a shape). */
export class ShapeError extends ShoalError {
  constructor(message: string, options?: ShoalErrorOptions) {
    super("ShapeError", message, options);
  }
}
