/**
 * Diff results: per commit, what each tensor and the dataset changed, from the stored change sets (no data is read).
 * Pure functions; `VersionControl.diff` gathers the commits and calls them.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import type { ChangeSet } from "./changes.ts";

/** Half-open index range `[start, end)`. */
export type IndexRange = [number, number];

export interface TensorDiff {
  created: boolean;
  cleared: boolean;
  infoUpdated: boolean;
  dataTransformedInPlace: boolean;
  /** Indices appended in this commit, or null. */
  added: IndexRange | null;
  /** Indices updated in place, as sorted disjoint ranges. */
  updated: IndexRange[];
  /** Indices deleted (as they were when deleted), as sorted disjoint ranges. */
  deleted: IndexRange[];
}

export interface DatasetDiff {
  infoUpdated: boolean;
  /** old name → new name */
  renamed: Record<string, string>;
  deleted: string[];
}

export interface DiffEntry {
  commitId: string;
  author: string;
  message: string | null;
  /** null for the uncommitted head. */
  date: Date | null;
  dataset: DatasetDiff;
  tensors: Record<string, TensorDiff>;
}

export interface DiffSide {
  /** The address the side was asked for (branch or commit id), or "current state". */
  address: string;
  /** Commits from the side's state back to the common ancestor (exclusive), newest first. */
  entries: DiffEntry[];
}

export type DiffResult =
  | { mode: "single"; entries: DiffEntry[] }
  | { mode: "pair"; left: DiffSide; right: DiffSide; ancestor: string | null };

/** Sorted disjoint ranges covering `indices` (any order, duplicates allowed). */
export function toRanges(indices: ArrayLike<number>): IndexRange[] {
  if (typeof indices !== "object" || indices === null || typeof indices.length !== "number") throw new InvalidArgumentError("[shoal] toRanges takes a list of indices");
  if (indices.length === 0) return [];
  const sorted = Float64Array.from(indices).sort();
  // A NaN or fractional index would give ranges that cover nothing.
  const bad = sorted.find((v) => !Number.isInteger(v));
  if (bad !== undefined) throw new InvalidArgumentError(`[shoal] toRanges: indices must be integers, got ${bad}`);
  const out: IndexRange[] = [];
  let start = sorted[0]!;
  let end = start + 1;
  for (let i = 1; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (v < end) continue;
    if (v === end) end++;
    else {
      out.push([start, end]);
      start = v;
      end = v + 1;
    }
  }
  out.push([start, end]);
  return out;
}

export function diffEntry(meta: { commitId: string; author: string; message: string | null; date: Date | null }, changes: ChangeSet): DiffEntry {
  const tensors: Record<string, TensorDiff> = {};
  for (const [name, t] of Object.entries(changes.tensors ?? {})) {
    tensors[name] = {
      created: !!t.created,
      cleared: !!t.cleared,
      infoUpdated: !!t.infoUpdated,
      dataTransformedInPlace: !!t.dataTransformed,
      added: t.added && t.added[1] > t.added[0] ? [t.added[0], t.added[1]] : null,
      updated: toRanges(t.updatedIndices ?? []),
      deleted: toRanges(t.deletedIndices ?? []),
    };
  }
  const d = changes.dataset ?? {};
  return {
    ...meta,
    dataset: { infoUpdated: !!d.infoUpdated, renamed: { ...(d.renamed ?? {}) }, deleted: [...(d.deleted ?? [])] },
    tensors,
  };
}

/** Deep Lake's `as_dict=True` shape: `{ dataset, tensors }`, each a list (single) or a pair of lists. */
export function diffAsDict(result: DiffResult): { dataset: unknown; tensors: unknown } {
  assertDiffResult(result, "diffAsDict");
  const split = (entries: DiffEntry[]) => ({
    dataset: entries.map((e) => ({ commitId: e.commitId, author: e.author, message: e.message, date: e.date, ...e.dataset })),
    tensors: entries.map((e) => ({ commitId: e.commitId, author: e.author, message: e.message, date: e.date, ...e.tensors })),
  });
  if (result.mode === "single") return split(result.entries);
  const l = split(result.left.entries);
  const r = split(result.right.entries);
  return { dataset: [l.dataset, r.dataset], tensors: [l.tensors, r.tensors] };
}

const rangeText = (r: IndexRange): string => (r[1] - r[0] === 1 ? `${r[0]}` : `${r[0]}-${r[1] - 1}`);

function entryLines(e: DiffEntry): string[] {
  const lines = [`Commit: ${e.commitId}${e.date ? "" : " (uncommitted)"}`];
  if (e.date) lines.push(`Author: ${e.author}`, `Date: ${e.date.toISOString()}`);
  if (e.message !== null) lines.push(`Message: ${e.message}`);
  const d = e.dataset;
  if (d.infoUpdated) lines.push("  dataset info updated");
  for (const [from, to] of Object.entries(d.renamed)) lines.push(`  tensor renamed: ${from} -> ${to}`);
  for (const name of d.deleted) lines.push(`  tensor deleted: ${name}`);
  let any = d.infoUpdated || Object.keys(d.renamed).length > 0 || d.deleted.length > 0;
  for (const [name, t] of Object.entries(e.tensors)) {
    const parts: string[] = [];
    if (t.created) parts.push("created");
    if (t.cleared) parts.push("cleared");
    if (t.infoUpdated) parts.push("info updated");
    if (t.dataTransformedInPlace) parts.push("transformed in place");
    if (t.added) parts.push(`added ${rangeText(t.added)}`);
    if (t.updated.length) parts.push(`updated ${t.updated.map(rangeText).join(", ")}`);
    if (t.deleted.length) parts.push(`deleted ${t.deleted.map(rangeText).join(", ")}`);
    if (parts.length) {
      lines.push(`  ${name}: ${parts.join("; ")}`);
      any = true;
    }
  }
  if (!any) lines.push("  no changes");
  return lines;
}

/** The readable printout of a diff. */
export function formatDiff(result: DiffResult): string {
  assertDiffResult(result, "formatDiff");
  if (result.mode === "single") {
    return ["## Changes in the current state", ...result.entries.flatMap(entryLines)].join("\n");
  }
  const side = (s: DiffSide) => [`## ${s.address}`, ...(s.entries.length ? s.entries.flatMap(entryLines) : ["  no changes"])];
  return [
    `Common ancestor: ${result.ancestor ?? "(none)"}`,
    ...side(result.left),
    "",
    ...side(result.right),
  ].join("\n");
}

function assertDiffResult(result: unknown, what: string): asserts result is DiffResult {
  const r = result as Partial<{ mode: unknown; entries: unknown; left: { entries?: unknown }; right: { entries?: unknown } }> | null;
  const ok = typeof r === "object" && r !== null &&
    ((r.mode === "single" && Array.isArray(r.entries)) || (r.mode === "pair" && Array.isArray(r.left?.entries) && Array.isArray(r.right?.entries)));
  if (!ok) throw new InvalidArgumentError(`[shoal] ${what} takes the DiffResult of VersionControl.diff ({ mode: "single" | "pair", … })`);
}
