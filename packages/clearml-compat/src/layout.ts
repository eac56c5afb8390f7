/**
 * Store keys and JSON I/O for the on-store layout described in FORMAT-files.md.
 * @module
 */
import { InvalidArgumentError, PreconditionFailedError, StorageError, isShoalError, sealJson, unsealJson } from "@shoal/core";
import type { Store } from "@shoal/storage";
import { CorruptContentError } from "./errors.ts";
import { checkInfo, checkState } from "./records.ts";
import type { DatasetInfo, DatasetState, IOOptions } from "./types.ts";

export const MARKER_KEY = "shoal-files.json";

/** URI-encodes one key segment; dots too, so a name of `.` or `..` never becomes a traversal segment. */
export function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/\./g, "%2E");
}

export function decodeSegment(s: string): string {
  return decodeURIComponent(s);
}

export const keys = {
  info: (id: string): string => `ids/${id}/dataset.json`,
  state: (id: string): string => `ids/${id}/state.json`,
  idPrefix: (id: string): string => `ids/${id}/`,
  metadata: (id: string, name: string, type: "json" | "csv"): string => `ids/${id}/metadata/${encodeSegment(name)}.${type}`,
  namesRoot: "names/",
  nameDir: (project: string, name: string): string => `names/${encodeSegment(project)}/${encodeSegment(name)}/`,
  pointer: (project: string, name: string, version: string): string =>
    `names/${encodeSegment(project)}/${encodeSegment(name)}/${encodeSegment(version)}.json`,
  pack: (packId: string): string => `packs/${packId.slice(0, 2)}/${packId}.pack`,
  packsRoot: "packs/",
};

/** Splits a pointer key back into project, name, version. */
export function parsePointerKey(key: string): { project: string; name: string; version: string } | undefined {
  const m = /^names\/([^/]+)\/([^/]+)\/([^/]+)\.json$/.exec(key);
  if (!m) return undefined;
  return { project: decodeSegment(m[1] as string), name: decodeSegment(m[2] as string), version: decodeSegment(m[3] as string) };
}

/** A record, its seal (@shoal/core sealJson) checked and removed; undefined when the key is absent. */
export async function readJson<T>(store: Store, key: string, opts?: IOOptions): Promise<T | undefined> {
  const bytes = await store.get(key, opts);
  if (bytes === undefined) return undefined;
  const read = unsealJson(bytes);
  if (!read.ok) throw new CorruptContentError(key, read.reason);
  return read.value as T;
}

export async function writeJson(store: Store, key: string, value: object, opts?: IOOptions & { createOnly?: boolean }): Promise<void> {
  await store.set(key, sealJson(value), { signal: opts?.signal, ifNoneMatch: opts?.createOnly ? "*" : undefined });
}

/** Creates the format marker on first use; refuses a store holding a different format. */
export async function ensureMarker(store: Store, opts?: IOOptions): Promise<void> {
  const marker = await readJson<{ format?: string; version?: number }>(store, MARKER_KEY, opts);
  if (marker) {
    if (marker.format !== "shoal-files" || marker.version !== 1) {
      throw new InvalidArgumentError(`[shoal] [files] ${MARKER_KEY} names format ${JSON.stringify(marker.format)} v${marker.version}; expected shoal-files v1`);
    }
    return;
  }
  await createOnly(store, MARKER_KEY, sealJson({ format: "shoal-files", version: 1 }), opts);
}

export async function readInfo(store: Store, id: string, opts?: IOOptions): Promise<DatasetInfo | undefined> {
  const info = await readJson<unknown>(store, keys.info(id), opts);
  return info === undefined ? undefined : checkInfo(keys.info(id), id, info);
}

export async function readState(store: Store, id: string, opts?: IOOptions): Promise<DatasetState> {
  const state = await readStateIfAny(store, id, opts);
  if (!state) throw new CorruptContentError(keys.state(id), "missing dataset state");
  return state;
}

async function readStateIfAny(store: Store, id: string, opts?: IOOptions): Promise<DatasetState | undefined> {
  const state = await readJson<unknown>(store, keys.state(id), opts);
  return state === undefined ? undefined : checkState(keys.state(id), id, state);
}

/**
 * The info of a version that must exist, or undefined when it never did or was deleted. Create writes the state
 * before the info and delete removes the info last, so a state without its info is only an interrupted create, and
 * then a draft: a missing info beside a finalized state (`final`), or beside the state of a version another one
 * inherits from (`asParentOf`), was lost.
 */
export async function readLiveInfo(store: Store, id: string, opts?: IOOptions & { asParentOf?: string }): Promise<DatasetInfo | undefined> {
  const info = await readInfo(store, id, opts);
  if (info) return info;
  const state = await readStateIfAny(store, id, opts);
  if (state && (state.final || opts?.asParentOf !== undefined)) {
    const why = state.final ? "its state says it was finalized" : `its state is there and ${opts?.asParentOf} inherits from it`;
    throw new CorruptContentError(keys.info(id), `the description of dataset ${id} is missing, but ${why}`);
  }
  return undefined;
}

/** Writes a create-only key; true if this call created it, false if it already existed. */
export async function createOnly(store: Store, key: string, bytes: Uint8Array, opts?: IOOptions): Promise<boolean> {
  if (store.capabilities.conditionalWrite === "none") {
    // No atomic create on this backend (some S3-compatibles): check, write, read back. Two racing writers of the
    // same key can both pass the check; the read-back makes at least one of them notice it lost.
    if (await store.head(key, opts)) return false;
    await store.set(key, bytes, opts);
    const back = await store.get(key, opts);
    return back !== undefined && back.length === bytes.length && back.every((b, i) => b === bytes[i]);
  }
  try {
    await store.set(key, bytes, { ifNoneMatch: "*", signal: opts?.signal });
    return true;
  } catch (e) {
    if (e instanceof PreconditionFailedError || isShoalError(e, "PreconditionFailedError")) return false;
    throw e;
  }
}

export function wrapStorage(key: string, cause: unknown): StorageError {
  return new StorageError(`[shoal] [files] store operation on ${JSON.stringify(key)} failed`, { key, cause });
}
