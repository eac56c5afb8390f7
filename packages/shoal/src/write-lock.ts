/**
 * The single-writer lock of a dataset: `locks/write.json`, created with a create-only write when a session opens
 * the dataset for writing and deleted by `close()`. A lock older than its timeout (refreshed by every flush), or held
 * by a process of this host that has exited, is taken over: a crashed writer blocks others for at most that long.
 * @module
 */
import { PreconditionFailedError, isShoalError, sealJson, unsealJson } from "@shoal/core";
import type { Store } from "@shoal/storage";
import { DatasetLockedError } from "./errors.ts";

export const LOCK_KEY = "locks/write.json";
export const DEFAULT_LOCK_TIMEOUT_MS = 5 * 60_000;

interface LockRecord {
  session: string;
  time: number;
  /** Process and host of the holder where the runtime tells them (Node, Bun, Deno): a dead local holder is stale. */
  pid?: number;
  host?: string;
}

interface ProcessLike {
  pid?: number;
  kill?: (pid: number, signal: number) => void;
  getBuiltinModule?: (name: string) => unknown;
}

/** This process's pid and host name, without a static node: import (the root entry stays browser-safe). */
function identity(): { pid: number; host: string } | undefined {
  const proc = (globalThis as { process?: ProcessLike }).process;
  if (typeof proc?.pid !== "number") return undefined;
  try {
    const os = proc.getBuiltinModule?.("node:os") as { hostname(): string } | undefined;
    return os ? { pid: proc.pid, host: os.hostname() } : undefined;
  } catch {
    return undefined;
  }
}

/** True when the holder ran on this host in a process that has exited: its lock is abandoned. */
function holderDied(r: LockRecord): boolean {
  const me = identity();
  const proc = (globalThis as { process?: ProcessLike }).process;
  if (!me || r.pid === undefined || r.host !== me.host || r.pid === me.pid || typeof proc?.kill !== "function") return false;
  try {
    proc.kill(r.pid, 0);
    return false;
  } catch (e) {
    return (e as { code?: string }).code === "ESRCH";
  }
}

function stamp(session: string): Uint8Array {
  return sealJson({ session, time: Date.now(), ...identity() } satisfies LockRecord);
}

function parse(bytes: Uint8Array | undefined): LockRecord | undefined {
  if (!bytes) return undefined;
  const r = unsealJson(bytes);
  // A torn or damaged lock record counts as no lock: it cannot name a live holder.
  if (!r.ok || typeof r.value !== "object" || r.value === null) return undefined;
  const v = r.value as Partial<LockRecord>;
  if (typeof v.session === "string" && typeof v.time === "number") {
    return { session: v.session, time: v.time, ...(typeof v.pid === "number" && typeof v.host === "string" ? { pid: v.pid, host: v.host } : {}) };
  }
  return undefined;
}

export class WriteLock {
  readonly #store: Store;
  readonly session: string;
  readonly #timeout: number;
  #refreshed = 0;

  private constructor(store: Store, session: string, timeout: number) {
    this.#store = store;
    this.session = session;
    this.#timeout = timeout;
  }

  static async acquire(store: Store, session: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<WriteLock> {
    const timeout = opts.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    const lock = new WriteLock(store, session, timeout);
    const current = parse(await store.get(LOCK_KEY, { signal: opts.signal }));
    const record = stamp(session);
    if (current && current.session !== session && Date.now() - current.time < timeout && !holderDied(current)) {
      throw new DatasetLockedError(current.session, new Date(current.time).toISOString());
    }
    try {
      // Create-only when there is no lock, so two sessions opening at once cannot both win.
      const createOnly = !current && store.capabilities.conditionalWrite !== "none";
      await store.set(LOCK_KEY, record, { ifNoneMatch: createOnly ? "*" : undefined, signal: opts.signal });
    } catch (e) {
      if (isShoalError(e, "PreconditionFailedError")) {
        const winner = parse(await store.get(LOCK_KEY, { signal: opts.signal }));
        throw new DatasetLockedError(winner?.session ?? "unknown", new Date(winner?.time ?? Date.now()).toISOString(), { cause: e as PreconditionFailedError });
      }
      throw e;
    }
    lock.#refreshed = Date.now();
    return lock;
  }

  /** Re-stamps the lock when half its timeout has passed, so an active writer keeps it. */
  async refresh(signal?: AbortSignal): Promise<void> {
    if (Date.now() - this.#refreshed < this.#timeout / 2) return;
    const current = parse(await this.#store.get(LOCK_KEY, { signal }));
    if (current && current.session !== this.session) throw new DatasetLockedError(current.session, new Date(current.time).toISOString());
    await this.#store.set(LOCK_KEY, stamp(this.session), { signal });
    this.#refreshed = Date.now();
  }

  async release(signal?: AbortSignal): Promise<void> {
    const current = parse(await this.#store.get(LOCK_KEY, { signal }));
    if (current && current.session !== this.session) return;
    await this.#store.delete(LOCK_KEY, { signal });
  }
}
