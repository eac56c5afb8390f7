/**
 * `VersionControl`: commits, branches, checkout, diff and merge preparation over any Store, with the dataset state
 * of each version given as an opaque manifest id by the caller. See VERSIONING.md for the records and keys.
 * @module
 */
import { InvalidArgumentError, ReadOnlyModeError, assertPrefix, isShoalError } from "@shoal/core";
import type { Store } from "@shoal/storage";
import { type ChangeSet, assertChangeSet } from "./changes.ts";
import { diffEntry, type DiffEntry, type DiffResult } from "./diff.ts";
import { BranchExistsError, CheckoutError, CommitError, EmptyCommitError, MergeError, VersionControlError } from "./errors.ts";
import { fixVersionControl } from "./fix.ts";
import { divergence } from "./graph.ts";
import type { SideChange } from "./merge.ts";
import { RecordStore, type CommitLock, type Signal } from "./record-store.ts";
import {
  Keys, assertBranchName, assertManifestId, newCommitId, randomHex,
  type BranchRecord, type CommitRecord, type RefRecord,
} from "./records.ts";

export interface OpenOptions extends Signal {
  /** Branch to open (default "main"). */
  branch?: string;
  /** Manifest id of the empty dataset: initializes version control when the store has none. */
  initialManifest?: string;
  readOnly?: boolean;
  /** Required to write on stores whose `capabilities.conditionalWrite` is "none". */
  lock?: CommitLock;
  /** Author recorded in commits (default "anonymous"). */
  author?: string;
  /** Key prefix of the version records (default "versions/"). */
  prefix?: string;
}

export interface CommitDetails {
  commit: string;
  author: string;
  time: Date;
  message: string | null;
  branch: string;
  parents: string[];
  manifest: string;
}

export interface CommitOptions extends Signal {
  allowEmpty?: boolean;
  /** Dataset state to commit (default: the published working state). */
  manifest?: string;
  /** Its change set (default: the published working change set). */
  changes?: ChangeSet;
  /** Commit being merged in: recorded as second parent. */
  mergeParent?: string;
}

export interface MergeContext {
  /** Commit merged in (the target's head commit). */
  theirsCommit: string;
  theirsBranch: string | null;
  theirsManifest: string;
  oursCommit: string | null;
  oursManifest: string;
  /** Common ancestor, null when none. */
  base: string | null;
  baseManifest: string | null;
  /** Change sets since the common ancestor, newest first: pass to planMerge with each side's ids. */
  ours: SideChange[];
  theirs: SideChange[];
  /** Theirs is already contained in ours: nothing to merge. */
  upToDate: boolean;
}

export interface DeletedBranch {
  commits: string[];
  /** Manifests only the deleted branch referenced: the caller may delete their unshared data. */
  manifests: string[];
}

export type { FixReport } from "./fix.ts";
import type { FixReport } from "./fix.ts";

const toDetails = (c: CommitRecord): CommitDetails => ({
  commit: c.id,
  author: c.author,
  time: new Date(c.time),
  message: c.message,
  branch: c.branch,
  parents: [...c.parents],
  manifest: c.manifest,
});

export class VersionControl {
  readonly #records: RecordStore;
  readonly #author: string;
  #head: RefRecord;
  /** Set when a commit other than a branch head is checked out (read-only state). */
  #node: CommitRecord | undefined;

  private constructor(records: RecordStore, head: RefRecord, author: string) {
    this.#records = records;
    this.#head = head;
    this.#author = author;
  }

