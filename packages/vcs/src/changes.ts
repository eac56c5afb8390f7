/**
 * Change sets: what one version changed, recorded when it is written so that diff and merge never scan data
 * (Deep Lake's `commit_diff` + `dataset_diff`). Indices are positions in the tensor at that version; ids are the
 * stable sample ids (hidden id tensor) that merge matches across branches.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { corrupt, decodeF64, decodeU64, encodeF64, encodeU64 } from "./codec.ts";

export interface TensorChanges {
  /** The tensor was created in this version. */
  created?: boolean;
  /** All samples were removed (`tensor.clear()`). */
  cleared?: boolean;
  /** The tensor's info changed. */
  infoUpdated?: boolean;
  /** Rewritten in place by a transform: earlier add/update history no longer applies. */
  dataTransformed?: boolean;
  /** Half-open range of indices appended in this version. */
  added?: readonly [number, number];
  /** Indices updated in place (outside `added`), parallel to `updatedIds`. */
  updatedIndices?: Float64Array;
  updatedIds?: BigUint64Array;
  /** Indices removed (as they were when removed), parallel to `deletedIds`. */
  deletedIndices?: Float64Array;
  deletedIds?: BigUint64Array;
  /** Merge commits only: ids whose value was copied from the merged commit (so a later merge does not see them as ours). */
  mergedIds?: BigUint64Array;
}

export interface DatasetChanges {
  infoUpdated?: boolean;
  /** Tensors renamed in this version, old name → new name. */
  renamed?: Record<string, string>;
  /** Tensors deleted in this version (names as they were). */
  deleted?: string[];
}

/** What one version changed. Tensor entries are keyed by the tensor's name at the end of the version. */
export interface ChangeSet {
  tensors?: Record<string, TensorChanges>;
  dataset?: DatasetChanges;
}

/** True when the change set records nothing. */
export function isEmptyChangeSet(changes: ChangeSet | undefined): boolean {
  if (!changes) return true;
  const d = changes.dataset;
  if (d && (d.infoUpdated || Object.keys(d.renamed ?? {}).length > 0 || (d.deleted?.length ?? 0) > 0)) return false;
  for (const t of Object.values(changes.tensors ?? {})) {
    if (t.created || t.cleared || t.infoUpdated || t.dataTransformed) return false;
    if (t.added && t.added[1] > t.added[0]) return false;
    if ((t.updatedIds?.length ?? 0) > 0 || (t.updatedIndices?.length ?? 0) > 0) return false;
    if ((t.deletedIds?.length ?? 0) > 0 || (t.deletedIndices?.length ?? 0) > 0) return false;
  }
  return true;
}

export function encodeChangeSet(changes: ChangeSet): Record<string, unknown> {
  const tensors: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(changes.tensors ?? {})) {
    const out: Record<string, unknown> = {};
    if (t.created) out.created = true;
    if (t.cleared) out.cleared = true;
    if (t.infoUpdated) out.infoUpdated = true;
    if (t.dataTransformed) out.dataTransformed = true;
    if (t.added) out.added = [t.added[0], t.added[1]];
    if (t.updatedIndices?.length) out.updatedIndices = encodeF64(t.updatedIndices);
    if (t.updatedIds?.length) out.updatedIds = encodeU64(t.updatedIds);
    if (t.deletedIndices?.length) out.deletedIndices = encodeF64(t.deletedIndices);
    if (t.deletedIds?.length) out.deletedIds = encodeU64(t.deletedIds);
    if (t.mergedIds?.length) out.mergedIds = encodeU64(t.mergedIds);
    tensors[name] = out;
  }
  const d = changes.dataset ?? {};
  return {
    format: 1,
    tensors,
    dataset: { infoUpdated: !!d.infoUpdated, renamed: { ...(d.renamed ?? {}) }, deleted: [...(d.deleted ?? [])] },
  };
}

