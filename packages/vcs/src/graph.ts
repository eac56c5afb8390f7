/**
 * Walks the commit graph from two commits back to their best common ancestor, visiting only commits made since
 * the two diverged (git's merge-base "paint" walk, ordered by depth so each commit is seen after all its children).
 * @module
 */
import { VersionControlError } from "./errors.ts";
import type { CommitRecord } from "./records.ts";

const LEFT = 1;
const RIGHT = 2;
const BOTH = 3;

export interface Divergence {
  /** Commits reachable from the left commit but not from the right one, newest first. */
  left: CommitRecord[];
  right: CommitRecord[];
  /** Deepest common ancestor, or null when the histories share nothing. */
  base: string | null;
  /** Commit ids reachable from both sides that the walk saw (the base and its visited ancestors). */
  common: Set<string>;
}

export async function divergence(
  left: string | null,
  right: string | null,
  read: (id: string) => Promise<CommitRecord>,
): Promise<Divergence> {
  const flags = new Map<string, number>();
  const records = new Map<string, CommitRecord>();
  const queue: CommitRecord[] = [];
  const push = async (id: string, flag: number): Promise<void> => {
    const had = flags.get(id);
    flags.set(id, (had ?? 0) | flag);
    if (had !== undefined) return;
    const record = await read(id);
    records.set(id, record);
    queue.push(record);
  };
  if (left !== null) await push(left, LEFT);
  if (right !== null) await push(right, RIGHT);
  const out: Divergence = { left: [], right: [], base: null, common: new Set() };
  let guard = 0;
  while (queue.some((r) => flags.get(r.id) !== BOTH)) {
    if (++guard > 10_000_000) throw new VersionControlError("[shoal] commit graph walk did not terminate: the graph has a cycle");
    let best = 0;
    for (let i = 1; i < queue.length; i++) if (queue[i]!.depth > queue[best]!.depth) best = i;
    const node = queue.splice(best, 1)[0]!;
    const flag = flags.get(node.id)!;
    if (flag === BOTH) {
      out.common.add(node.id);
      if (out.base === null) out.base = node.id;
    } else if (flag === LEFT) out.left.push(node);
    else out.right.push(node);
    for (const parent of node.parents) await push(parent, flag);
  }
  for (const r of queue) {
    out.common.add(r.id);
    if (out.base === null || r.depth > records.get(out.base)!.depth) out.base = r.id;
  }
  return out;
}

/** True when `ancestor` is `id` or reachable from it through parents. */
export async function isAncestor(ancestor: string, id: string, read: (id: string) => Promise<CommitRecord>): Promise<boolean> {
  if (ancestor === id) return true;
  const d = await divergence(ancestor, id, read);
  return d.left.length === 0;
}
