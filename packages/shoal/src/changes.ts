/**
 * The change set @shoal/vcs records for a version, derived from the engine's per-tensor change markers
 * (FORMAT.md §7) plus the dataset-level changes (renames, deletions, info) the facade tracks itself.
 * @module
 */
import type { DatasetEngine, Manifest } from "@shoal/chunks";
import { keys, readChangeSet } from "@shoal/chunks";
import type { ChangeSet, DatasetChanges, TensorChanges } from "@shoal/vcs";

export interface DatasetChangeLog {
  infoUpdated: boolean;
  /** old name → new name, composed over several renames. */
  renamed: Record<string, string>;
  deleted: string[];
}

export function emptyChangeLog(): DatasetChangeLog {
  return { infoUpdated: false, renamed: {}, deleted: [] };
}

/**
 * The dataset-level part of a flushed change set, as the log a reopened writer continues from: renames, deletions
 * and info changes persist across reopen like every other flushed change.
 */
export function changeLogFrom(changes: ChangeSet): DatasetChangeLog {
  const d = changes.dataset ?? {};
  return { infoUpdated: d.infoUpdated === true, renamed: { ...(d.renamed ?? {}) }, deleted: [...(d.deleted ?? [])] };
}

/** Records a rename, folding chains (a→b then b→c is a→c). */
export function logRename(log: DatasetChangeLog, from: string, to: string): void {
  const origin = Object.entries(log.renamed).find(([, v]) => v === from)?.[0];
  if (origin !== undefined) {
    if (origin === to) delete log.renamed[origin];
    else log.renamed[origin] = to;
  } else log.renamed[from] = to;
}

async function idsOf(engine: DatasetEngine, name: string, signal?: AbortSignal): Promise<BigUint64Array | undefined> {
  const idName = engine.tensor(name).tensorMeta.links.id;
  if (!idName || !engine.has(idName)) return undefined;
  const col = await engine.tensor(idName).column({ signal });
  return col ? (col.data as BigUint64Array) : new BigUint64Array(0);
}

/** The change set of the engine's published `manifest` relative to its base commit. */
export async function changeSetOf(engine: DatasetEngine, manifest: Manifest, log: DatasetChangeLog, signal?: AbortSignal): Promise<ChangeSet> {
  const tensors: Record<string, TensorChanges> = {};
  for (const [name, entry] of Object.entries(manifest.tensors)) {
    if (!engine.has(name) || engine.tensor(name).tensorMeta.hidden) continue;
    const c = entry.changes;
    const out: TensorChanges = {};
    if (c.created) out.created = true;
    if (c.infoUpdated || c.metaUpdated) out.infoUpdated = true;
    if (entry.length > c.addedFrom) out.added = [c.addedFrom, entry.length];
    if (c.updated || c.popped) {
      const ids = await idsOf(engine, name, signal);
      const at = new Map<bigint, number>();
      if (ids) for (let i = 0; i < ids.length; i++) at.set(ids[i]!, i);
      if (c.updated) {
        const updated = (await readChangeSet(engine.store, keys.changes(entry.key, c.updated), signal)).filter((id) => at.has(id) && at.get(id)! < c.addedFrom);
        out.updatedIds = BigUint64Array.from(updated);
        out.updatedIndices = Float64Array.from(updated, (id) => at.get(id)!);
      }
      if (c.popped) {
        const popped = await readChangeSet(engine.store, keys.changes(entry.key, c.popped), signal);
        out.deletedIds = BigUint64Array.from(popped);
        // Positions of removed samples are gone with them; -1 marks "no longer present".
        out.deletedIndices = new Float64Array(popped.length).fill(-1);
      }
    }
    tensors[name] = out;
  }
  const dataset: DatasetChanges = {};
  if (log.infoUpdated) dataset.infoUpdated = true;
  if (Object.keys(log.renamed).length > 0) dataset.renamed = { ...log.renamed };
  if (log.deleted.length > 0) dataset.deleted = [...log.deleted];
  return { tensors, dataset };
}
