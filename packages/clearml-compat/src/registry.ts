/**
 * Lookup and housekeeping over the name index (`names/<project>/<name>/<version>.json` → `{id}`), which makes
 * versions unique per dataset name and lets listing run on prefix listings instead of a mutable global index.
 * @module
 */
import { sealJson } from "@shoal/core";
import type { Store } from "@shoal/storage";
import { VersionExistsError } from "./errors.ts";
import { createOnly, keys, parsePointerKey, readJson, readLiveInfo } from "./layout.ts";
import { checkPointer } from "./records.ts";
import type { DatasetInfo, DatasetState, IOOptions } from "./types.ts";
import { compareVersions, isValidVersion, nextVersion } from "./version.ts";

export interface PointerRef {
  key: string;
  project: string;
  name: string;
  version: string;
}

/** Every pointer under `prefix` (default: the whole index). */
export async function listPointers(store: Store, prefix: string = keys.namesRoot, opts?: IOOptions): Promise<PointerRef[]> {
  const out: PointerRef[] = [];
  for await (const key of store.list(prefix, opts)) {
    const parsed = parsePointerKey(key);
    if (parsed) out.push({ key, ...parsed });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** The id a pointer names, or undefined when the pointer is gone. */
export async function readPointer(store: Store, key: string, opts?: IOOptions): Promise<string | undefined> {
  const ptr = await readJson<unknown>(store, key, opts);
  return ptr === undefined ? undefined : checkPointer(key, ptr).id;
}

/** The infos behind pointers; pointers whose version was never completed (crash during create) are skipped. */
export async function infosOf(store: Store, pointers: PointerRef[], opts?: IOOptions): Promise<DatasetInfo[]> {
  const infos: DatasetInfo[] = [];
  for (const p of pointers) {
    const id = await readPointer(store, p.key, opts);
    if (id === undefined) continue;
    const info = await readLiveInfo(store, id, opts);
    if (info) infos.push(info);
  }
  return infos;
}

/** Highest version by PEP 440 order among valid ones, else the most recently created. */
export function pickLatest(infos: DatasetInfo[]): DatasetInfo | undefined {
  return [...infos].sort((a, b) => {
    const va = isValidVersion(a.version);
    const vb = isValidVersion(b.version);
    if (va && vb) return compareVersions(b.version, a.version) || (b.created < a.created ? -1 : 1);
    if (va !== vb) return va ? -1 : 1;
    return b.created < a.created ? -1 : 1;
  })[0];
}

/**
 * Claims `project/name/version` for `id` with a create-only pointer. Without an explicit version, takes the next one
 * after the highest existing (or 1.0.0) and retries on a lost race, which closes ClearML's duplicate-version race.
 */
export async function claimVersion(store: Store, project: string, name: string, version: string | undefined, id: string, opts?: IOOptions): Promise<string> {
  const body = sealJson({ id });
  if (version !== undefined) {
    if (!(await createOnly(store, keys.pointer(project, name, version), body, opts))) throw new VersionExistsError(project, name, version);
    return version;
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const existing = (await listPointers(store, keys.nameDir(project, name), opts)).map((p) => p.version);
    const valid = existing.filter(isValidVersion).sort(compareVersions);
    const latest = valid[valid.length - 1];
    let candidate = latest === undefined ? "1.0.0" : (nextVersion(latest) as string);
    while (existing.includes(candidate)) candidate = nextVersion(candidate) as string;
    if (await createOnly(store, keys.pointer(project, name, candidate), body, opts)) return candidate;
  }
  throw new VersionExistsError(project, name, "(auto)");
}

/** Every content pack referenced by any state still in the store. */
export async function referencedPacks(states: DatasetState[]): Promise<Set<string>> {
  const used = new Set<string>();
  for (const s of states) {
    for (const segments of Object.values(s.objects)) for (const seg of segments) used.add(seg[0]);
    for (const src of Object.values(s.pending)) for (const seg of src.segments) used.add(seg[0]);
  }
  return used;
}
