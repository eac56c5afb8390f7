import { ShoalError } from "@shoal/core";

/** A request path that would leave the dataset root (`..`, encoded or double-encoded dots, backslashes, absolute). */
export class UnsafePathError extends ShoalError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super("UnsafePathError", `[shoal] viewer refused path ${JSON.stringify(path)}: ${reason}`);
    this.path = path;
  }
}

/** `serve()` was given options it cannot use (a bad port, host or source). */
export class ViewerOptionError extends ShoalError {
  constructor(message: string) {
    super("ViewerOptionError", `[shoal] viewer: ${message}`);
  }
}

/** `visualize()` was given a dataset it cannot serve any more: closed or deleted. */
export class ClosedDatasetError extends ShoalError {
  constructor(what: string) {
    super("ClosedDatasetError", `[shoal] viewer: cannot visualize ${what}: it is closed (or deleted); load it again`);
  }
}
