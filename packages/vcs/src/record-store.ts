/**
 * Reading and publishing version records over a Store. All writes of new records are create-only: on stores that
 * enforce `ifNoneMatch` that is one request; on stores that do not, only under a caller-supplied lock, where the
 * existence check and the write cannot interleave with another writer.
 * @module
 */
import { PreconditionFailedError, ReadOnlyModeError, isShoalError, sealJson } from "@shoal/core";
import type { Store } from "@shoal/storage";
import { decodeJson } from "./codec.ts";
import { decodeChangeSet, encodeChangeSet, isEmptyChangeSet, type ChangeSet } from "./changes.ts";
import { ConcurrentWriteError, LockRequiredError, VersionControlError } from "./errors.ts";
import {
  FIRST_COMMIT_ID, Keys, newCommitId, parseBranch, parseCommit, parseRef, randomHex,
  type BranchRecord, type CommitRecord, type RefRecord,
} from "./records.ts";

/** A lock the user provides for stores that cannot enforce create-only writes (one writer at a time holds it). */
export interface CommitLock {
  acquire(opts?: { signal?: AbortSignal }): Promise<void>;
  release(): Promise<void>;
}

export interface Signal {
  signal?: AbortSignal;
}

export class RecordStore {
  readonly store: Store;
  readonly keys: Keys;
  readonly readOnly: boolean;
  readonly #lock: CommitLock | undefined;
  readonly #commits = new Map<string, CommitRecord>();
  #lockDepth = 0;

  constructor(store: Store, keys: Keys, opts: { readOnly?: boolean; lock?: CommitLock }) {
    this.store = store;
    this.keys = keys;
    this.readOnly = opts.readOnly === true || !store.capabilities.writable;
    this.#lock = opts.lock;
  }

