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
