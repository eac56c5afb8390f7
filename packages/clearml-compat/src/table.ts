/**
 * Pure operations on entry tables: parent merge, diffs, graph pruning and ordering, part selection.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { CaseCollisionError } from "./errors.ts";
import type { DatasetState, FileEntry, LinkEntry, PackInfo, Segment } from "./types.ts";

export type TableEntry = { kind: "file"; entry: FileEntry } | { kind: "link"; entry: LinkEntry };

/** path → entry over files and links; a link and a file never share a path (the later one replaces). */
export function tableOf(state: Pick<DatasetState, "files" | "links">): Map<string, TableEntry> {
  const map = new Map<string, TableEntry>();
  for (const entry of state.files) map.set(entry.path, { kind: "file", entry });
  for (const entry of state.links) map.set(entry.path, { kind: "link", entry });
  return map;
}

export function byPath<T extends { path: string }>(a: T, b: T): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** Writes a table back into sorted file and link arrays. */
export function fromTable(map: Map<string, TableEntry>): { files: FileEntry[]; links: LinkEntry[] } {
  const files: FileEntry[] = [];
  const links: LinkEntry[] = [];
  for (const t of map.values()) (t.kind === "file" ? files : links).push(t.entry as FileEntry & LinkEntry);
  return { files: files.sort(byPath), links: links.sort(byPath) };
}

/** The start state of a child: parents merged in order, each overriding the ones before (a path as a whole). */
export function mergeParents(id: string, parents: DatasetState[]): DatasetState {
  const table = new Map<string, TableEntry>();
  const objects: Record<string, Segment[]> = {};
  const packs: Record<string, PackInfo[]> = {};
  const graph: Record<string, string[]> = {};
  for (const parent of parents) {
    for (const [path, t] of tableOf(parent)) table.set(path, t);
    Object.assign(objects, parent.objects);
    Object.assign(packs, parent.packs);
    Object.assign(graph, parent.graph);
  }
  graph[id] = parents.map((p) => p.id);
  packs[id] = [];
  return { format: 1, id, ...fromTable(table), objects, packs, graph, pending: {}, dirty: false, counters: { added: 0, modified: 0, removed: 0 } };
}

/** Baseline for list*Files: the union of several tables, later ones overriding. */
export function unionTables(states: Pick<DatasetState, "files" | "links">[]): Map<string, TableEntry> {
  const map = new Map<string, TableEntry>();
  for (const s of states) for (const [p, t] of tableOf(s)) map.set(p, t);
  return map;
}

export interface TableDiff {
  added: string[];
  removed: string[];
  modified: string[];
  /** `[from, to]`: same content, different path (and `from` no longer exists). */
  renamed: [string, string][];
}

function sameContent(a: TableEntry, b: TableEntry): boolean {
  if (a.kind === "file" && b.kind === "file") return a.entry.sha256 === b.entry.sha256;
  if (a.kind === "link" && b.kind === "link") {
    if (a.entry.url !== b.entry.url) return false;
    return a.entry.sha256 && b.entry.sha256 ? a.entry.sha256 === b.entry.sha256 : a.entry.size === b.entry.size;
  }
  const file = (a.kind === "file" ? a.entry : b.entry) as FileEntry;
  const link = (a.kind === "link" ? a.entry : b.entry) as LinkEntry;
  return link.sha256 ? link.sha256 === file.sha256 : link.size === file.size;
}

/** What changed from `base` to `target`, by path and content hash, with rename detection for files. */
export function diffTables(base: Map<string, TableEntry>, target: Map<string, TableEntry>): TableDiff {
  const added: string[] = [];
  const removed: string[] = [];
  const modified: string[] = [];
  for (const [path, t] of target) {
    const b = base.get(path);
    if (!b) added.push(path);
    else if (!sameContent(b, t)) modified.push(path);
  }
  for (const path of base.keys()) if (!target.has(path)) removed.push(path);
  const removedByHash = new Map<string, string[]>();
  for (const path of removed) {
    const t = base.get(path);
    if (t?.kind === "file") removedByHash.set(t.entry.sha256, [...(removedByHash.get(t.entry.sha256) ?? []), path]);
  }
  const renamed: [string, string][] = [];
  for (const path of added) {
    const t = target.get(path);
    const from = t?.kind === "file" ? removedByHash.get(t.entry.sha256)?.shift() : undefined;
    if (from !== undefined) renamed.push([from, path]);
  }
  return { added: added.sort(), removed: removed.sort(), modified: modified.sort(), renamed: renamed.sort((a, b) => (a[1] < b[1] ? -1 : 1)) };
}

