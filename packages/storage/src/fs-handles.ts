/**
 * Open read handles shared by every FileStore of the process, so a ranged read costs one pread instead of
 * open + stat + read + close. Keyed by absolute path: a write or delete through any FileStore drops the path's
 * handle (writes rename a new inode into place, so a kept handle would go on reading the old bytes).
 * @module
 */
import { close, open } from "node:fs";
import { setTimeout as setTimer } from "node:timers";
import { READ_FLAGS } from "./fs-confine.ts";

export interface Handle {
  readonly fd: number;
  readonly path: string;
  users: number;
  lastUsed: number;
  /** Dropped from the cache (invalidated or evicted): closed once the last user releases it. */
  detached: boolean;
  closed: boolean;
}

/** Handles kept open at most; the least recently used idle one is closed beyond this. */
const MAX_HANDLES = 64;
/** An unused handle is closed after this long, so an idle process holds no descriptors. */
const IDLE_MS = 2000;

const handles = new Map<string, Handle>();
const opening = new Map<string, Promise<Handle | undefined>>();
/** Bumped by every invalidation, so an open that raced with a write is used once and not cached. */
let invalidations = 0;
let sweeper: { unref?: () => void } | undefined;

function openFd(path: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    // O_NOFOLLOW: a symlink fails with ELOOP, and FileStore resolves and checks it (fs-confine.ts).
    open(path, READ_FLAGS, (err, fd) => {
      if (!err) resolve(fd);
      else if (err.code === "ENOENT" || err.code === "ENOTDIR") resolve(undefined);
      else reject(err);
    });
  });
}

function closeFd(h: Handle): void {
  h.closed = true;
  close(h.fd, () => undefined);
}

function drop(h: Handle): void {
  if (handles.get(h.path) === h) handles.delete(h.path);
  h.detached = true;
  if (h.users === 0) closeFd(h);
}

function sweep(): void {
  sweeper = undefined;
  const cutoff = Date.now() - IDLE_MS;
  for (const h of [...handles.values()]) if (h.users === 0 && h.lastUsed < cutoff) drop(h);
  if (handles.size > 0) scheduleSweep();
}

function scheduleSweep(): void {
  if (sweeper) return;
  sweeper = setTimer(sweep, IDLE_MS);
  // The sweep must never keep a process alive.
  sweeper.unref?.();
}

function evictIdle(): void {
  // Map order is insertion order and acquire() re-inserts on use, so the first idle entry is the least recent.
  for (const h of handles.values()) {
    if (handles.size < MAX_HANDLES) return;
    if (h.users === 0) drop(h);
  }
}

/** An open handle for `path` (the caller must `release` it), or undefined when the file does not exist. */
export async function acquire(path: string): Promise<Handle | undefined> {
  let h = handles.get(path);
  if (!h) {
    let pending = opening.get(path);
    if (!pending) {
      const started: Promise<Handle | undefined> = openHandle(path).finally(() => {
        if (opening.get(path) === started) opening.delete(path);
      });
      opening.set(path, (pending = started));
    }
    h = await pending;
    if (!h) return undefined;
    // Between the open and this continuation another open may have evicted the handle while it had no user yet.
    if (h.closed) return acquire(path);
  } else {
    handles.delete(path);
    handles.set(path, h);
  }
  h.users++;
  h.lastUsed = Date.now();
  return h;
}

async function openHandle(path: string): Promise<Handle | undefined> {
  const epoch = invalidations;
  const fd = await openFd(path);
  if (fd === undefined) return undefined;
  const h: Handle = { fd, path, users: 0, lastUsed: Date.now(), detached: false, closed: false };
  if (epoch !== invalidations || handles.has(path)) {
    h.detached = true;
    return h;
  }
  evictIdle();
  handles.set(path, h);
  scheduleSweep();
  return h;
}

export function release(h: Handle): void {
  h.users--;
  h.lastUsed = Date.now();
  if (h.detached && h.users === 0) closeFd(h);
}

/** Forgets the handle of `path` (after a write, rename or delete of that path). */
export function invalidate(path: string): void {
  invalidations++;
  opening.delete(path);
  const h = handles.get(path);
  if (h) drop(h);
}

/** Closes every idle handle whose path starts with `prefix` (busy ones close when released). */
export function closeUnder(prefix: string): void {
  invalidations++;
  for (const [path, h] of [...handles]) if (path.startsWith(prefix)) drop(h);
}

/** Handles currently cached (for tests). */
export function cachedHandleCount(prefix = ""): number {
  let n = 0;
  for (const path of handles.keys()) if (path.startsWith(prefix)) n++;
  return n;
}
