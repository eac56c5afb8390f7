/**
 * Failures of the Dataset API that no lower package owns. Each names the dataset path, tensor or group involved.
 * @module
 */
import { ShoalError, type ShoalErrorOptions } from "@shoal/core";

/** Another session holds the dataset open for writing (FORMAT: `locks/write.json`). */
export class DatasetLockedError extends ShoalError {
  readonly holder: string;
  constructor(holder: string, since: string, options?: ShoalErrorOptions) {
    super("DatasetLockedError", `[shoal] the dataset is open for writing by session ${holder} since ${since}; open it with { readOnly: true }, wait for that session to close(), or pass { lockEnabled: false } if you know it has died`, options);
    this.holder = holder;
  }
}

/** A group and a tensor would share a name, or a group already exists. */
export class TensorGroupAlreadyExistsError extends ShoalError {
  readonly group: string;
  constructor(group: string, reason: string) {
    super("TensorGroupAlreadyExistsError", `[shoal] group ${JSON.stringify(group)}: ${reason}`);
    this.group = group;
  }
}

/** No group of this name. */
export class TensorGroupDoesNotExistError extends ShoalError {
  readonly group: string;
  constructor(group: string) {
    super("TensorGroupDoesNotExistError", `[shoal] group ${JSON.stringify(group)} does not exist`);
    this.group = group;
  }
}

/** A dataset-level write names tensors that are missing, unknown, or given columns of different lengths. */
export class SampleAppendError extends ShoalError {
  constructor(message: string, options?: ShoalErrorOptions) {
    super("SampleAppendError", message, options);
  }
}

/** Deleting more than 1 GB (dataset or tensor) without `largeOk`, or a dataset whose `allowDelete` is false. */
export class DatasetDeleteError extends ShoalError {
  constructor(message: string) {
    super("DatasetDeleteError", message);
  }
}

/** A credentials key that was never added, or one added twice. */
export class CredsKeyError extends ShoalError {
  readonly credsKey: string;
  constructor(credsKey: string, reason: string) {
    super("CredsKeyError", `[shoal] creds key ${JSON.stringify(credsKey)}: ${reason}`);
    this.credsKey = credsKey;
  }
}

/**
 * The location holds a Deep Lake 3.x (or hub 2.x) dataset, not a shoal one: shoal reads it in place with
 * `openDeepLake` and converts it with `importDeepLake`, but never opens or writes it as a shoal dataset.
 */
export class DeepLakeDatasetError extends ShoalError {
  readonly path: string;
  /** `deeplake.__version__` that wrote it, when `dataset_meta.json` says. */
  readonly version: string | undefined;
  constructor(path: string, version: string | undefined, what: string) {
    super(
      "DeepLakeDatasetError",
      `[shoal] cannot ${what} ${JSON.stringify(path)}: it holds a Deep Lake ${version ? `dataset written by deeplake ${version}` : "3.x dataset"}, not a shoal dataset. ` +
        `Convert it with importDeepLake(src, dest) (CLI: shoal import-deeplake <src> <dest>), or read it in place with openDeepLake(src)`,
    );
    this.path = path;
    this.version = version;
  }
}

/** `ds.visualize()` needs the optional peer `@shoal/viewer`, which is not installed beside shoal. */
export class ViewerNotInstalledError extends ShoalError {
  readonly entry: string;
  constructor(entry: string, options?: ShoalErrorOptions) {
    super("ViewerNotInstalledError", `[shoal] ds.visualize() needs ${entry}, which is not installed: npm install @shoal/viewer`, options);
    this.entry = entry;
  }
}
