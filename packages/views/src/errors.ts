/**
 * Failure kinds of views and TQL. Each carries what the caller needs to point at the problem (index and length,
 * line and column, tensor or function name); `code` equals the class name.
 * @module
 */
import { ShoalError, type ShoalErrorOptions } from "@shoal/core";

/** An index is out of range for what it addresses, or a slice step is 0. */
export class IndexError extends ShoalError {
  readonly index: number | string;
  readonly length: number;
  constructor(index: number | string, length: number, what = "view", options?: ShoalErrorOptions) {
    super("IndexError", `[shoal] index ${index} is out of range for ${what} of length ${length}`, options);
    this.index = index;
    this.length = length;
  }
}

/** A TQL query does not parse. `line`/`column` are 1-based; `excerpt` shows the line with a caret under the spot. */
export class TQLSyntaxError extends ShoalError {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  readonly excerpt: string;
  constructor(message: string, query: string, offset: number, options?: ShoalErrorOptions) {
    const before = query.slice(0, offset);
    const line = before.split("\n").length;
    const lineStart = before.lastIndexOf("\n") + 1;
    const column = offset - lineStart + 1;
    const lineEnd = query.indexOf("\n", lineStart);
    const text = query.slice(lineStart, lineEnd < 0 ? query.length : lineEnd);
    const excerpt = `${text}\n${" ".repeat(column - 1)}^`;
    super("TQLSyntaxError", `[shoal] TQL syntax error at line ${line}, column ${column}: ${message}\n${excerpt}`, options);
    this.line = line;
    this.column = column;
    this.offset = offset;
    this.excerpt = excerpt;
  }
}

/** A TQL query names a tensor the dataset does not have. */
export class TensorDoesNotExistError extends ShoalError {
  readonly tensor: string;
  constructor(tensor: string, known: readonly string[], options?: ShoalErrorOptions) {
    super("TensorDoesNotExistError", `[shoal] tensor ${JSON.stringify(tensor)} does not exist; known: ${known.join(", ") || "(none)"}`, options);
    this.tensor = tensor;
  }
}

/** A TQL query calls a function that is not in the catalogue, or with the wrong number of arguments. */
export class TQLFunctionError extends ShoalError {
  readonly function: string;
  constructor(fn: string, message: string, options?: ShoalErrorOptions) {
    super("TQLFunctionError", `[shoal] TQL function ${fn}(): ${message}`, options);
    this.function = fn;
  }
}

/** A TQL value has the wrong type for an operation (string vs number, array vs scalar, non-boolean WHERE...). */
export class TQLTypeError extends ShoalError {
  readonly row: number | undefined;
  constructor(message: string, row?: number, options?: ShoalErrorOptions) {
    super("TQLTypeError", `[shoal] TQL type error${row === undefined ? "" : ` at row ${row}`}: ${message}`, options);
    this.row = row;
  }
}

/** Sampling cannot satisfy its request (e.g. more distinct rows than rows with non-zero weight). */
export class SamplingError extends ShoalError {
  constructor(message: string, options?: ShoalErrorOptions) {
    super("SamplingError", `[shoal] ${message}`, options);
  }
}

/** A view cannot be saved: uncommitted changes, duplicate id, bad id. */
export class DatasetViewSavingError extends ShoalError {
  readonly id: string | undefined;
  constructor(message: string, id?: string, options?: ShoalErrorOptions) {
    super("DatasetViewSavingError", `[shoal] cannot save view${id === undefined ? "" : ` ${JSON.stringify(id)}`}: ${message}`, options);
    this.id = id;
  }
}

/** No saved view has this id (Deep Lake raises KeyError). */
export class ViewNotFoundError extends ShoalError {
  readonly id: string;
  constructor(id: string, options?: ShoalErrorOptions) {
    super("ViewNotFoundError", `[shoal] no view with id ${JSON.stringify(id)} found in the dataset`, options);
    this.id = id;
  }
}

/** A view is read after its source changed (a write to HEAD or a checkout since the view was created). */
export class InvalidViewError extends ShoalError {
  readonly createdAt: string;
  readonly current: string;
  constructor(createdAt: string, current: string, options?: ShoalErrorOptions) {
    super(
      "InvalidViewError",
      `[shoal] view is invalid: it was created at source version ${JSON.stringify(createdAt)} but the source is now at ${JSON.stringify(current)} (changes were made or another commit was checked out); create the view again`,
      options,
    );
    this.createdAt = createdAt;
    this.current = current;
  }
}