export function decodeChangeSet(json: unknown, key: string): ChangeSet {
  if (!isObject(json) || json.format !== 1 || !isObject(json.tensors) || !isObject(json.dataset)) {
    throw corrupt(key, "not a format-1 change set");
  }
  const tensors: Record<string, TensorChanges> = {};
  for (const [name, raw] of Object.entries(json.tensors)) {
    if (!isObject(raw)) throw corrupt(key, `tensor ${JSON.stringify(name)} entry is not an object`);
    const t: TensorChanges = {};
    if (raw.created === true) t.created = true;
    if (raw.cleared === true) t.cleared = true;
    if (raw.infoUpdated === true) t.infoUpdated = true;
    if (raw.dataTransformed === true) t.dataTransformed = true;
    if (raw.added !== undefined) {
      const a = raw.added;
      if (!Array.isArray(a) || a.length !== 2 || !a.every((n) => Number.isSafeInteger(n) && n >= 0)) {
        throw corrupt(key, `tensor ${JSON.stringify(name)}: added is not an index range`);
      }
      t.added = [a[0] as number, a[1] as number];
    }
    if (raw.updatedIndices !== undefined) t.updatedIndices = decodeF64(raw.updatedIndices, key);
    if (raw.updatedIds !== undefined) t.updatedIds = decodeU64(raw.updatedIds, key);
    if (raw.deletedIndices !== undefined) t.deletedIndices = decodeF64(raw.deletedIndices, key);
    if (raw.deletedIds !== undefined) t.deletedIds = decodeU64(raw.deletedIds, key);
    if (raw.mergedIds !== undefined) t.mergedIds = decodeU64(raw.mergedIds, key);
    tensors[name] = t;
  }
  const d = json.dataset;
  const renamed = isObject(d.renamed) ? d.renamed : {};
  for (const v of Object.values(renamed)) if (typeof v !== "string") throw corrupt(key, "renamed maps names to names");
  const deleted = Array.isArray(d.deleted) ? d.deleted : [];
  if (!deleted.every((n) => typeof n === "string")) throw corrupt(key, "deleted is a list of names");
  return { tensors, dataset: { infoUpdated: d.infoUpdated === true, renamed: renamed as Record<string, string>, deleted: deleted as string[] } };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const FLAGS = ["created", "cleared", "infoUpdated", "dataTransformed"] as const;

/**
 * Refuses a change set the record format cannot hold as given (wrong types, a reversed range, parallel index and id
 * arrays of different lengths), before anything is written: stored, it would be misread or unreadable later.
 */
export function assertChangeSet(changes: unknown, what: string): asserts changes is ChangeSet | undefined {
  if (changes === undefined) return;
  const bad = (where: string, why: string) => new InvalidArgumentError(`[shoal] ${what}: change set${where}: ${why}`);
  if (!isObject(changes)) throw bad("", "must be an object { tensors?, dataset? }");
  const { tensors, dataset } = changes;
  if (tensors !== undefined) {
    if (!isObject(tensors)) throw bad("", "tensors must be an object of tensor name → changes");
    for (const [name, t] of Object.entries(tensors)) {
      const at = ` tensor ${JSON.stringify(name)}`;
      if (!isObject(t)) throw bad(at, "must be an object");
      for (const f of FLAGS) if (t[f] !== undefined && typeof t[f] !== "boolean") throw bad(at, `${f} must be a boolean`);
      const a = t.added;
      if (a !== undefined && !(Array.isArray(a) && a.length === 2 && a.every((n) => Number.isSafeInteger(n) && n >= 0) && a[0] <= a[1])) {
        throw bad(at, `added must be a [start, end] range of indices with start <= end, got ${JSON.stringify(a)}`);
      }
      for (const f of ["updatedIndices", "deletedIndices"] as const) {
        if (t[f] !== undefined && !(t[f] instanceof Float64Array)) throw bad(at, `${f} must be a Float64Array`);
      }
      for (const f of ["updatedIds", "deletedIds", "mergedIds"] as const) {
        if (t[f] !== undefined && !(t[f] instanceof BigUint64Array)) throw bad(at, `${f} must be a BigUint64Array`);
      }
      for (const kind of ["updated", "deleted"] as const) {
        const idx = t[`${kind}Indices`] as Float64Array | undefined;
        const ids = t[`${kind}Ids`] as BigUint64Array | undefined;
        if (idx && ids && idx.length !== ids.length) throw bad(at, `${kind}Indices (${idx.length}) and ${kind}Ids (${ids.length}) must have the same length`);
      }
    }
  }
  if (dataset !== undefined) {
    if (!isObject(dataset)) throw bad("", "dataset must be an object { infoUpdated?, renamed?, deleted? }");
    if (dataset.infoUpdated !== undefined && typeof dataset.infoUpdated !== "boolean") throw bad(" dataset", "infoUpdated must be a boolean");
    const r = dataset.renamed;
    if (r !== undefined && !(isObject(r) && Object.values(r).every((v) => typeof v === "string"))) throw bad(" dataset", "renamed must map old names to new names");
    const d = dataset.deleted;
    if (d !== undefined && !(Array.isArray(d) && d.every((v) => typeof v === "string"))) throw bad(" dataset", "deleted must be a list of tensor names");
  }
}