  /** Opens the version state of `store` (initializing it when `initialManifest` is given and there is none). */
  static async open(store: Store, opts: OpenOptions = {}): Promise<VersionControl> {
    const s = store as Partial<Store> | null;
    if (typeof s !== "object" || s === null || typeof s.get !== "function" || typeof s.set !== "function" || typeof s.list !== "function" || typeof s.capabilities !== "object") {
      throw new InvalidArgumentError("[shoal] VersionControl.open: expected a Store (get, set, list, capabilities)");
    }
    const prefix = opts.prefix ?? "versions/";
    if (typeof prefix !== "string" || (prefix !== "" && !prefix.endsWith("/"))) {
      throw new InvalidArgumentError(`[shoal] VersionControl.open: prefix must be "" or a key prefix ending with '/', got ${JSON.stringify(prefix)}`);
    }
    try {
      assertPrefix(prefix);
    } catch (e) {
      throw new InvalidArgumentError(`[shoal] VersionControl.open: invalid prefix ${JSON.stringify(prefix)}`, { cause: e });
    }
    if (opts.author !== undefined && typeof opts.author !== "string") throw new InvalidArgumentError(`[shoal] VersionControl.open: author must be a string, got ${JSON.stringify(opts.author)}`);
    const records = new RecordStore(store, new Keys(prefix), opts);
    const branch = opts.branch ?? "main";
    assertBranchName(branch);
    let head = await records.head(branch, opts);
    if (!head && branch === "main" && opts.initialManifest !== undefined) {
      assertManifestId(opts.initialManifest, "open");
      const manifest = opts.initialManifest;
      head = await records.write("initialize version control", async () => {
        const marker: BranchRecord = { format: 1, name: "main", from: null, fromBranch: null, manifest, time: Date.now() };
        try {
          await records.createOnly(records.keys.branch("main"), marker, opts);
        } catch (e) {
          if (!isShoalError(e, "PreconditionFailedError")) throw e;
          return records.head("main", opts); // initialized concurrently by another writer
        }
        return records.publish(records.startRef(marker, -1), { ...pick(records.startRef(marker, -1)) }, opts);
      }, opts);
    }
    if (!head) {
      if (branch !== "main") throw new CheckoutError(branch, `[shoal] open: branch ${JSON.stringify(branch)} does not exist`);
      throw new VersionControlError(`[shoal] open: no version records under ${JSON.stringify(prefix)} (the main branch's marker ${JSON.stringify(records.keys.branch("main"))} is missing); pass initialManifest to initialize`);
    }
    return new VersionControl(records, head, opts.author ?? "anonymous");
  }

  get branch(): string {
    return this.#node ? this.#node.branch : this.#head.branch;
  }
  /** Last committed commit of the current state, undefined before the first commit. */
  get commitId(): string | undefined {
    return this.#node ? this.#node.id : (this.#head.commit ?? undefined);
  }
  /** Id the next commit will take; equals `commitId` away from a branch head. */
  get pendingCommitId(): string {
    return this.#node ? this.#node.id : this.#head.pending;
  }
  /** Manifest of the current state (working state at a head). */
  get manifest(): string {
    return this.#node ? this.#node.manifest : this.#head.manifest;
  }
  get isHeadNode(): boolean {
    return this.#node === undefined;
  }
  get hasHeadChanges(): boolean {
    return this.#node === undefined && (this.#head.manifest !== this.#head.base || this.#head.changes !== null);
  }
  get readOnly(): boolean {
    return this.#records.readOnly;
  }
  /** The published head record of the current branch (for tests and tools). */
  get headRecord(): Readonly<RefRecord> {
    return this.#head;
  }

