/**
 * How the facade drives the chunk engine under @shoal/vcs, which owns publishing (FORMAT.md §6 refs are not used):
 * the engine writes objects and a manifest, and is opened writable on the manifest id vcs names.
 *
 * The engine publishes its own branch refs on flush and opens writable only at a branch head, so the engine sees
 * the store through `engineView`: its ref writes are dropped and a single virtual ref names the manifest to open.
 * When @shoal/chunks offers `flush({ publish: false })` and writable opens on a manifest id, this file is the only
 * one to change.
 * @module
 */
import type { DatasetEngine, Manifest } from "@shoal/chunks";
import { createDatasetEngine, openDatasetEngine } from "@shoal/chunks";
import type { GetOptions, RequestOptions, SetOptions, Store } from "@shoal/storage";

const BRANCH = "main";
const encoder = new TextEncoder();

/** `store` as the engine should see it: refs are virtual (one ref naming `manifest`, or none), ref writes dropped. */
function engineView(store: Store, manifest: string | null): Store {
  const firstRef = `refs/heads/${BRANCH}/${"1".padStart(16, "0")}`;
  const ref = manifest === null ? undefined : encoder.encode(JSON.stringify({ seq: 1, manifest, commit: null, prev: null, time: new Date(0).toISOString(), writer: "shoal" }));
  return {
    capabilities: store.capabilities,
    async get(key: string, opts?: GetOptions): Promise<Uint8Array | undefined> {
      if (key.startsWith("refs/")) return key === firstRef ? ref : undefined;
      return store.get(key, opts);
    },
    async set(key: string, value: Uint8Array, opts?: SetOptions): Promise<void> {
      if (key.startsWith("refs/")) return;
      await store.set(key, value, opts);
    },
    delete: (key: string, opts?: RequestOptions) => store.delete(key, opts),
    list: (prefix: string, opts?: RequestOptions) => store.list(prefix, opts),
    head: (key: string, opts?: RequestOptions) => store.head(key, opts),
  };
}

export async function createEngine(store: Store, opts: { overwrite?: boolean; signal?: AbortSignal }): Promise<DatasetEngine> {
  return createDatasetEngine(engineView(store, null), { overwrite: opts.overwrite, branch: BRANCH, signal: opts.signal });
}

export async function openEngineAt(store: Store, manifest: string, readOnly: boolean, signal?: AbortSignal): Promise<DatasetEngine> {
  if (readOnly) return openDatasetEngine(store, { manifest, readOnly: true, signal });
  return openDatasetEngine(engineView(store, manifest), { branch: BRANCH, signal });
}

/** Writes pending objects and, when anything changed, a new manifest; returns the current manifest. */
export async function writeManifest(engine: DatasetEngine, opts: { resetChanges?: boolean; baseCommit?: string | null; force?: boolean; signal?: AbortSignal } = {}): Promise<Manifest> {
  await engine.flush(opts);
  return engine.manifest!;
}
