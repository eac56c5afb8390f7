/**
 * The Dataset as a @shoal/views TensorSource, and the saved-view store: one JSON record per view at
 * `views/<id>.json`, optimized copies as standalone datasets under `views/<id>/data/`.
 * @module
 */
import { InvalidArgumentError, PreconditionFailedError, isShoalError, sealJson, unsealJson } from "@shoal/core";
import { CorruptChunkError, type DatasetEngine } from "@shoal/chunks";
import { type Store, withPrefix } from "@shoal/storage";
import type { ReadOptions, TensorColumn, TensorSource, View, ViewRecord, ViewStore } from "@shoal/views";

/**
 * A live TensorSource over a Dataset's current engine. `version()` changes with every write, checkout or reset, so
 * views made before one report themselves stale instead of reading other data.
 */
export class DatasetSource implements TensorSource {
  readonly #engine: () => DatasetEngine;
  readonly #version: () => string;

  constructor(engine: () => DatasetEngine, version: () => string) {
    this.#engine = engine;
    this.#version = version;
  }
  get length(): number {
    return this.#engine().length;
  }
  tensorNames(): readonly string[] {
    return this.#engine().tensorNames();
  }
  tensor(name: string): TensorColumn {
    return this.#engine().tensor(name);
  }
  version(): string {
    return this.#version();
  }
}

/** `source` with the length of its longest tensor (maxView): each tensor still only has its own rows. */
export class MaxLengthSource implements TensorSource {
  readonly #source: TensorSource;
  readonly #length: () => number;
  constructor(source: TensorSource, length: () => number) {
    this.#source = source;
    this.#length = length;
  }
  get length(): number {
    return this.#length();
  }
  tensorNames(): readonly string[] {
    return this.#source.tensorNames();
  }
  tensor(name: string): TensorColumn {
    return this.#source.tensor(name);
  }
  version(): string {
    return this.#source.version?.() ?? "";
  }
}

const VIEWS = "views/";

function recordKey(id: string): string {
  if (typeof id !== "string" || id === "" || /[/\\\u0000]/.test(id)) throw new InvalidArgumentError(`[shoal] invalid view id ${JSON.stringify(id)}`);
  return `${VIEWS}${id}.json`;
}

/** Saved-view records in the dataset's own store (unversioned: each record names the commit it is pinned to). */
export class StoreViewStore implements ViewStore {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async list(opts?: ReadOptions): Promise<ViewRecord[]> {
    const out: ViewRecord[] = [];
    for await (const k of this.#store.list(VIEWS, opts)) {
      if (!k.endsWith(".json") || k.slice(VIEWS.length).includes("/")) continue;
      const r = await this.get(k.slice(VIEWS.length, -5), opts);
      if (r) out.push(r);
    }
    return out.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  }

  async get(id: string, opts?: ReadOptions): Promise<ViewRecord | undefined> {
    const key = recordKey(id);
    const bytes = await this.#store.get(key, opts);
    if (!bytes) return undefined;
    const r = unsealJson(bytes);
    if (!r.ok) throw new CorruptChunkError(key, 0, `saved view record: ${r.reason}`);
    const v = r.value as Partial<ViewRecord> | null;
    if (typeof v !== "object" || v === null || typeof v.id !== "string" || typeof v.index !== "object" || v.index === null) {
      throw new CorruptChunkError(key, 0, "saved view record is malformed");
    }
    return v as ViewRecord;
  }

  async put(record: ViewRecord, opts?: ReadOptions & { ifNoneMatch?: boolean }): Promise<void> {
    const key = recordKey(record.id);
    const bytes = sealJson(record);
    if (opts?.ifNoneMatch && this.#store.capabilities.conditionalWrite === "none") {
      if (await this.#store.head(key, opts)) throw new PreconditionFailedError(key, "ifNoneMatch: * (key exists)");
      await this.#store.set(key, bytes, { signal: opts.signal });
      return;
    }
    await this.#store.set(key, bytes, { signal: opts?.signal, ifNoneMatch: opts?.ifNoneMatch ? "*" : undefined });
  }

  async delete(id: string, opts?: ReadOptions): Promise<boolean> {
    const key = recordKey(id);
    if (!(await this.#store.head(key, opts))) return false;
    const data: string[] = [];
    for await (const k of this.#store.list(`${VIEWS}${id}/`, opts)) data.push(k);
    for (const k of data) await this.#store.delete(k, opts);
    await this.#store.delete(key, opts);
    return true;
  }
}

/** Where the optimized copy of view `id` lives inside the dataset's store. */
export function optimizedStore(store: Store, id: string): { store: Store; path: string } {
  recordKey(id);
  const path = `${VIEWS}${id}/data`;
  return { store: withPrefix(store, path), path };
}

export function isNotFound(e: unknown): boolean {
  return isShoalError(e, "ViewNotFoundError");
}

export type { View };
