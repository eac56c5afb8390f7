/**
 * How the facade drives the chunk engine under @shoal/vcs, which owns publishing: the engine writes objects and a
 * manifest (no branch ref) and is opened on the manifest id vcs names.
 * @module
 */
import type { DatasetEngine, Manifest } from "@shoal/chunks";
import { createDatasetEngine, openDatasetEngine } from "@shoal/chunks";
import type { Store } from "@shoal/storage";

export async function createEngine(store: Store, opts: { overwrite?: boolean; signal?: AbortSignal }): Promise<DatasetEngine> {
  return createDatasetEngine(store, { overwrite: opts.overwrite, publish: false, signal: opts.signal });
}

export async function openEngineAt(store: Store, manifest: string, readOnly: boolean, signal?: AbortSignal): Promise<DatasetEngine> {
  return openDatasetEngine(store, { manifest, readOnly, signal });
}

/** Writes pending objects and, when anything changed, a new manifest; returns the current manifest. */
export async function writeManifest(engine: DatasetEngine, opts: { resetChanges?: boolean; baseCommit?: string | null; force?: boolean; signal?: AbortSignal } = {}): Promise<Manifest> {
  await engine.flush({ ...opts, publish: false });
  return engine.manifest!;
}
