/**
 * Failures of the version-control layer. Each has its own `code` (the class name) so the CLI and callers branch on
 * codes; every message starts with `[shoal]` and names the branch, commit or tensor involved.
 * @module
 */
import { ShoalError, type ShoalErrorOptions } from "@shoal/core";

/** Base of the version-control family: corrupt or inconsistent version records, refused operations. */
export class VersionControlError extends ShoalError {
  constructor(message: string, options?: ShoalErrorOptions & { code?: string }) {
    super(options?.code ?? "VersionControlError", message, options);
  }
}

/** The address of a checkout (or diff/merge/details) is neither a branch nor a commit id. */
export class CheckoutError extends VersionControlError {
  readonly address: string;
  constructor(address: string, message?: string, options?: ShoalErrorOptions) {
    super(message ?? `[shoal] checkout: ${JSON.stringify(address)} is neither a branch nor a commit id`, { ...options, code: "CheckoutError" });
    this.address = address;
  }
}

/** A branch with this name already exists. */
export class BranchExistsError extends VersionControlError {
  readonly branch: string;
  constructor(branch: string, options?: ShoalErrorOptions) {
    super(`[shoal] branch ${JSON.stringify(branch)} already exists`, { ...options, code: "BranchExistsError" });
    this.branch = branch;
  }
}

/** A branch name is not allowed (see `assertBranchName`). */
export class InvalidBranchNameError extends VersionControlError {
  readonly branch: string;
  constructor(branch: string, reason: string) {
    super(`[shoal] invalid branch name ${JSON.stringify(branch)}: ${reason}`, { code: "InvalidBranchNameError" });
    this.branch = branch;
  }
}

/** A commit or branch operation cannot be done (unknown branch to delete, branch with sub-branches, merged branch…). */
export class CommitError extends VersionControlError {
  constructor(message: string, options?: ShoalErrorOptions) {
    super(message, { ...options, code: "CommitError" });
  }
}

/** `commit()` without `allowEmpty` on a head whose state equals its parent's. */
export class EmptyCommitError extends VersionControlError {
  readonly branch: string;
  constructor(branch: string) {
    super(`[shoal] nothing to commit on branch ${JSON.stringify(branch)}: the head equals its parent (pass allowEmpty to commit anyway)`, {
      code: "EmptyCommitError",
    });
    this.branch = branch;
  }
}

/** Another writer published to the branch first. Call `refresh()`, redo the change on the new head, retry. */
export class ConcurrentWriteError extends VersionControlError {
  readonly branch: string;
  readonly key: string;
  constructor(branch: string, key: string, options?: ShoalErrorOptions) {
    super(
      `[shoal] another writer updated branch ${JSON.stringify(branch)} first (ref ${JSON.stringify(key)} exists); refresh() and retry`,
      { ...options, code: "ConcurrentWriteError" },
    );
    this.branch = branch;
    this.key = key;
  }
}

/** The store cannot enforce create-only writes and no lock was supplied, so concurrent writers could lose commits. */
export class LockRequiredError extends VersionControlError {
  constructor(what: string) {
    super(
      `[shoal] ${what}: this store does not enforce conditional writes (capabilities.conditionalWrite is "none"), ` +
        `so two writers could overwrite each other's commits; pass a commit lock ({ acquire, release }) to write safely: ` +
        `{ commitLock } to load()/empty(), { lock } to VersionControl.open`,
      { code: "LockRequiredError" },
    );
  }
}

/** One sample-level conflict of a merge: the same stable id changed on both sides. Indices are -1 where absent. */
export interface SampleConflict {
  tensor: string;
  ids: BigUint64Array;
  oursIndices: Float64Array;
  theirsIndices: Float64Array;
}

/** Both sides changed the same samples (or renamed the same tensor differently) and no resolution was given. */
export class MergeConflictError extends VersionControlError {
  readonly conflicts: SampleConflict[];
  readonly tensors: string[];
  constructor(conflicts: SampleConflict[], tensorConflicts: string[] = []) {
    const parts = conflicts.map((c) => `${c.tensor} (ours ${preview(c.oursIndices)}; theirs ${preview(c.theirsIndices)})`);
    parts.push(...tensorConflicts);
    super(
      `[shoal] merge conflict in ${parts.join(", ")}; pass conflictResolution "ours" or "theirs"${tensorConflicts.length ? " or force" : ""}`,
      { code: "MergeConflictError" },
    );
    this.conflicts = conflicts;
    this.tensors = [...new Set([...conflicts.map((c) => c.tensor), ...tensorConflicts])];
  }
}

/** A merge that cannot be done at all: a branch into itself, a target that is an ancestor, bad options. */
export class MergeError extends VersionControlError {
  constructor(message: string, options?: ShoalErrorOptions) {
    super(message, { ...options, code: "MergeError" });
  }
}

function preview(indices: Float64Array): string {
  const shown = Array.from(indices.subarray(0, 8), (i) => (i < 0 ? "-" : String(i)));
  return `[${shown.join(", ")}${indices.length > 8 ? `, … ${indices.length} in all` : ""}]`;
}
