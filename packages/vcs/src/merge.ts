/**
 * Merge planning, pure: given each side's stable sample ids and its change sets since the common ancestor, decide
 * which tensors to create, rename or delete and which samples to append, update or delete. The facade executes
 * the plan (it owns the data) and commits the result with `mergeParent`.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import type { ChangeSet } from "./changes.ts";
import { MergeConflictError, type SampleConflict } from "./errors.ts";

export interface SideChange {
  changes: ChangeSet;
  /**
   * True for a merge commit whose merged parent is also in the other side's history: its `mergedIds` then hold
   * values the other side already has, so they do not count as this side's edits.
   */
  mergedFromCommon?: boolean;
}

export interface MergeSide {
  /** Stable sample ids of each tensor at this side's head, in index order (key: tensor name at the head). */
  ids: Record<string, BigUint64Array>;
  /** Change sets of the commits since the common ancestor, newest first (as `prepareMerge` returns them). */
  changes: SideChange[];
}

export interface MergeOptions {
  conflictResolution?: "ours" | "theirs";
  deleteRemovedTensors?: boolean;
  force?: boolean;
}

export interface TensorMergePlan {
  /** Tensor name in ours (after `renameTensors`). */
  tensor: string;
  /** Tensor name in theirs. */
  source: string;
  /** Theirs indices to append to ours, ascending. */
  append: Float64Array;
  appendIds: BigUint64Array;
  /** Copy theirs[updateTheirs[k]] over ours[updateOurs[k]]; ordered by ours index. */
  updateOurs: Float64Array;
  updateTheirs: Float64Array;
  updateIds: BigUint64Array;
  /** Ours indices to delete, ascending (apply after updates, from the end). */
  delete: Float64Array;
  /** Conflicts found here and settled by `conflictResolution`. */
  resolved: SampleConflict[];
}

export interface MergePlan {
  /** Tensors to copy whole from theirs (new there). */
  createTensors: Array<{ name: string; from: string }>;
  /** Ours tensors to rename first, as theirs renamed them. */
  renameTensors: Array<{ from: string; to: string }>;
  /** Ours tensors to delete (deleted in theirs, with deleteRemovedTensors). */
  deleteTensors: string[];
  tensors: TensorMergePlan[];
  /** Take theirs' dataset info (changed there and not here, or "theirs" resolution). */
  takeTheirsInfo: boolean;
}

interface Track {
  /** Name at the common ancestor, or null for a tensor created on this side. */
  origin: string | null;
  /** Name at the side's head, or null when deleted. */
  name: string | null;
  updated: Set<bigint>;
  deleted: Set<bigint>;
}

/** Replays one side's change sets (oldest first) into per-tensor tracks keyed by identity, not by name. */
function summarize(side: SideChange[]): { tracks: Track[]; infoUpdated: boolean } {
  const tracks: Track[] = [];
  let infoUpdated = false;
  const live = (name: string) => tracks.find((t) => t.name === name);
  const touch = (name: string): Track => {
    let t = live(name);
    if (!t) tracks.push((t = { origin: name, name, updated: new Set(), deleted: new Set() }));
    return t;
  };
  for (let c = side.length - 1; c >= 0; c--) {
    const { changes, mergedFromCommon } = side[c]!;
    const d = changes.dataset ?? {};
    if (d.infoUpdated) infoUpdated = true;
    for (const [from, to] of Object.entries(d.renamed ?? {})) touch(from).name = to;
    for (const [name, tc] of Object.entries(changes.tensors ?? {})) {
      let t = live(name);
      if (tc.created && (!t || t.origin !== null)) {
        if (t) t.name = null;
        tracks.push((t = { origin: null, name, updated: new Set(), deleted: new Set() }));
      }
      t ??= touch(name);
      const merged = mergedFromCommon && tc.mergedIds ? new Set(tc.mergedIds) : undefined;
      for (const id of tc.updatedIds ?? []) if (!merged?.has(id)) t.updated.add(id);
      for (const id of tc.deletedIds ?? []) {
        t.deleted.add(id);
        t.updated.delete(id);
      }
    }
    for (const name of d.deleted ?? []) touch(name).name = null;
  }
  return { tracks, infoUpdated };
}

