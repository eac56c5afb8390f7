import { patternBytes } from "@shoal/testing";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { GetOptions, RequestOptions, SetOptions, Store, StoreCapabilities } from "@shoal/storage";
import { StorageError } from "@shoal/core";
import { createNodeLocalFiles } from "../src/node.ts";
import type { LocalFiles } from "../src/types.ts";

export interface Sandbox {
  dir: string;
  local: LocalFiles;
  write(rel: string, content: string | Uint8Array): string;
  cleanup(): void;
}

/** A temp folder with its own cache dir, so tests never touch ~/.cache. */
export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), "shoal-files-test-"));
  return {
    dir,
    local: createNodeLocalFiles({ cacheDir: join(dir, ".cache") }),
    write(rel, content) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      return p;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function noise(n: number, seed = 1): Uint8Array {
  return patternBytes(n, seed);
}

/**
 * Wraps a real store: records every key written and, once `failAfter` writes have succeeded, fails the next ones
 * with a StorageError (as a dropped connection would).
 */
export class FlakyStore implements Store {
  readonly inner: Store;
  readonly writes: string[] = [];
  failAfter = Number.POSITIVE_INFINITY;
  constructor(inner: Store) {
    this.inner = inner;
  }
  get capabilities(): StoreCapabilities {
    return this.inner.capabilities;
  }
  get(key: string, opts?: GetOptions) {
    return this.inner.get(key, opts);
  }
  async set(key: string, value: Uint8Array, opts?: SetOptions) {
    if (this.writes.length >= this.failAfter) throw new StorageError(`[test] injected failure writing ${key}`, { key });
    await this.inner.set(key, value, opts);
    this.writes.push(key);
  }
  delete(key: string, opts?: RequestOptions) {
    return this.inner.delete(key, opts);
  }
  list(prefix: string, opts?: RequestOptions) {
    return this.inner.list(prefix, opts);
  }
  head(key: string, opts?: RequestOptions) {
    return this.inner.head(key, opts);
  }
}

/**
 * Wraps a real store and holds every matching call until `target` of them are in flight at once (or `giveUpMs`
 * passes), recording the peak: proves calls really overlap without relying on timing, and that they stay bounded.
 */
export class GateStore implements Store {
  readonly inner: Store;
  readonly matches: (op: "get" | "set", key: string) => boolean;
  target: number;
  giveUpMs = 500;
  inFlight = 0;
  peak = 0;
  #waiting: (() => void)[] = [];
  constructor(inner: Store, target: number, matches: (op: "get" | "set", key: string) => boolean) {
    this.inner = inner;
    this.target = target;
    this.matches = matches;
  }
  get capabilities(): StoreCapabilities {
    return this.inner.capabilities;
  }
  async #gate<T>(op: "get" | "set", key: string, fn: () => Promise<T>): Promise<T> {
    if (!this.matches(op, key)) return fn();
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    if (this.inFlight >= this.target) {
      for (const release of this.#waiting.splice(0)) release();
    } else {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.giveUpMs);
        this.#waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    try {
      return await fn();
    } finally {
      this.inFlight--;
    }
  }
  get(key: string, opts?: GetOptions) {
    return this.#gate("get", key, () => this.inner.get(key, opts));
  }
  set(key: string, value: Uint8Array, opts?: SetOptions) {
    return this.#gate("set", key, () => this.inner.set(key, value, opts));
  }
  delete(key: string, opts?: RequestOptions) {
    return this.inner.delete(key, opts);
  }
  list(prefix: string, opts?: RequestOptions) {
    return this.inner.list(prefix, opts);
  }
  head(key: string, opts?: RequestOptions) {
    return this.inner.head(key, opts);
  }
}

/** Resolves with the ShoalError code a promise rejects with (fails the test if it resolves). */
export async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code;
  }
  throw new Error("expected a rejection");
}
