/**
 * How the facade drives the chunk engine under @shoal/vcs, which owns publishing (FORMAT.md §6–7): the engine is
 * opened on the manifest vcs names and flushes with `publish: false` (objects and a manifest, never a ref); the
 * facade then publishes the manifest id through `vc.flush` / `vc.commit`.
 * @module
 */
import type { DatasetEngine, Manifest } from "@shoal/chunks";
import { createDatasetEngine, openDatasetEngine } from "@shoal/chunks";
import type { Store } from "@shoal/storage";

/** Creates the dataset marker and the empty state's manifest (no ref: vcs initializes its records on it). */
export async function createEngine(store: Store, opts: { overwrite?: boolean; signal?: AbortSignal }): Promise<DatasetEngine> {
  return createDatasetEngine(store, { overwrite: opts.overwrite, publish: false, signal: opts.signal });
}

export async function openEngineAt(store: Store, manifest: string, readOnly: boolean, signal?: AbortSignal): Promise<DatasetEngine> {
  return openDatasetEngine(store, { manifest, readOnly, signal });
}

/** Writes pending objects and, when anything changed, a new manifest (unpublished); returns the current manifest. */
export async function writeManifest(engine: DatasetEngine, opts: { resetChanges?: boolean; baseCommit?: string | null; force?: boolean; signal?: AbortSignal } = {}): Promise<Manifest> {
  await engine.flush({ ...opts, publish: false });
  return engine.manifest!;
}