  async #commitRecord(id: string, opts?: Signal): Promise<CommitRecord> {
    const record = await this.#records.commit(id, opts);
    if (!record) throw new VersionControlError(`[shoal] commit ${JSON.stringify(id)} is referenced but its record is missing; run fixVc()`);
    return record;
  }

  /**
   * The change set of the uncommitted work at the branch head (what the last `flush` recorded), `{}` when there is
   * none or a past commit is checked out. A reopened writer restores its dataset-level changes (renames, deletions,
   * info) from it.
   */
  async headChanges(opts?: Signal): Promise<ChangeSet> {
    if (this.#node) return {};
    return this.#records.changes(this.#head.changes, opts);
  }

  /** Re-reads the current branch head (after ConcurrentWriteError, or to see other writers' commits). */
  async refresh(opts?: Signal): Promise<void> {
    if (this.#node) return;
    const head = await this.#records.head(this.#head.branch, opts);
    if (!head) throw new CheckoutError(this.#head.branch, `[shoal] branch ${JSON.stringify(this.#head.branch)} no longer exists`);
    this.#head = head;
  }

  /** Moves work started on a non-head commit to a new branch `auto_<id>`, as Deep Lake does. */
  async #leaveNode(opts?: Signal): Promise<void> {
    if (!this.#node) return;
    await this.#createBranch(`auto_${randomHex(20)}`, this.#node, opts);
  }

  /**
   * Publishes the working state (uncommitted, but it survives reopen). At a non-head commit the work moves to a new
   * auto-named branch first.
   */
  async flush(manifest: string, changes?: ChangeSet, opts?: Signal): Promise<void> {
    assertManifestId(manifest, "flush");
    assertChangeSet(changes, "flush");
    await this.#records.write("flush", async () => {
      await this.#leaveNode(opts);
      const changesId = await this.#records.writeChanges(changes, opts);
      try {
        this.#head = await this.#records.publish(this.#head, { ...pick(this.#head), manifest, changes: changesId }, opts);
      } catch (e) {
        if (changesId !== null) await this.#records.deleteQuietly(this.#records.keys.changes(changesId));
        throw e;
      }
    }, opts);
  }

  /** Commits the working state (or `opts.manifest`); returns the new commit's id. */
  async commit(message?: string | null, opts: CommitOptions = {}): Promise<string> {
    if (message !== undefined && message !== null && typeof message !== "string") {
      throw new InvalidArgumentError(`[shoal] commit: message must be a string (got ${typeof message})`);
    }
    if (opts.manifest !== undefined) assertManifestId(opts.manifest, "commit");
    assertChangeSet(opts.changes, "commit");
    return this.#records.write("commit", async () => {
      await this.#leaveNode(opts);
      const head = this.#head;
      const manifest = opts.manifest ?? head.manifest;
      let mergeRecord: CommitRecord | undefined;
      if (opts.mergeParent !== undefined) {
        mergeRecord = await this.#records.commit(opts.mergeParent, opts);
        if (!mergeRecord) throw new MergeError(`[shoal] commit: merge parent ${JSON.stringify(opts.mergeParent)} does not exist`);
      }
      if (!opts.allowEmpty && !mergeRecord && manifest === head.base) throw new EmptyCommitError(head.branch);
      const written: string[] = [];
      try {
        const changes = opts.changes !== undefined ? await this.#records.writeChanges(opts.changes, opts) : head.changes;
        if (opts.changes !== undefined && changes !== null) written.push(this.#records.keys.changes(changes));
        const parents = head.commit === null ? [] : [head.commit];
        if (mergeRecord) parents.push(mergeRecord.id);
        let depth = 0;
        for (const p of parents) depth = Math.max(depth, (await this.#commitRecord(p, opts)).depth + 1);
        const record: CommitRecord = {
          format: 1, id: head.pending, parents, branch: head.branch, manifest, changes, author: this.#author,
          time: Date.now(), message: message ?? null, depth,
          merge: mergeRecord ? { commit: mergeRecord.id, branch: mergeRecord.branch } : null,
        };
        try {
          await this.#records.createOnly(this.#records.keys.commit(record.id), record, opts);
        } catch (e) {
          // The promised id is taken (a racing writer, or a crashed one): any fresh id keeps commits unique.
          if (!isShoalError(e, "PreconditionFailedError")) throw e;
          record.id = newCommitId();
          await this.#records.createOnly(this.#records.keys.commit(record.id), record, opts);
        }
        written.push(this.#records.keys.commit(record.id));
        this.#head = await this.#records.publish(head, { commit: record.id, pending: newCommitId(), manifest, base: manifest, changes: null }, opts);
        return record.id;
      } catch (e) {
        for (const key of written) await this.#records.deleteQuietly(key);
        throw e;
      }
    }, opts);
  }

  async #createBranch(name: string, from: CommitRecord | undefined, opts?: Signal): Promise<void> {
    const baseManifest = from ? from.manifest : this.#head.base;
    const marker: BranchRecord = {
      format: 1, name, from: from?.id ?? null, fromBranch: from ? from.branch : this.#head.branch, manifest: baseManifest, time: Date.now(),
    };
    try {
      await this.#records.createOnly(this.#records.keys.branch(name), marker, opts);
    } catch (e) {
      if (isShoalError(e, "PreconditionFailedError")) throw new BranchExistsError(name, { cause: e });
      throw e;
    }
    // Refs of an earlier branch of the same name may linger (interrupted delete): start after them.
    const seqs = await this.#records.refSeqs(name, opts);
    const start = this.#records.startRef(marker, seqs[seqs.length - 1] ?? -1);
    this.#head = await this.#records.publish(start, pick(start), opts);
    this.#node = undefined;
  }

  /**
   * Checks out a branch or commit id, or creates branch `address` from the current state. A dirty head is
   * committed first. Returns the commit id of the new state.
   */
  async checkout(address: string, opts: Signal & { create?: boolean; reset?: boolean } = {}): Promise<string | undefined> {
    if (opts.create) {
      assertBranchName(address);
      if (this.readOnly) throw new ReadOnlyModeError(`checkout of a new branch ${JSON.stringify(address)}: the dataset`);
      await this.#records.write("checkout", async () => {
        if (await this.#records.branch(address, opts)) throw new BranchExistsError(address);
        await this.#autoCommit(address, opts);
        const from = this.commitId === undefined ? undefined : await this.#commitRecord(this.commitId, opts);
        await this.#createBranch(address, from, opts);
      }, opts);
      return this.commitId;
    }
    if (typeof address !== "string" || address.length === 0) throw new CheckoutError(String(address), "[shoal] checkout: address must be a non-empty string");
    if (this.#node === undefined && address === this.#head.branch) {
      await this.refresh(opts);
      return this.commitId;
    }
    let head: RefRecord | undefined;
    try {
      head = await this.#records.head(address, opts);
    } catch (e) {
      if (isShoalError(e, "InvalidKeyError")) throw new CheckoutError(address, undefined, { cause: e });
      if (!opts.reset || !isShoalError(e, "VersionControlError")) throw e;
      head = await this.#repairHead(address, opts);
    }
    if (head) {
      if (head.commit !== null && !(await this.#records.commit(head.commit, opts))) {
        if (!opts.reset) throw new VersionControlError(`[shoal] checkout: head of branch ${JSON.stringify(address)} names missing commit ${head.commit}; pass reset: true`);
        head = await this.#repairHead(address, opts);
      }
      await this.#autoCommit(address, opts);
      this.#head = head;
      this.#node = undefined;
      return this.commitId;
    }
    const node = /^[0-9a-z]{1,64}$/.test(address) ? await this.#records.commit(address, opts) : undefined;
    if (!node) throw new CheckoutError(address);
    await this.#autoCommit(address, opts);
    this.#node = node;
    return node.id;
  }

  async #autoCommit(target: string, opts?: Signal): Promise<void> {
    if (!this.hasHeadChanges || this.readOnly) return;
    await this.commit(`auto commit before checkout to ${target}`, opts);
  }

  /** Falls back to the newest ref whose commit exists, and republishes it as the clean head (checkout reset). */
  async #repairHead(branch: string, opts?: Signal): Promise<RefRecord> {
    return this.#records.write("checkout with reset", async () => {
      const marker = await this.#records.branch(branch, opts);
      if (!marker) throw new CheckoutError(branch);
      const seqs = await this.#records.refSeqs(branch, opts);
      let good: RefRecord | undefined;
      for (let i = seqs.length - 1; i >= 0 && !good; i--) {
        try {
          const ref = await this.#records.ref(branch, seqs[i]!, opts);
          if (ref && (ref.commit === null || (await this.#records.commit(ref.commit, opts)))) good = ref;
        } catch (e) {
          if (!isShoalError(e, "VersionControlError")) throw e;
        }
      }
      const last = { ...this.#records.startRef(marker, seqs[seqs.length - 1] ?? -1) };
      const base = good ?? last;
      return this.#records.publish(last, { ...pick(base), manifest: base.base, changes: null }, opts);
    }, opts);
  }

  /** Branch names, sorted. */
  async branches(opts?: Signal): Promise<string[]> {
    const names: string[] = [];
    const prefix = this.#records.keys.branches();
    for await (const key of this.#records.store.list(prefix, opts)) {
      if (key.endsWith(".json")) names.push(key.slice(prefix.length, -".json".length));
    }
    return names.sort();
  }

  async #allCommits(opts?: Signal): Promise<CommitRecord[]> {
    const ids: string[] = [];
    const prefix = this.#records.keys.commits();
    for await (const key of this.#records.store.list(prefix, opts)) if (key.endsWith(".json")) ids.push(key.slice(prefix.length, -5));
    const out: CommitRecord[] = [];
    for (let i = 0; i < ids.length; i += 32) {
      const batch = await Promise.all(ids.slice(i, i + 32).map((id) => this.#records.commit(id, opts)));
      for (const r of batch) if (r) out.push(r);
    }
    return out;
  }

  /**
   * Deletes a branch and its own commits. Refused for the current branch, "main", branches other branches start
   * from, and branches merged elsewhere (their commits are history of another branch).
   */
  async deleteBranch(name: string, opts?: Signal): Promise<DeletedBranch> {
    assertBranchName(name);
    return this.#records.write("deleteBranch", async () => {
      const marker = await this.#records.branch(name, opts);
      if (!marker) throw new CommitError(`[shoal] deleteBranch: branch ${JSON.stringify(name)} does not exist`);
      if (name === "main") throw new CommitError(`[shoal] deleteBranch: the main branch cannot be deleted`);
      if (this.branch === name) throw new CommitError(`[shoal] deleteBranch: branch ${JSON.stringify(name)} is checked out; check out another first`);
      const others = (await this.branches(opts)).filter((b) => b !== name);
      const markers = await Promise.all(others.map((b) => this.#records.branch(b, opts)));
      const child = markers.find((m) => m?.fromBranch === name && m.from !== null);
      if (child) throw new CommitError(`[shoal] deleteBranch: branch ${JSON.stringify(name)} has sub-branch ${JSON.stringify(child.name)}`);
      const all = await this.#allCommits(opts);
      const merged = all.find((c) => c.merge?.branch === name);
      if (merged) throw new CommitError(`[shoal] deleteBranch: branch ${JSON.stringify(name)} was merged into ${JSON.stringify(merged.branch)} (commit ${merged.id})`);
      const own = all.filter((c) => c.branch === name);
      const heads = await Promise.all(others.map((b) => this.#records.head(b, opts)));
      const keep = new Set<string>();
      for (const c of all) if (c.branch !== name) keep.add(c.manifest);
      for (const h of heads) if (h) keep.add(h.manifest).add(h.base);
      const seqs = await this.#records.refSeqs(name, opts);
      const refs = await Promise.all(seqs.map((s) => this.#records.ref(name, s, opts).catch(() => undefined)));
      const manifests = new Set<string>();
      for (const c of own) manifests.add(c.manifest);
      for (const r of refs) if (r) manifests.add(r.manifest);
      // The marker goes first: from then on the branch does not exist, whatever cleanup is left undone.
      await this.#records.store.delete(this.#records.keys.branch(name), opts);
      await this.#records.store.delete(this.#records.keys.hint(name), opts);
      for (const r of refs) if (r?.changes) await this.#records.deleteQuietly(this.#records.keys.changes(r.changes));
      for (const s of seqs) await this.#records.store.delete(this.#records.keys.ref(name, s), opts);
      for (const c of own) {
        if (c.changes) await this.#records.deleteQuietly(this.#records.keys.changes(c.changes));
        await this.#records.store.delete(this.#records.keys.commit(c.id), opts);
        this.#records.forget(c.id);
      }
      return { commits: own.map((c) => c.id), manifests: [...manifests].filter((m) => !keep.has(m)) };
    }, opts);
  }

  /**
   * Drops the uncommitted changes of the current branch head. Returns the dropped working manifest (the caller may
   * delete its unshared data), or undefined when there was nothing to drop. `force` also repairs a head whose
   * records are unreadable.
   */
  async reset(opts: Signal & { force?: boolean } = {}): Promise<string | undefined> {
    if (this.#node) return undefined;
    return this.#records.write("reset", async () => {
      if (opts.force) {
        try {
          await this.refresh(opts);
        } catch (e) {
          if (!isShoalError(e, "VersionControlError")) throw e;
          this.#head = await this.#repairHead(this.#head.branch, opts);
          return undefined;
        }
      }
      if (!this.hasHeadChanges) return undefined;
      const dropped = this.#head.manifest;
      this.#head = await this.#records.publish(this.#head, { ...pick(this.#head), manifest: this.#head.base, changes: null }, opts);
      return dropped;
    }, opts);
  }

  /** Details of one commit. Throws CheckoutError for an unknown id. */
  async getCommitDetails(id: string, opts?: Signal): Promise<CommitDetails> {
    const record = typeof id === "string" && /^[0-9a-z]{1,64}$/.test(id) ? await this.#records.commit(id, opts) : undefined;
    if (!record) throw new CheckoutError(String(id), `[shoal] getCommitDetails: no commit ${JSON.stringify(id)}`);
    return toDetails(record);
  }

  /** The commits leading to the current state, newest first (first parents only, like Deep Lake). */
  async commits(opts?: Signal & { limit?: number }): Promise<CommitDetails[]> {
    const out: CommitDetails[] = [];
    let id = this.commitId;
    const limit = opts?.limit ?? Infinity;
    if (!(limit === Infinity || (Number.isSafeInteger(limit) && limit >= 0))) throw new InvalidArgumentError(`[shoal] commits: limit must be a non-negative integer, got ${JSON.stringify(limit) ?? String(limit)}`);
    while (id !== undefined && out.length < limit) {
      const record = await this.#commitRecord(id, opts);
      out.push(toDetails(record));
      id = record.parents[0];
    }
    return out;
  }

  /** Same as `commits()`; `formatLog` turns it into the printout. */
  log(opts?: Signal & { limit?: number }): Promise<CommitDetails[]> {
    return this.commits(opts);
  }

  async #resolve(address: string, what: string, opts?: Signal): Promise<{ commit: string | null; working?: RefRecord }> {
    const unknown = () => new CheckoutError(String(address), `[shoal] ${what}: ${JSON.stringify(address) ?? String(address)} is neither a branch nor a commit id`);
    if (typeof address !== "string" || address.length === 0) throw unknown();
    const head = await this.#records.head(address, opts).catch((e: unknown) => {
      if (isShoalError(e, "InvalidKeyError")) return undefined;
      throw e;
    });
    if (head) return { commit: head.commit };
    const record = /^[0-9a-z]{1,64}$/.test(address) ? await this.#records.commit(address, opts) : undefined;
    if (!record) throw unknown();
    return { commit: record.id };
  }

  async #entries(commits: CommitRecord[], opts?: Signal): Promise<DiffEntry[]> {
    return Promise.all(
      commits.map(async (c) =>
        diffEntry({ commitId: c.id, author: c.author, message: c.message, date: new Date(c.time) }, await this.#records.changes(c.changes, opts)),
      ),
    );
  }

  async #workingEntry(opts?: Signal): Promise<DiffEntry> {
    return diffEntry(
      { commitId: this.#head.pending, author: this.#author, message: null, date: null },
      await this.#records.changes(this.#head.changes, opts),
    );
  }

  /**
   * Changes recorded between versions, for the reference's cases: no id (current state vs its parent), one id
   * (current state vs `id1`), two ids (`id1` vs `id2`); the uncommitted head counts as the current state.
   */
  async diff(id1?: string, id2?: string, opts?: Signal): Promise<DiffResult> {
    if (id1 === undefined && id2 !== undefined) throw new InvalidArgumentError("[shoal] diff: id2 given without id1");
    const read = (id: string) => this.#commitRecord(id, opts);
    if (id1 === undefined) {
      if (this.#node) return { mode: "single", entries: await this.#entries([this.#node], opts) };
      return { mode: "single", entries: [await this.#workingEntry(opts)] };
    }
    const right = await this.#resolve(id2 ?? id1, "diff", opts);
    const left = id2 === undefined ? { commit: this.commitId ?? null } : await this.#resolve(id1, "diff", opts);
    const d = await divergence(left.commit, right.commit, read);
    const leftEntries = await this.#entries(d.left, opts);
    if (id2 === undefined && !this.#node && this.hasHeadChanges) leftEntries.unshift(await this.#workingEntry(opts));
    return {
      mode: "pair",
      left: { address: id2 === undefined ? "current state" : id1, entries: leftEntries },
      right: { address: id2 ?? id1, entries: await this.#entries(d.right, opts) },
      ancestor: d.base,
    };
  }

  /**
   * Everything `planMerge` needs to merge `target` (branch or commit) into the current branch head. A dirty
   * current head is committed first. The caller then reads each side's sample ids, calls `planMerge`, executes the
   * plan into a new manifest and calls `commit(message, { manifest, changes, mergeParent: theirsCommit })`.
   */
  async prepareMerge(target: string, opts?: Signal): Promise<MergeContext> {
    if (this.#node) throw new MergeError("[shoal] merge: check out a branch head before merging (the current state is a past commit)");
    if (target === this.#head.branch) throw new MergeError(`[shoal] merge: cannot merge branch ${JSON.stringify(target)} into itself`);
    if (this.readOnly) throw new ReadOnlyModeError("merge: the dataset");
    const resolved = await this.#resolve(target, "merge", opts);
    if (resolved.commit === null) throw new MergeError(`[shoal] merge: ${JSON.stringify(target)} has no commits to merge`);
    if (this.hasHeadChanges) await this.commit(`auto commit before merge of ${target}`, opts);
    const theirs = await this.#commitRecord(resolved.commit, opts);
    if (theirs.id === this.#head.commit) throw new MergeError(`[shoal] merge: ${JSON.stringify(target)} is the current commit; cannot merge it into itself`);
    const d = await divergence(this.#head.commit, theirs.id, (id) => this.#commitRecord(id, opts));
    const side = async (commits: CommitRecord[]): Promise<SideChange[]> =>
      Promise.all(
        commits.map(async (c) => ({
          changes: await this.#records.changes(c.changes, opts),
          mergedFromCommon: c.merge !== null && d.common.has(c.merge.commit),
        })),
      );
    const baseManifest = d.base === null ? null : (await this.#commitRecord(d.base, opts)).manifest;
    return {
      theirsCommit: theirs.id,
      theirsBranch: theirs.branch,
      theirsManifest: theirs.manifest,
      oursCommit: this.#head.commit,
      oursManifest: this.#head.manifest,
      base: d.base,
      baseManifest,
      ours: await side(d.left),
      theirs: await side(d.right),
      upToDate: d.right.length === 0,
    };
  }

  /**
   * Rebuilds version info from what is stored: branch heads and hints from the refs, and deletes what an
   * interrupted commit, flush or branch deletion left behind. Run it with no other writer active.
   */
  async fixVc(opts?: Signal): Promise<FixReport> {
    const report = await this.#records.write("fixVc", () => fixVersionControl(this.#records, opts), opts);
    if (!this.#node && (await this.#records.branch(this.#head.branch, opts))) await this.refresh(opts);
    return report;
  }
}

/** The fields a republished ref keeps from `ref`. */
function pick(ref: RefRecord): Omit<RefRecord, "format" | "seq" | "branch" | "time"> {
  return { commit: ref.commit, pending: ref.pending, manifest: ref.manifest, base: ref.base, changes: ref.changes };
}