/** ClearML's pruned dependency graph: versions whose content is still used, plus self with all its parents. */
export function prunedGraph(state: DatasetState): Record<string, string[]> {
  const used = new Set<string>([state.id]);
  for (const f of state.files) used.add(f.origin);
  for (const l of state.links) used.add(l.origin);
  const out: Record<string, string[]> = {};
  for (const [id, parents] of Object.entries(state.graph)) {
    if (!used.has(id)) continue;
    out[id] = id === state.id ? [...parents] : parents.filter((p) => used.has(p));
  }
  return out;
}

/** Oldest first, parents in their given order, self last (ClearML `_get_dependencies_by_order`). */
export function applicationOrder(graph: Record<string, string[]>, self: string): string[] {
  const visited: string[] = [];
  const seen = new Set<string>();
  const queue = [self];
  const visit = (): void => {
    while (queue.length > 0) {
      const node = queue.shift() as string;
      if (seen.has(node)) continue;
      seen.add(node);
      visited.push(node);
      for (const p of [...(graph[node] ?? [])].reverse()) if (p in graph && !seen.has(p)) queue.push(p);
    }
  };
  visit();
  for (const node of Object.keys(graph)) {
    if (!seen.has(node)) {
      queue.push(node);
      visit();
    }
  }
  return [...visited.filter((n) => n !== self).reverse(), self];
}

/** Every chunk (pack) of the graph in application order, as `[ownerVersion, packId]`. */
export function chunkList(state: DatasetState): [string, string][] {
  const out: [string, string][] = [];
  for (const v of applicationOrder(prunedGraph(state), state.id)) for (const p of state.packs[v] ?? []) out.push([v, p.id]);
  return out;
}

/**
 * The entries of part `part` of `numParts`: contiguous blocks of the chunk list (ClearML `_build_chunk_selection`),
 * a file belonging to the chunk holding its first byte. Empty files and links go with part 0.
 */
export function selectPart(state: DatasetState, part: number | undefined, numParts: number | undefined): { files: FileEntry[]; links: LinkEntry[] } {
  if (part === undefined && numParts === undefined) return { files: state.files, links: state.links };
  const chunks = chunkList(state);
  const n = numParts ?? chunks.length;
  const p = part ?? 0;
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`[shoal] [files] numParts must be a positive integer, got ${numParts}`);
  if (!Number.isInteger(p) || p < 0 || p >= n) throw new InvalidArgumentError(`[shoal] [files] part must be an integer in [0, ${n}), got ${part}`);
  const avg = Math.floor(chunks.length / n);
  const left = chunks.length % n;
  const start = p * avg + Math.min(p, left);
  const count = avg + (p < left ? 1 : 0);
  const selected = new Set(chunks.slice(start, start + count).map((c) => c[1]));
  const files = state.files.filter((f) => {
    const first = state.objects[f.sha256]?.[0];
    return first === undefined ? p === 0 : selected.has(first[0]);
  });
  return { files, links: p === 0 ? state.links : [] };
}

/**
 * Throws CaseCollisionError when one of `changed` differs from another path of `table` only by case. Only new or
 * changed paths are checked, so a collision a parent was allowed to keep does not block its children.
 */
export function assertNoCaseCollision(table: Map<string, TableEntry>, changed: readonly string[]): void {
  if (changed.length === 0) return;
  const byFolded = new Map<string, string[]>();
  for (const path of table.keys()) {
    const folded = path.toLowerCase();
    const list = byFolded.get(folded);
    if (list) list.push(path);
    else byFolded.set(folded, [path]);
  }
  for (const path of changed) {
    const other = byFolded.get(path.toLowerCase())?.find((p) => p !== path);
    if (other !== undefined) throw new CaseCollisionError(path, other, "in the dataset");
  }
}
