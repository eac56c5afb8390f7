/**
 * The JSON objects of the format (FORMAT.md §2, §3, §6): dataset marker, tensor meta, manifest, ref records, and
 * their keys. `serializeManifest`/`parseManifest` are the DatasetState (de)serialiser @shoal/vcs builds on.
 * @module
 */
import type { DType } from "@shoal/core";
import { InvalidArgumentError, PreconditionFailedError, isDType, sealJson, unsealJson } from "@shoal/core";
import type { Store } from "@shoal/storage";
import type { Encoding } from "./chunk-format.ts";
import { CorruptChunkError } from "./errors.ts";

export const FORMAT_VERSION = 1;

export interface DatasetMarker {
  format: "shoal";
  formatVersion: number;
  created: string;
  defaultBranch: string;
}

export interface TensorMeta {
  formatVersion: number;
  key: string;
  htype: string;
  dtype: DType | null;
  encoding: Encoding;
  sampleCompression: string | null;
  chunkCompression: string | null;
  maxChunkSize: number;
  tilingThreshold: number;
  hidden: boolean;
  /** Role ("id" | "shape" | "info") → hidden tensor name. */
  links: Record<string, string>;
  isSequence: boolean;
  isLink: boolean;
  htypeArgs: Record<string, unknown>;
  info: Record<string, unknown>;
}

export interface TensorChanges {
  created: boolean;
  addedFrom: number;
  updated: string | null;
  popped: string | null;
  infoUpdated: boolean;
  metaUpdated: boolean;
}

export interface ManifestTensor {
  key: string;
  meta: string;
  index: string[];
  length: number;
  minShape: number[];
  maxShape: number[];
  /** Rank of the samples; null while there are none or only empty ones (absent in older manifests: minShape.length). */
  ndim?: number | null;
  changes: TensorChanges;
}

export interface Manifest {
  formatVersion: number;
  id: string;
  parent: string | null;
  baseCommit: string | null;
  time: string;
  info: Record<string, unknown>;
  groups: string[];
  tensors: Record<string, ManifestTensor>;
}

/** A standalone engine's branch ref (FORMAT.md §6.3). */
export interface RefRecord {
  seq: number;
  manifest: string;
  /** Always null: commits belong to @shoal/vcs, which keeps its own refs (FORMAT.md §7). */
  commit: string | null;
  prev: number | null;
  time: string;
  writer: string;
  message?: string;
}

export const keys = {
  marker: "shoal.json",
  chunk: (tkey: string, id: string): string => `tensors/${tkey}/chunks/${id}`,
  index: (tkey: string, id: string): string => `tensors/${tkey}/index/${id}`,
  meta: (tkey: string, id: string): string => `tensors/${tkey}/meta/${id}.json`,
  changes: (tkey: string, id: string): string => `tensors/${tkey}/changes/${id}`,
  manifest: (id: string): string => `manifests/${id}.json`,
  ref: (branch: string, seq: number): string => `refs/heads/${branch}/${String(seq).padStart(16, "0")}`,
  hint: (branch: string): string => `refs/hints/${branch}`,
};