function indexOf(ids: BigUint64Array): Map<bigint, number> {
  const map = new Map<bigint, number>();
  for (let i = 0; i < ids.length; i++) map.set(ids[i]!, i);
  return map;
}

function mergeSamples(
  tensor: string,
  source: string,
  ours: BigUint64Array,
  theirs: BigUint64Array,
  ourTrack: Track | undefined,
  theirTrack: Track | undefined,
  resolution: "ours" | "theirs" | undefined,
  conflicts: SampleConflict[],
): TensorMergePlan {
  const oursAt = indexOf(ours);
  const ourUpdated = ourTrack?.updated ?? new Set<bigint>();
  const ourDeleted = ourTrack?.deleted ?? new Set<bigint>();
  const theirUpdated = theirTrack?.updated ?? new Set<bigint>();
  const c = { ids: [] as bigint[], ours: [] as number[], theirs: [] as number[] };
  const conflict = (id: bigint, o: number, t: number) => {
    c.ids.push(id);
    c.ours.push(o);
    c.theirs.push(t);
  };

  const append: number[] = [];
  const updates: Array<[number, number, bigint]> = [];
  for (let ti = 0; ti < theirs.length; ti++) {
    const id = theirs[ti]!;
    const oi = oursAt.get(id);
    if (oi === undefined) {
      if (!ourDeleted.has(id)) append.push(ti);
      else if (theirUpdated.has(id)) {
        conflict(id, -1, ti);
        if (resolution === "theirs") append.push(ti);
      }
    } else if (theirUpdated.has(id)) {
      if (!ourUpdated.has(id)) updates.push([oi, ti, id]);
      else {
        conflict(id, oi, ti);
        if (resolution === "theirs") updates.push([oi, ti, id]);
      }
    }
  }
  const deletes: number[] = [];
  for (const id of theirTrack?.deleted ?? []) {
    const oi = oursAt.get(id);
    if (oi === undefined) continue;
    if (!ourUpdated.has(id)) deletes.push(oi);
    else {
      conflict(id, oi, -1);
      if (resolution === "theirs") deletes.push(oi);
    }
  }
  updates.sort((a, b) => a[0] - b[0]);
  const found: SampleConflict[] = c.ids.length
    ? [{ tensor, ids: BigUint64Array.from(c.ids), oursIndices: Float64Array.from(c.ours), theirsIndices: Float64Array.from(c.theirs) }]
    : [];
  conflicts.push(...found);
  const appendIdx = Float64Array.from(append);
  return {
    tensor,
    source,
    append: appendIdx,
    appendIds: BigUint64Array.from(append, (i) => theirs[i]!),
    updateOurs: Float64Array.from(updates, (u) => u[0]),
    updateTheirs: Float64Array.from(updates, (u) => u[1]),
    updateIds: BigUint64Array.from(updates, (u) => u[2]),
    delete: Float64Array.from(deletes).sort(),
    resolved: found,
  };
}

/**
 * Plans merging `theirs` into `ours`. Throws MergeConflictError when the same sample changed on both sides (unless
 * `conflictResolution`), or when tensor renames/deletions clash (unless `force`).
 */
