/**
 * Failures specific to file datasets. Each has a stable `code` (its class name) so the CLI maps it to an exit code.
 * @module
 */
import { ShoalError } from "@shoal/core";

/** A dataset entry path is absolute, has a drive letter, a `..`/`.`/empty segment or a NUL byte. */
export class InvalidPathError extends ShoalError {
  readonly path: string;
  constructor(path: string, reason: string) {
    super("InvalidPathError", `[shoal] [files] invalid dataset path ${JSON.stringify(path)}: ${reason}`);
    this.path = path;
  }
}

/** No dataset version matches the id, or the project/name/version/tags given. */
export class DatasetNotFoundError extends ShoalError {
  constructor(what: string, options?: { cause?: unknown }) {
    super("DatasetNotFoundError", `[shoal] [files] no dataset matches ${what}`, options);
  }
}

/** The version is finalized (or published): its content can no longer change. Create a child version instead. */
export class DatasetFinalizedError extends ShoalError {
  readonly id: string;
  constructor(id: string, action: string) {
    super("DatasetFinalizedError", `[shoal] [files] cannot ${action}: dataset ${id} is finalized; create a child version instead`);
    this.id = id;
  }
}

/** The operation needs a finalized version (a parent, a local copy) but this one is still a draft. */
export class DatasetNotFinalError extends ShoalError {
  readonly id: string;
  constructor(id: string, action: string) {
    super("DatasetNotFinalError", `[shoal] [files] cannot ${action}: dataset ${id} is not finalized`);
    this.id = id;
  }
}

/** finalize() on a dataset with files added but not uploaded (pass `{autoUpload: true}` or call upload()). */
export class PendingUploadsError extends ShoalError {
  readonly id: string;
  readonly pendingFiles: number;
  constructor(id: string, pendingFiles: number) {
    super("PendingUploadsError", `[shoal] [files] dataset ${id} has pending uploads (${pendingFiles} file contents); upload() first or finalize({autoUpload: true})`);
    this.id = id;
    this.pendingFiles = pendingFiles;
  }
}

/** Deleting a version that another version lists as a parent, or a published one, without `force`. */
export class DatasetInUseError extends ShoalError {
  readonly id: string;
  readonly usedBy: string[];
  constructor(id: string, usedBy: string[], reason?: string) {
    super("DatasetInUseError", `[shoal] [files] cannot delete dataset ${id}: ${reason ?? `it is a parent of ${usedBy.join(", ")}`}; pass force to delete anyway`);
    this.id = id;
    this.usedBy = usedBy;
  }
}

/** A version string already exists for this project and name (versions are unique, unlike ClearML). */
export class VersionExistsError extends ShoalError {
  constructor(project: string, name: string, version: string, options?: { cause?: unknown }) {
    super("VersionExistsError", `[shoal] [files] version ${JSON.stringify(version)} of ${JSON.stringify(`${project}/${name}`)} already exists`, options);
  }
}

/** A local file changed (size or content) between addFiles() and upload(); add it again. */
export class FileChangedError extends ShoalError {
  readonly localPath: string;
  constructor(localPath: string, detail: string) {
    super("FileChangedError", `[shoal] [files] ${localPath} changed since it was added (${detail}); call addFiles again`);
    this.localPath = localPath;
  }
}

/** Writing a pack or the dataset state to the store failed; the draft stays as it was after the last landed pack. */
export class UploadError extends ShoalError {
  readonly id: string;
  constructor(id: string, key: string, options: { cause: unknown }) {
    super("UploadError", `[shoal] [files] upload of dataset ${id} failed at ${JSON.stringify(key)}; re-run upload() to resume`, options);
    this.id = id;
  }
}

/** Stored bytes do not match their SHA-256 or the pack is malformed. */
export class CorruptContentError extends ShoalError {
  readonly key: string;
  constructor(key: string, detail: string, options?: { cause?: unknown }) {
    super("CorruptContentError", `[shoal] [files] ${key}: ${detail}`, options);
    this.key = key;
  }
}

/** The operation is not available in offline mode (or only in it). */
export class OfflineModeError extends ShoalError {
  constructor(action: string) {
    super("OfflineModeError", `[shoal] [files] ${action} is not available in offline mode`);
  }
}

/**
 * Two entry paths differ only by letter case (`A.jpg`, `a.jpg`): they would overwrite each other on Windows and macOS
 * disks. Refused when adding unless `allowCaseCollisions`; a local copy on a case-insensitive disk refuses too.
 */
export class CaseCollisionError extends ShoalError {
  readonly path: string;
  readonly other: string;
  constructor(path: string, other: string, where: string) {
    super("CaseCollisionError", `[shoal] [files] ${JSON.stringify(path)} and ${JSON.stringify(other)} differ only by case (${where}); rename one, or pass allowCaseCollisions`);
    this.path = path;
    this.other = other;
  }
}