/** Every JSON record is sealed with its checksum (FORMAT.md, Conventions): a flipped bit that still parses is caught. */
export function decodeJson(bytes: Uint8Array, key: string): unknown {
  const r = unsealJson(bytes);
  if (!r.ok) throw new CorruptChunkError(key, 0, r.reason);
  return r.value;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function emptyChanges(created: boolean, addedFrom: number): TensorChanges {
  return { created, addedFrom, updated: null, popped: null, infoUpdated: false, metaUpdated: false };
}

export function serializeManifest(m: Manifest): Uint8Array {
  return sealJson(m);
}

/** Parses and shape-checks a manifest; CorruptChunkError names the key and the first bad field. */
export function parseManifest(bytes: Uint8Array, key = "manifest"): Manifest {
  const m = decodeJson(bytes, key);
  const bad = (field: string): never => {
    throw new CorruptChunkError(key, 0, `manifest field ${field} is missing or malformed`);
  };
  if (!isRecord(m)) return bad("(root)");
  if (m.formatVersion !== FORMAT_VERSION) bad("formatVersion");
  if (typeof m.id !== "string") bad("id");
  if (!isRecord(m.tensors)) bad("tensors");
  for (const [name, t] of Object.entries(m.tensors as Record<string, unknown>)) {
    if (!isRecord(t) || typeof t.key !== "string" || typeof t.meta !== "string" || !Array.isArray(t.index) || typeof t.length !== "number") bad(`tensors.${name}`);
  }
  const out = m as unknown as Manifest;
  out.info ??= {};
  out.groups ??= [];
  return out;
}

export function parseTensorMeta(bytes: Uint8Array, key: string): TensorMeta {
  const m = decodeJson(bytes, key);
  if (!isRecord(m) || typeof m.key !== "string" || typeof m.encoding !== "string" || (m.dtype !== null && !isDType(m.dtype))) {
    throw new CorruptChunkError(key, 0, "tensor meta is malformed");
  }
  return m as unknown as TensorMeta;
}

const BRANCH_RE = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

export function assertBranchName(branch: string): void {
  if (typeof branch !== "string" || branch.length === 0 || branch.length > 200 || !BRANCH_RE.test(branch)) {
    throw new InvalidArgumentError(`[shoal] invalid branch name ${JSON.stringify(branch)}: use letters, digits, '.', '_', '-' and '/'`);
  }
  for (const seg of branch.split("/")) {
    if (seg === "." || seg === ".." || /^\d{16}$/.test(seg)) throw new InvalidArgumentError(`[shoal] invalid branch name ${JSON.stringify(branch)}: segment ${JSON.stringify(seg)} is reserved`);
  }
}

async function readRef(store: Store, branch: string, seq: number, signal?: AbortSignal): Promise<RefRecord | undefined> {
  const key = keys.ref(branch, seq);
  const bytes = await store.get(key, { signal });
  if (!bytes) return undefined;
  const ref = decodeJson(bytes, key);
  if (!isRecord(ref) || ref.seq !== seq || typeof ref.manifest !== "string") throw new CorruptChunkError(key, 0, "ref record is malformed");
  return ref as unknown as RefRecord;
}

/** The newest ref of a branch (FORMAT.md §6.3): from the hint, probe forward; without one, gallop then bisect. */
export async function resolveHead(store: Store, branch: string, opts?: { signal?: AbortSignal }): Promise<RefRecord | undefined> {
  assertBranchName(branch);
  const signal = opts?.signal;
  let start = 0;
  const hint = await store.get(keys.hint(branch), { signal });
  if (hint) {
    // A torn or garbled hint only costs extra probes.
    const h = unsealJson(hint);
    const seq = h.ok && isRecord(h.value) ? h.value.seq : undefined;
    if (typeof seq === "number" && Number.isSafeInteger(seq) && seq > 0) start = seq;
  }
  let best = start > 0 ? await readRef(store, branch, start, signal) : undefined;
  if (!best) {
    // Gallop to a missing seq, then bisect between the last present and the first missing one.
    let lo = 0;
    let hi = 1;
    let loRef: RefRecord | undefined;
    for (;;) {
      const r = await readRef(store, branch, hi, signal);
      if (!r) break;
      lo = hi;
      loRef = r;
      hi *= 2;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const r = await readRef(store, branch, mid, signal);
      if (r) {
        lo = mid;
        loRef = r;
      } else hi = mid;
    }
    return loRef;
  }
  for (;;) {
    const next = await readRef(store, branch, best.seq + 1, signal);
    if (!next) return best;
    best = next;
  }
}

/** Publishes `ref` create-only; a concurrent winner makes this throw PreconditionFailedError. */
export async function publishRef(store: Store, branch: string, ref: RefRecord, opts?: { signal?: AbortSignal }): Promise<void> {
  assertBranchName(branch);
  try {
    await store.set(keys.ref(branch, ref.seq), sealJson(ref), { ifNoneMatch: "*", signal: opts?.signal });
  } catch (e) {
    if (e instanceof PreconditionFailedError) {
      throw new PreconditionFailedError(keys.ref(branch, ref.seq), `another writer published branch ${JSON.stringify(branch)} state ${ref.seq} first; reload and retry`, { cause: e });
    }
    throw e;
  }
  try {
    await store.set(keys.hint(branch), sealJson({ seq: ref.seq }), { signal: opts?.signal });
  } catch {
    // The hint is an optimisation; readers fall back to probing.
  }
}