export function planMerge(input: { ours: MergeSide; theirs: MergeSide }, opts: MergeOptions = {}): MergePlan {
  for (const side of ["ours", "theirs"] as const) assertMergeSide((input as Partial<typeof input> | null)?.[side], side);
  const resolution = opts.conflictResolution;
  if (resolution !== undefined && resolution !== "ours" && resolution !== "theirs") {
    throw new InvalidArgumentError(`[shoal] merge: conflictResolution must be "ours", "theirs" or undefined (got ${JSON.stringify(resolution)})`);
  }
  const ours = summarize(input.ours.changes);
  const theirs = summarize(input.theirs.changes);
  const oursIds = input.ours.ids;
  const plan: MergePlan = { createTensors: [], renameTensors: [], deleteTensors: [], tensors: [], takeTheirsInfo: false };
  const conflicts: SampleConflict[] = [];
  const tensorConflicts: string[] = [];
  const ourTrackOf = (origin: string) => ours.tracks.find((t) => t.origin === origin);
  const ourLiveTrack = (name: string) => ours.tracks.find((t) => t.name === name);
  const sampleMerge = (tensor: string, source: string, theirTrack: Track | undefined) => {
    const ourTrack = ourLiveTrack(tensor) ?? (theirTrack?.origin ? ourTrackOf(theirTrack.origin) : undefined);
    const a = oursIds[tensor];
    const b = input.theirs.ids[source];
    if (!a || !b) return;
    plan.tensors.push(mergeSamples(tensor, source, a, b, ourTrack, theirTrack, resolution, conflicts));
  };

  for (const name of Object.keys(input.theirs.ids)) {
    const tt = theirs.tracks.find((t) => t.name === name);
    if (tt && tt.origin === null) {
      if (name in oursIds) sampleMerge(name, name, tt);
      else plan.createTensors.push({ name, from: name });
      continue;
    }
    const origin = tt?.origin ?? name;
    const ot = ourTrackOf(origin);
    const ourName = ot ? ot.name : origin in oursIds ? origin : null;
    const renamedThere = origin !== name;
    if (ourName === null) {
      if (!renamedThere) continue; // deleted here: stays deleted
      if (opts.force) plan.createTensors.push({ name, from: name });
      else tensorConflicts.push(`tensor "${origin}" renamed to "${name}" in theirs but deleted in ours`);
      continue;
    }
    if (!renamedThere || ourName === name) {
      sampleMerge(ourName, name, tt);
      continue;
    }
    if (ourName !== origin) {
      if (opts.force) plan.createTensors.push({ name, from: name });
      else tensorConflicts.push(`tensor "${origin}" renamed to "${ourName}" in ours and to "${name}" in theirs`);
      continue;
    }
    if (name in oursIds) {
      // Renamed there onto a name that a tensor created here already uses.
      if (opts.force) sampleMerge(name, name, tt);
      else tensorConflicts.push(`tensor "${origin}" renamed to "${name}" in theirs, where ours created a tensor "${name}"`);
      continue;
    }
    plan.renameTensors.push({ from: origin, to: name });
    const a = oursIds[origin];
    const b = input.theirs.ids[name];
    if (a && b) plan.tensors.push(mergeSamples(name, name, a, b, ot, tt, resolution, conflicts));
  }
  for (const tt of theirs.tracks) {
    if (tt.name !== null || tt.origin === null) continue;
    const ot = ourTrackOf(tt.origin);
    const ourName = ot ? ot.name : tt.origin in oursIds ? tt.origin : null;
    if (ourName !== null && opts.deleteRemovedTensors) plan.deleteTensors.push(ourName);
  }
  plan.takeTheirsInfo = theirs.infoUpdated && (!ours.infoUpdated || resolution === "theirs");
  if (tensorConflicts.length > 0 || (conflicts.length > 0 && resolution === undefined)) {
    throw new MergeConflictError(resolution === undefined ? conflicts : [], tensorConflicts);
  }
  return plan;
}

function assertMergeSide(side: unknown, name: string): asserts side is MergeSide {
  const s = side as Partial<MergeSide> | null | undefined;
  if (typeof s !== "object" || s === null || typeof s.ids !== "object" || s.ids === null || !Array.isArray(s.changes)) {
    throw new InvalidArgumentError(`[shoal] planMerge: ${name} must be { ids: { tensor: BigUint64Array }, changes: SideChange[] }`);
  }
  for (const [tensor, ids] of Object.entries(s.ids)) {
    if (!(ids instanceof BigUint64Array)) throw new InvalidArgumentError(`[shoal] planMerge: ${name}.ids[${JSON.stringify(tensor)}] must be a BigUint64Array of sample ids`);
  }
  s.changes.forEach((c, i) => {
    if (typeof c !== "object" || c === null || typeof c.changes !== "object" || c.changes === null) throw new InvalidArgumentError(`[shoal] planMerge: ${name}.changes[${i}] must be { changes: ChangeSet }`);
  });
}
