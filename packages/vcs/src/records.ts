/**
 * The version records and where they live. Every record is JSON, written once and never overwritten, except the
 * per-branch `HEAD.json` hint, which is only a cache of the newest ref (readers verify it by probing forward).
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { corrupt } from "./codec.ts";
import { isObject } from "./changes.ts";
import { InvalidBranchNameError } from "./errors.ts";

/** Deep Lake's id of the first commit; the first pending id of a new dataset, so first commits look familiar. */
export const FIRST_COMMIT_ID = "firstdbf9474d461a19e9333c2fd19b46115348f";
const COMMIT_ID = /^[0-9a-f]{40}$/;

export interface CommitRecord {
  format: 1;
  id: string;
  /** First parent is the previous commit on the branch; a merge commit has the merged commit second. */
  parents: string[];
  /** Branch the commit was made on. */
  branch: string;
  /** Opaque id of the dataset state (the facade's manifest). */
  manifest: string;
  /** Key id of the change-set record, or null when the commit recorded none. */
  changes: string | null;
  author: string;
  /** Milliseconds since the Unix epoch (UTC). */
  time: number;
  message: string | null;
  /** 1 + max depth of the parents (0 for a root): lets ancestor walks stop early. */
  depth: number;
  merge: { commit: string; branch: string | null } | null;
}

/** One published state of a branch head: `refs/<branch>/<seq>.json`, created with ifNoneMatch "*". */
export interface RefRecord {
  format: 1;
  branch: string;
  seq: number;
  /** Newest commit of the branch, null before the first commit. */
  commit: string | null;
  /** Id the next commit will take. */
  pending: string;
  /** Working (possibly uncommitted) dataset state. */
  manifest: string;
  /** Manifest of `commit` (or the branch's starting state): head is dirty when `manifest !== base`. */
  base: string;
  /** Change-set record of the uncommitted work, or null. */
  changes: string | null;
  time: number;
}

/** `branches/<name>.json`: the branch exists. Created with ifNoneMatch "*", which is what makes names unique. */
export interface BranchRecord {
  format: 1;
  name: string;
  /** Commit the branch starts from (null for a branch of a dataset without commits). */
  from: string | null;
  fromBranch: string | null;
  /** Manifest of `from` (or the empty dataset's manifest). */
  manifest: string;
  time: number;
}

export class Keys {
  readonly prefix: string;
  constructor(prefix: string) {
    this.prefix = prefix;
  }
  branch(name: string): string {
    return `${this.prefix}branches/${name}.json`;
  }
  branches(): string {
    return `${this.prefix}branches/`;
  }
  refs(branch: string): string {
    return `${this.prefix}refs/${branch}/`;
  }
  ref(branch: string, seq: number): string {
    return `${this.prefix}refs/${branch}/${String(seq).padStart(10, "0")}.json`;
  }
  hint(branch: string): string {
    return `${this.prefix}refs/${branch}/HEAD.json`;
  }
  allRefs(): string {
    return `${this.prefix}refs/`;
  }
  commit(id: string): string {
    return `${this.prefix}commits/${id}.json`;
  }
  commits(): string {
    return `${this.prefix}commits/`;
  }
  changes(id: string): string {
    return `${this.prefix}changes/${id}.json`;
  }
  allChanges(): string {
    return `${this.prefix}changes/`;
  }
  /** Sequence number of a ref key, or undefined for the hint and foreign keys. */
  seqOf(key: string): number | undefined {
    const m = /\/(\d{10})\.json$/.exec(key);
    return m ? Number(m[1]) : undefined;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** `bytes` random bytes as lowercase hex. */
export function randomHex(bytes: number): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  let s = "";
  for (const b of raw) s += HEX[b]!;
  return s;
}

export function newCommitId(): string {
  return randomHex(20);
}

export function isCommitId(s: string): boolean {
  return COMMIT_ID.test(s) || s === FIRST_COMMIT_ID;
}

/**
 * Branch names become one key segment, so they exclude '/' (one branch's refs would list under another's) and
 * must not be mistaken for commit ids.
 */
export function assertBranchName(name: unknown): asserts name is string {
  if (typeof name !== "string") throw new InvalidBranchNameError(String(name), "branch names are strings");
  if (name.length === 0 || name.length > 100) throw new InvalidBranchNameError(name, "use 1 to 100 characters");
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name)) {
    throw new InvalidBranchNameError(name, "use letters, digits, '_', '-' and '.', starting with a letter, digit or '_'");
  }
  if (name.endsWith(".") || name.includes("..")) throw new InvalidBranchNameError(name, "no trailing '.' and no '..'");
  if (name === "HEAD") throw new InvalidBranchNameError(name, "HEAD is reserved");
  if (isCommitId(name)) throw new InvalidBranchNameError(name, "it would be read as a commit id");
}

export function assertManifestId(id: unknown, what: string): asserts id is string {
  if (typeof id !== "string" || id.length === 0 || id.length > 512) {
    throw new InvalidArgumentError(`[shoal] ${what}: manifest id must be a non-empty string (got ${JSON.stringify(id)})`);
  }
}

const str = (v: unknown): v is string => typeof v === "string";
const strOrNull = (v: unknown): v is string | null => v === null || typeof v === "string";
const int = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

export function parseCommit(json: unknown, key: string): CommitRecord {
  if (
    !isObject(json) || json.format !== 1 || !str(json.id) || !Array.isArray(json.parents) || !json.parents.every(str) ||
    !str(json.branch) || !str(json.manifest) || !strOrNull(json.changes) || !str(json.author) || !int(json.time) ||
    !strOrNull(json.message) || !int(json.depth)
  ) {
    throw corrupt(key, "not a format-1 commit record");
  }
  const merge = json.merge;
  if (merge !== null && !(isObject(merge) && str(merge.commit) && strOrNull(merge.branch))) throw corrupt(key, "bad merge field");
  return json as unknown as CommitRecord;
}

export function parseRef(json: unknown, key: string): RefRecord {
  if (
    !isObject(json) || json.format !== 1 || !str(json.branch) || !int(json.seq) || !strOrNull(json.commit) ||
    !str(json.pending) || !str(json.manifest) || !str(json.base) || !strOrNull(json.changes) || !int(json.time)
  ) {
    throw corrupt(key, "not a format-1 ref record");
  }
  return json as unknown as RefRecord;
}

export function parseBranch(json: unknown, key: string): BranchRecord {
  if (
    !isObject(json) || json.format !== 1 || !str(json.name) || !strOrNull(json.from) || !strOrNull(json.fromBranch) ||
    !str(json.manifest) || !int(json.time)
  ) {
    throw corrupt(key, "not a format-1 branch record");
  }
  return json as unknown as BranchRecord;
}
