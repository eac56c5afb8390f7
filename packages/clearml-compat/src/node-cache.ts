/**
 * Byte-bounded pruning of the local-copy cache (node:fs; reached through `@shoal/clearml-compat/node`).
 * Views are evicted least recently used first (a view's marker mtime is touched on every cache hit), together with
 * the objects only they used; objects no view uses (left by getMutableLocalCopy or by evicted views) are evicted by
 * their own age. A view leaves by an atomic rename before its files are deleted, so another process's getLocalCopy
 * sees either the complete view or none (and rebuilds it).
 * @module
 */
import { lstat, readdir, readlink, rename, rm, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InvalidArgumentError } from "@shoal/core";
import { randomId } from "./hash.ts";
import { VIEW_MARKER } from "./local-copy.ts";
import { defaultCacheDir } from "./node-files.ts";

export interface PruneCacheOptions {
  /** Cache root (default: the `/node` default, `$SHOAL_CACHE_DIR`… see `defaultCacheDir`). */
  cacheDir?: string;
  /** Keep at most this many bytes (0 empties the cache). */
  maxBytes: number;
  /** Report what would go without deleting anything. */
  dryRun?: boolean;
  /** Leftover temp folders/files older than this are removed (default 1 hour: older ones are from crashed runs). */
  staleTempMs?: number;
  signal?: AbortSignal;
}

export interface PruneCacheResult {
  /** Cache bytes before pruning (objects plus view files that are not hardlinks to them). */
  bytesBefore: number;
  /** Cache bytes after pruning (what it would be, with dryRun). */
  bytesAfter: number;
  /** Names of the evicted views (`<version id>[~p<part>of<n>]`). */
  views: string[];
  /** Number of evicted objects. */
  objects: number;
}

interface ObjectInfo {
  path: string;
  size: number;
  /** Views and other names using it: hardlinks beyond its own name plus symlinks pointing at it. */
  refs: number;
  used: number;
}

interface ViewInfo {
  name: string;
  used: number;
  ownBytes: number;
  /** Object paths this view references (hardlinked: by inode; symlinked: by target), with multiplicity. */
  uses: string[];
}

function errCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : undefined;
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if (errCode(e) === "ENOENT") return [];
    throw e;
  }
}

export async function pruneCache(opts: PruneCacheOptions): Promise<PruneCacheResult> {
  if (!opts || typeof opts.maxBytes !== "number" || Number.isNaN(opts.maxBytes) || opts.maxBytes < 0) {
    throw new InvalidArgumentError(`[shoal] [files] pruneCache needs maxBytes >= 0, got ${String(opts?.maxBytes)}`);
  }
  const root = resolve(opts.cacheDir ?? defaultCacheDir());
  const signal = opts.signal;
  const staleBefore = Date.now() - (opts.staleTempMs ?? 3_600_000);
  const viewsDir = join(root, "views");
  const objectsDir = join(root, "objects");

  const objects = new Map<string, ObjectInfo>();
  const byInode = new Map<string, string>();
  for (const aa of await list(objectsDir)) {
    for (const name of await list(join(objectsDir, aa))) {
      signal?.throwIfAborted();
      const path = join(objectsDir, aa, name);
      const st = await lstat(path).catch(() => undefined);
      if (!st?.isFile()) continue;
      if (name.includes(".tmp-")) {
        if (st.mtimeMs < staleBefore && !opts.dryRun) await rm(path, { force: true });
        continue;
      }
      objects.set(path, { path, size: st.size, refs: st.nlink - 1, used: st.mtimeMs });
      byInode.set(`${st.dev}:${st.ino}`, path);
    }
  }

  const views: ViewInfo[] = [];
  for (const name of await list(viewsDir)) {
    const dir = join(viewsDir, name);
    if (name.startsWith(".")) {
      // A build or an eviction that never finished (the process died); live ones are younger than staleTempMs.
      const st = await lstat(dir).catch(() => undefined);
      if (st && st.mtimeMs < staleBefore && !opts.dryRun) await rm(dir, { recursive: true, force: true });
      continue;
    }
    const marker = await lstat(join(dir, VIEW_MARKER)).catch(() => undefined);
    const view: ViewInfo = { name, used: marker?.mtimeMs ?? 0, ownBytes: 0, uses: [] };
    const stack = [dir];
    while (stack.length > 0) {
      signal?.throwIfAborted();
      const at = stack.pop() as string;
      for (const entry of await list(at)) {
        const path = join(at, entry);
        const st = await lstat(path).catch(() => undefined);
        if (!st) continue;
        if (st.isDirectory()) stack.push(path);
        else if (st.isSymbolicLink()) {
          const target = resolve(at, await readlink(path));
          const obj = objects.get(target);
          if (obj) {
            obj.refs++;
            view.uses.push(target);
          }
        } else {
          const shared = byInode.get(`${st.dev}:${st.ino}`);
          if (shared) view.uses.push(shared);
          else view.ownBytes += st.size;
        }
      }
    }
    views.push(view);
  }

  let bytes = views.reduce((n, v) => n + v.ownBytes, 0);
  for (const o of objects.values()) bytes += o.size;
  const bytesBefore = bytes;
  const result: PruneCacheResult = { bytesBefore, bytesAfter: bytes, views: [], objects: 0 };
  if (bytes <= opts.maxBytes) return result;

  const dropObject = async (o: ObjectInfo): Promise<void> => {
    objects.delete(o.path);
    bytes -= o.size;
    result.objects++;
    if (!opts.dryRun) await unlink(o.path).catch((e) => (errCode(e) === "ENOENT" ? undefined : Promise.reject(e)));
  };
  type Candidate = { kind: "view"; view: ViewInfo } | { kind: "object"; object: ObjectInfo };
  const candidates: (Candidate & { used: number })[] = [
    ...views.map((view) => ({ kind: "view" as const, view, used: view.used })),
    ...[...objects.values()].filter((o) => o.refs <= 0).map((object) => ({ kind: "object" as const, object, used: object.used })),
  ].sort((a, b) => a.used - b.used);
  for (const c of candidates) {
    if (bytes <= opts.maxBytes) break;
    signal?.throwIfAborted();
    if (c.kind === "object") {
      if (objects.has(c.object.path)) await dropObject(c.object);
      continue;
    }
    const { view } = c;
    if (!opts.dryRun) {
      const trash = join(viewsDir, `.evict-${randomId()}`);
      try {
        await rename(join(viewsDir, view.name), trash);
      } catch (e) {
        if (errCode(e) !== "ENOENT") throw e;
        continue;
      }
      await rm(trash, { recursive: true, force: true });
    }
    bytes -= view.ownBytes;
    result.views.push(view.name);
    for (const path of view.uses) {
      const o = objects.get(path);
      if (o && --o.refs <= 0) await dropObject(o);
    }
  }
  result.bytesAfter = bytes;
  return result;
}
