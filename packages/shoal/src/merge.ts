/**
 * Executes a merge plan of @shoal/vcs on the engine: renames, deletions, whole new tensors, then per tensor the
 * updates, deletions and appends the plan lists, matching samples by their stable ids. Appended samples keep the
 * ids they have on the merged side, so later merges recognise them.
 * @module
 */
import { ndarray } from "@shoal/core";
import type { DatasetEngine, TensorEngine } from "@shoal/chunks";
import type { Store } from "@shoal/storage";
import { type MergeContext, planMerge } from "@shoal/vcs";
import { openEngineAt } from "./engine.ts";
import { storedValue } from "./rows.ts";

export interface MergeOptions {
  /** How samples changed on both sides are settled; without it such conflicts raise MergeConflictError. */
  conflictResolution?: "ours" | "theirs";
  /** Delete tensors the merged side deleted. */
  deleteRemovedTensors?: boolean;
  /** Merge even when tensors were renamed or deleted in ways that need a choice (the reference's `force`). */
  force?: boolean;
}

async function idsOf(engine: DatasetEngine, name: string): Promise<BigUint64Array> {
  const idName = engine.tensor(name).tensorMeta.links.id;
  if (!idName || !engine.has(idName)) return new BigUint64Array(0);
  const col = await engine.tensor(idName).column();
  return col ? (col.data as BigUint64Array) : new BigUint64Array(0);
}

async function allIds(engine: DatasetEngine): Promise<Record<string, BigUint64Array>> {
  const out: Record<string, BigUint64Array> = {};
  for (const n of engine.tensorNames()) out[n] = await idsOf(engine, n);
  return out;
}

/** Appends samples of `from` (by index) to `to`, giving them the given stable ids. */
async function appendWithIds(to: TensorEngine, from: TensorEngine, indices: ArrayLike<number>, ids: ArrayLike<bigint>): Promise<void> {
  if (indices.length === 0) return;
  const start = to.length;
  const values: unknown[] = [];
  for (let k = 0; k < indices.length; k++) values.push(await storedValue(from, indices[k]!));
  await to.extend(values as never);
  const idTensor = to.linkedTensors().id;
  if (!idTensor) return;
  await idTensor.truncate(start);
  await idTensor.extend(Array.from({ length: ids.length }, (_, k) => ndarray("uint64", [], BigUint64Array.of(ids[k]!))) as never);
}

/** Applies the plan for `ctx` to `engine`; returns, per tensor, the ids whose values now come from the merged side. */
export async function executeMerge(engine: DatasetEngine, store: Store, ctx: MergeContext, opts: MergeOptions): Promise<Record<string, BigUint64Array>> {
  const theirs = await openEngineAt(store, ctx.theirsManifest, true);
  const plan = planMerge({ ours: { ids: await allIds(engine), changes: ctx.ours }, theirs: { ids: await allIds(theirs), changes: ctx.theirs } }, opts);
  const merged: Record<string, BigUint64Array> = {};
  for (const r of plan.renameTensors) engine.renameTensor(r.from, r.to);
  for (const d of plan.deleteTensors) engine.deleteTensor(d);
  for (const c of plan.createTensors) {
    const src = theirs.tensor(c.from);
    const m = src.tensorMeta;
    await engine.createTensor(c.name, {
      htype: m.htype, dtype: m.dtype, encoding: m.encoding, sampleCompression: m.sampleCompression, chunkCompression: m.chunkCompression,
      maxChunkSize: m.maxChunkSize, tilingThreshold: m.tilingThreshold, hidden: m.hidden, createIdTensor: "id" in m.links,
      createShapeTensor: "shape" in m.links, createSampleInfoTensor: "info" in m.links, htypeArgs: m.htypeArgs, info: m.info,
      isSequence: m.isSequence, isLink: m.isLink,
    });
    const ids = await idsOf(theirs, c.from);
    await appendWithIds(engine.tensor(c.name), src, Array.from({ length: src.length }, (_, i) => i), ids);
    merged[c.name] = ids;
  }
  for (const tp of plan.tensors) {
    const ours = engine.tensor(tp.tensor);
    const src = theirs.tensor(tp.source);
    for (let k = 0; k < tp.updateOurs.length; k++) await ours.update(tp.updateOurs[k]!, (await storedValue(src, tp.updateTheirs[k]!)) as never);
    for (let k = tp.delete.length - 1; k >= 0; k--) await ours.pop(tp.delete[k]!);
    await appendWithIds(ours, src, tp.append, tp.appendIds);
    merged[tp.tensor] = BigUint64Array.from([...tp.updateIds, ...tp.appendIds]);
  }
  if (plan.takeTheirsInfo) engine.setInfo(theirs.info);
  return merged;
}
