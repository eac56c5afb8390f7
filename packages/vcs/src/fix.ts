/**
 * fixVc: rebuilds branch heads from the stored refs and removes what interrupted writes left: commit records no
 * branch reaches (the ref publish never happened), unreferenced change sets, refs of deleted branches.
 * @module
 */
import { isShoalError } from "@shoal/core";
import type { RecordStore, Signal } from "./record-store.ts";
import type { CommitRecord, RefRecord } from "./records.ts";

export interface FixReport {
  branches: string[];
  /** Commit records no branch reaches (an interrupted commit): deleted. */
  orphanCommits: string[];
  /** Change-set records nothing references: deleted. */
  orphanChanges: string[];
  /** Ref keys of branches that no longer exist, or unreadable: deleted. */
  staleRefs: string[];
  /** Branches whose head was republished because its newest ref was unusable. */
  repairedBranches: string[];
  /** Manifests referenced by some commit, branch start or ref: anything else is garbage for the data layer. */
  liveManifests: string[];
}

async function collect(records: RecordStore, prefix: string, opts?: Signal): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of records.store.list(prefix, opts)) keys.push(key);
  return keys;
}

const idOf = (key: string, prefix: string) => key.slice(prefix.length, -".json".length);

export async function fixVersionControl(records: RecordStore, opts?: Signal): Promise<FixReport> {
  const k = records.keys;
  const report: FixReport = { branches: [], orphanCommits: [], orphanChanges: [], staleRefs: [], repairedBranches: [], liveManifests: [] };
  const commitIds = (await collect(records, k.commits(), opts)).filter((x) => x.endsWith(".json")).map((x) => idOf(x, k.commits()));
  const commits = new Map<string, CommitRecord>();
  for (const id of commitIds) {
    try {
      const c = await records.commit(id, opts);
      if (c) commits.set(id, c);
    } catch (e) {
      if (!isShoalError(e, "VersionControlError")) throw e;
    }
  }
  const branchNames = (await collect(records, k.branches(), opts)).filter((x) => x.endsWith(".json")).map((x) => idOf(x, k.branches()));
  const live = new Set<string>();
  const manifests = new Set<string>();
  const changes = new Set<string>();
  const roots: string[] = [];
  const refKeys = await collect(records, k.allRefs(), opts);
  const byBranch = new Map<string, string[]>();
  for (const key of refKeys) {
    const branch = key.slice(k.allRefs().length).split("/")[0]!;
    (byBranch.get(branch) ?? byBranch.set(branch, []).get(branch)!).push(key);
  }
  for (const name of branchNames) {
    const marker = await records.branch(name, opts);
    if (!marker) continue;
    live.add(name);
    report.branches.push(name);
    manifests.add(marker.manifest);
    if (marker.from) roots.push(marker.from);
    const seqs = await records.refSeqs(name, opts);
    let newest: RefRecord | undefined;
    let newestSeq = -1;
    for (const seq of seqs) {
      newestSeq = seq;
      let ref: RefRecord | undefined;
      try {
        ref = await records.ref(name, seq, opts);
      } catch (e) {
        if (!isShoalError(e, "VersionControlError")) throw e;
      }
      if (!ref || (ref.commit !== null && !commits.has(ref.commit))) {
        report.staleRefs.push(k.ref(name, seq));
        continue;
      }
      newest = ref;
      if (ref.commit) roots.push(ref.commit);
      manifests.add(ref.manifest).add(ref.base);
      if (ref.changes) changes.add(ref.changes);
    }
    const head = newest ?? records.startRef(marker, -1);
    if (newestSeq >= 0 && (!newest || newest.seq !== newestSeq)) {
      // The newest ref is unusable: publish the last good state after it so readers never land on it.
      const republished = await records.publish({ ...head, seq: newestSeq }, { commit: head.commit, pending: head.pending, manifest: head.manifest, base: head.base, changes: head.changes }, opts);
      report.repairedBranches.push(name);
      await records.writeHint(republished, opts);
    } else if (newest) await records.writeHint(newest, opts);
  }
  for (const [branch, keys] of byBranch) {
    if (live.has(branch)) continue;
    for (const key of keys) {
      await records.store.delete(key, opts);
      if (k.seqOf(key) !== undefined) report.staleRefs.push(key);
    }
  }
  for (const key of report.staleRefs) if (live.has(key.slice(k.allRefs().length).split("/")[0]!)) await records.store.delete(key, opts);
  const reachable = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const id = stack.pop()!;
    if (reachable.has(id)) continue;
    const c = commits.get(id);
    if (!c) continue;
    reachable.add(id);
    manifests.add(c.manifest);
    if (c.changes) changes.add(c.changes);
    stack.push(...c.parents);
  }
  for (const id of commitIds) {
    if (reachable.has(id)) continue;
    await records.store.delete(k.commit(id), opts);
    records.forget(id);
    report.orphanCommits.push(id);
  }
  for (const key of await collect(records, k.allChanges(), opts)) {
    const id = idOf(key, k.allChanges());
    if (changes.has(id)) continue;
    await records.store.delete(key, opts);
    report.orphanChanges.push(id);
  }
  report.liveManifests = [...manifests].sort();
  report.branches.sort();
  return report;
}
