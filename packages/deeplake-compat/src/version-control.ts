/**
 * Deep Lake's version tree (`version_control_info.json`, or `commit_info.json` files when that is missing or
 * unreadable) and the chunk ownership lookup: a chunk named in a commit's chunk-id encoder lives in the nearest
 * commit along the parent chain whose `chunk_set` lists it, else at the dataset root (deeplake-format.md §5).
 * @module
 */
import type { Store } from "@shoal/storage";
import { DeepLakeFormatError, DeepLakeVersionNotFoundError } from "./errors.ts";
import { FIRST_COMMIT_ID, commitPrefix, parseJsonObject } from "./meta.ts";

export interface DeepLakeCommit {
  readonly commitId: string;
  readonly branch: string;
  readonly parent: string | null;
  readonly children: readonly string[];
  /** Any JSON value Deep Lake stored as the message (normally a string or null). */
  readonly message: unknown;
  /** Seconds since the epoch as the writer recorded it; null for a branch HEAD (uncommitted). */
  readonly time: number | null;
  readonly author: string | null;
}

export interface VersionTree {
  readonly commits: ReadonlyMap<string, DeepLakeCommit>;
  /** Branch → HEAD commit id. */
  readonly branches: Readonly<Record<string, string>>;
}

const VC_INFO_KEY = "version_control_info.json";

function toCommit(id: string, o: Record<string, unknown>, key: string, fallbackBranch = "main"): DeepLakeCommit {
  const parent = o.parent ?? null;
  if (parent !== null && typeof parent !== "string") throw new DeepLakeFormatError(key, `commit ${id}: "parent" must be a string or null`);
  const children = o.children ?? [];
  if (!Array.isArray(children) || !children.every((c) => typeof c === "string")) throw new DeepLakeFormatError(key, `commit ${id}: "children" must be a list of ids`);
  const time = o.commit_time ?? null;
  if (time !== null && typeof time !== "number") throw new DeepLakeFormatError(key, `commit ${id}: "commit_time" must be a number or null`);
  return {
    commitId: id,
    branch: typeof o.branch === "string" ? o.branch : fallbackBranch,
    parent,
    children: children as string[],
    message: o.commit_message ?? null,
    time,
    author: typeof o.commit_user_name === "string" ? o.commit_user_name : null,
  };
}

function parseVersionInfo(bytes: Uint8Array): VersionTree {
  const o = parseJsonObject(bytes, VC_INFO_KEY);
  const commitsRaw = o.commits;
  const branchesRaw = o.branches;
  if (typeof commitsRaw !== "object" || commitsRaw === null || Array.isArray(commitsRaw)) throw new DeepLakeFormatError(VC_INFO_KEY, `"commits" must be an object`);
  if (typeof branchesRaw !== "object" || branchesRaw === null || Array.isArray(branchesRaw)) throw new DeepLakeFormatError(VC_INFO_KEY, `"branches" must be an object`);
  const commits = new Map<string, DeepLakeCommit>();
  for (const [id, c] of Object.entries(commitsRaw as Record<string, unknown>)) {
    if (typeof c !== "object" || c === null) throw new DeepLakeFormatError(VC_INFO_KEY, `commit ${id} must be an object`);
    commits.set(id, toCommit(id, c as Record<string, unknown>, VC_INFO_KEY));
  }
  const branches: Record<string, string> = {};
  for (const [b, head] of Object.entries(branchesRaw as Record<string, unknown>)) {
    if (typeof head !== "string" || !commits.has(head)) throw new DeepLakeFormatError(VC_INFO_KEY, `branch ${JSON.stringify(b)} points at unknown commit ${JSON.stringify(head)}`);
    branches[b] = head;
  }
  return { commits, branches };
}

/** `rebuild_version_info`: a DFS from FIRST over `children` through the per-commit `commit_info.json` files. */
async function rebuildFromCommitInfos(store: Store, signal?: AbortSignal): Promise<VersionTree | undefined> {
  const commits = new Map<string, DeepLakeCommit>();
  const branches: Record<string, string> = {};
  const stack: { id: string; parent: string | null; branch: string }[] = [{ id: FIRST_COMMIT_ID, parent: null, branch: "main" }];
  while (stack.length) {
    const { id, parent, branch } = stack.pop()!;
    if (commits.has(id)) continue;
    const key = `${commitPrefix(id)}commit_info.json`;
    const bytes = await store.get(key, { signal });
    if (!bytes) {
      if (id === FIRST_COMMIT_ID) return undefined;
      // A child without its info file is an uncommitted HEAD.
      commits.set(id, { commitId: id, branch, parent, children: [], message: null, time: null, author: null });
      branches[branch] = id;
      continue;
    }
    const c = toCommit(id, parseJsonObject(bytes, key), key, branch);
    commits.set(id, { ...c, parent });
    if (c.time === null) branches[c.branch] = id;
    for (const child of c.children) stack.push({ id: child, parent: id, branch: c.branch });
  }
  return { commits, branches };
}

