/**
 * `@shoal/vcs`: commits, branches, refs, diff and merge planning over any Store. Knows nothing of chunks: a
 * version's dataset state is an opaque manifest id supplied by the caller.
 * @module
 */
export { VersionControl } from "./version-control.ts";
export type { OpenOptions, CommitDetails, CommitOptions, MergeContext, DeletedBranch, FixReport } from "./version-control.ts";
export type { CommitLock } from "./record-store.ts";
export type { ChangeSet, TensorChanges, DatasetChanges } from "./changes.ts";
export { isEmptyChangeSet } from "./changes.ts";
export { planMerge } from "./merge.ts";
export type { MergePlan, TensorMergePlan, MergeSide, SideChange, MergeOptions } from "./merge.ts";
export { diffAsDict, formatDiff, toRanges } from "./diff.ts";
export type { DiffResult, DiffEntry, DiffSide, TensorDiff, DatasetDiff, IndexRange } from "./diff.ts";
export { formatLog } from "./log.ts";
export { FIRST_COMMIT_ID, assertBranchName } from "./records.ts";
export type { CommitRecord, RefRecord, BranchRecord } from "./records.ts";
export * from "./errors.ts";