  async #json(key: string, signal?: AbortSignal): Promise<unknown | undefined> {
    const bytes = await this.store.get(key, { signal });
    return bytes === undefined ? undefined : decodeJson(bytes, key);
  }

  /** Commit records are immutable, so they are cached forever. */
  async commit(id: string, opts?: Signal): Promise<CommitRecord | undefined> {
    const cached = this.#commits.get(id);
    if (cached) return cached;
    const key = this.keys.commit(id);
    const json = await this.#json(key, opts?.signal);
    if (json === undefined) return undefined;
    const record = parseCommit(json, key);
    this.#commits.set(id, record);
    return record;
  }

  forget(id: string): void {
    this.#commits.delete(id);
  }

  async branch(name: string, opts?: Signal): Promise<BranchRecord | undefined> {
    const key = this.keys.branch(name);
    const json = await this.#json(key, opts?.signal);
    return json === undefined ? undefined : parseBranch(json, key);
  }

  async changes(id: string | null, opts?: Signal): Promise<ChangeSet> {
    if (id === null) return {};
    const key = this.keys.changes(id);
    const json = await this.#json(key, opts?.signal);
    // Change sets are written before the record naming them, so a missing one is damage, not an empty change.
    if (json === undefined) throw new VersionControlError(`[shoal] change set ${JSON.stringify(key)} is referenced but missing; run fixVc()`);
    return decodeChangeSet(json, key);
  }

  /** Writes a change set under a fresh id; returns null (and writes nothing) for an empty one. */
  async writeChanges(changes: ChangeSet | undefined, opts?: Signal): Promise<string | null> {
    if (isEmptyChangeSet(changes)) return null;
    const id = randomHex(16);
    await this.createOnly(this.keys.changes(id), encodeChangeSet(changes!), opts);
    return id;
  }

  async refSeqs(branch: string, opts?: Signal): Promise<number[]> {
    const seqs: number[] = [];
    for await (const key of this.store.list(this.keys.refs(branch), opts)) {
      const seq = this.keys.seqOf(key);
      if (seq !== undefined) seqs.push(seq);
    }
    return seqs.sort((a, b) => a - b);
  }

  async ref(branch: string, seq: number, opts?: Signal): Promise<RefRecord | undefined> {
    const key = this.keys.ref(branch, seq);
    const json = await this.#json(key, opts?.signal);
    return json === undefined ? undefined : parseRef(json, key);
  }

  /**
   * The newest published state of a branch, or undefined when the branch does not exist. Reads the marker and the
   * hint in parallel, then probes the next sequence numbers: a constant number of reads whatever the history, plus
   * one per ref published since the hint was written (normally zero).
   */
  async head(branch: string, opts?: Signal): Promise<RefRecord | undefined> {
    const hintKey = this.keys.hint(branch);
    const [marker, hintJson] = await Promise.all([this.branch(branch, opts), this.#json(hintKey, opts?.signal).catch((e: unknown) => {
      if (isShoalError(e, "VersionControlError")) return undefined; // a torn hint is no hint
      throw e;
    })]);
    if (!marker) return undefined;
    let current: RefRecord | undefined;
    const hint = hintRef(hintJson, branch);
    const hinted = hint?.seq;
    if (hinted !== undefined) {
      // The hint is an overwritten cache that may be stale: only its seq is trusted, the ref itself is re-read (in
      // parallel with the first probe, so resolving still costs one round trip).
      const [atHint, after] = await Promise.all([this.ref(branch, hinted, opts), this.ref(branch, hinted + 1, opts)]);
      if (atHint && !after) return atHint;
      // Refs are never deleted and the hint is written after its ref: a hint naming a missing ref means that ref
      // was lost, and the hint is its copy.
      current = after ?? atHint ?? hint;
    }
    if (!current) {
      const seqs = await this.refSeqs(branch, opts);
      const last = seqs[seqs.length - 1];
      if (last !== undefined) current = await this.ref(branch, last, opts);
    }
    if (!current) return this.startRef(marker, -1);
    for (;;) {
      const next = await this.ref(branch, current.seq + 1, opts);
      if (!next) return current;
      current = next;
    }
  }

  /** The state a branch starts in (also used when its first ref was never written, e.g. after a crash). */
  startRef(marker: BranchRecord, seq: number): RefRecord {
    return {
      format: 1,
      branch: marker.name,
      seq,
      commit: marker.from,
      pending: marker.from === null && marker.name === "main" ? FIRST_COMMIT_ID : newCommitId(),
      manifest: marker.manifest,
      base: marker.manifest,
      changes: null,
      time: marker.time,
    };
  }

  /**
   * Publishes the next state of `prev.branch`. Exactly one of two writers that read the same `prev` succeeds; the
   * other gets ConcurrentWriteError. The hint is rewritten after, as a cache only.
   */
  async publish(prev: RefRecord, next: Omit<RefRecord, "format" | "seq" | "branch" | "time">, opts?: Signal): Promise<RefRecord> {
    const record: RefRecord = { format: 1, branch: prev.branch, seq: prev.seq + 1, time: Date.now(), ...next };
    const key = this.keys.ref(prev.branch, record.seq);
    try {
      await this.createOnly(key, record, opts);
    } catch (e) {
      if (isShoalError(e, "PreconditionFailedError")) throw new ConcurrentWriteError(prev.branch, key, { cause: e });
      throw e;
    }
    await this.writeHint(record, opts);
    return record;
  }

  async writeHint(record: RefRecord, opts?: Signal): Promise<void> {
    try {
      await this.store.set(this.keys.hint(record.branch), sealJson(record), { signal: opts?.signal });
    } catch (e) {
      // The ref is already published; a stale or missing hint only costs readers a probe or a listing.
      if (opts?.signal?.aborted) throw e;
    }
  }

  async createOnly(key: string, value: object, opts?: Signal): Promise<void> {
    const bytes = sealJson(value);
    if (this.store.capabilities.conditionalWrite === "none") {
      // Only reached while the caller's lock is held (see `write`), so check-then-set cannot race.
      if ((await this.store.head(key, opts)) !== undefined) throw new PreconditionFailedError(key, "ifNoneMatch: * (key exists, checked under lock)");
      await this.store.set(key, bytes, { signal: opts?.signal });
      return;
    }
    await this.store.set(key, bytes, { ifNoneMatch: "*", signal: opts?.signal });
  }

  async deleteQuietly(key: string): Promise<void> {
    try {
      await this.store.delete(key);
    } catch {
      // Cleanup of an object nothing references; fixVc() removes it if this fails.
    }
  }

  /** Runs a mutation: refused when read-only, or on a store without conditional writes unless a lock is supplied. */
  async write<T>(what: string, fn: () => Promise<T>, opts?: Signal): Promise<T> {
    if (this.readOnly) throw new ReadOnlyModeError(`${what}: the dataset`);
    if (this.store.capabilities.conditionalWrite !== "none") return fn();
    if (!this.#lock) throw new LockRequiredError(what);
    // Re-entrant: a checkout that auto-commits runs one mutation inside another.
    if (this.#lockDepth > 0) return fn();
    await this.#lock.acquire({ signal: opts?.signal });
    this.#lockDepth++;
    try {
      return await fn();
    } finally {
      this.#lockDepth--;
      await this.#lock.release();
    }
  }
}

/** The ref a hint copies for `branch`, or undefined when it is missing, torn or about another branch. */
function hintRef(json: unknown, branch: string): RefRecord | undefined {
  if (json === undefined) return undefined;
  try {
    const hint = parseRef(json, "hint");
    return hint.branch === branch ? hint : undefined;
  } catch {
    return undefined;
  }
}