/** The version tree; a dataset without any version files is a single FIRST commit on `main`. */
export async function loadVersionTree(store: Store, signal?: AbortSignal): Promise<VersionTree> {
  const bytes = await store.get(VC_INFO_KEY, { signal });
  if (bytes) {
    try {
      return parseVersionInfo(bytes);
    } catch (e) {
      const rebuilt = await rebuildFromCommitInfos(store, signal);
      if (rebuilt) return rebuilt;
      throw e;
    }
  }
  const rebuilt = await rebuildFromCommitInfos(store, signal);
  if (rebuilt) return rebuilt;
  const first: DeepLakeCommit = { commitId: FIRST_COMMIT_ID, branch: "main", parent: null, children: [], message: null, time: null, author: null };
  return { commits: new Map([[FIRST_COMMIT_ID, first]]), branches: { main: FIRST_COMMIT_ID } };
}

/** Picks the commit to read: `commitId` if given, else the HEAD of `branch` (default `main`, else the only branch). */
export function resolveVersion(tree: VersionTree, opts: { commitId?: string; branch?: string }): DeepLakeCommit {
  const known = Object.keys(tree.branches).sort();
  if (opts.commitId !== undefined) {
    const c = tree.commits.get(opts.commitId);
    if (!c) throw new DeepLakeVersionNotFoundError(opts.commitId, known);
    return c;
  }
  const branch = opts.branch ?? (tree.branches.main !== undefined ? "main" : known[0]);
  const head = branch === undefined ? undefined : tree.branches[branch];
  const c = head === undefined ? undefined : tree.commits.get(head);
  if (!c) throw new DeepLakeVersionNotFoundError(opts.branch ?? "main", known);
  return c;
}

interface ChunkOwner {
  commitId: string;
  key: string;
}

/** Resolves chunk names to store keys along a commit's parent chain, reading each `chunk_set` at most once. */
export class ChunkLocator {
  readonly #store: Store;
  readonly #tree: VersionTree;
  readonly #sets = new Map<string, Promise<Map<string, ChunkOwner>>>();

  constructor(store: Store, tree: VersionTree) {
    this.#store = store;
    this.#tree = tree;
  }

  /** Store key of chunk `name` of tensor key `tensorKey` as seen from `commitId`. */
  async chunkKey(commitId: string, tensorKey: string, name: string, signal?: AbortSignal): Promise<string> {
    let node: string | null = commitId;
    const seen = new Set<string>();
    while (node !== null && node !== FIRST_COMMIT_ID && !seen.has(node)) {
      seen.add(node);
      const set = await this.#chunkSet(node, tensorKey, signal);
      const owner = set.get(name);
      if (owner) return `${commitPrefix(owner.commitId)}${owner.key}/chunks/${name}`;
      node = this.#tree.commits.get(node)?.parent ?? null;
    }
    return `${tensorKey}/chunks/${name}`;
  }

  #chunkSet(commitId: string, tensorKey: string, signal?: AbortSignal): Promise<Map<string, ChunkOwner>> {
    const id = `${commitId}\u0000${tensorKey}`;
    let p = this.#sets.get(id);
    if (!p) {
      const key = `${commitPrefix(commitId)}${tensorKey}/chunk_set`;
      p = this.#store.get(key, { signal }).then((bytes) => parseChunkSet(bytes, commitId, tensorKey));
      // A failed read (abort, network) is retried on the next lookup rather than cached.
      p.catch(() => this.#sets.delete(id));
      this.#sets.set(id, p);
    }
    return p;
  }
}

/** `name`, `name:commit` or `name:commit:key`, comma-separated; missing or empty means no chunks of its own. */
export function parseChunkSet(bytes: Uint8Array | undefined, commitId: string, tensorKey: string): Map<string, ChunkOwner> {
  const out = new Map<string, ChunkOwner>();
  if (!bytes || bytes.length === 0) return out;
  for (const entry of new TextDecoder().decode(bytes).split(",")) {
    const trimmed = entry.trim();
    if (!trimmed) continue;
    const [name, commit, key] = trimmed.split(":");
    out.set(name!, { commitId: commit || commitId, key: key || tensorKey });
  }
  return out;
}
