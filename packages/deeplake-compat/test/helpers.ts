// Shared by the tests: where the real Deep Lake fixtures live, and a Store wrapper that records which keys were read.
import { join } from "node:path";
import { sharedDir } from "@shoal/testing/node";
import { FileStore } from "@shoal/storage/fs";
import type { GetOptions, ObjectInfo, RequestOptions, SetOptions, Store, StoreCapabilities } from "@shoal/storage";
import { ReadOnlyModeError } from "@shoal/core";

export const FIXTURES = join(sharedDir(), "fixtures", "deeplake-v3");
export const CHAT = `${FIXTURES}/chat-with-docs-3.8.8`;
export const IMAGES = `${FIXTURES}/images-classlabel-2.0.6`;
export const TRANSCRIBE = `${FIXTURES}/transcribebot-3.4.0-versioned`;
export const TRANSCRIBE_HEAD = "33fcdb2d99d206daf7fbb87eac11ca4c6f5bd1e4";

/** Reads through to a store, refuses writes (the fixtures are shared), and logs every key read. */
export class RecordingStore implements Store {
  readonly inner: Store;
  readonly gets: string[] = [];
  readonly capabilities: StoreCapabilities;
  constructor(inner: Store) {
    this.inner = inner;
    this.capabilities = { ...inner.capabilities, writable: false };
  }
  get(key: string, opts?: GetOptions): Promise<Uint8Array | undefined> {
    this.gets.push(key);
    return this.inner.get(key, opts);
  }
  set(key: string, _value: Uint8Array, _opts?: SetOptions): Promise<void> {
    return Promise.reject(new ReadOnlyModeError(`fixture store (set ${key})`));
  }
  delete(key: string, _opts?: RequestOptions): Promise<void> {
    return Promise.reject(new ReadOnlyModeError(`fixture store (delete ${key})`));
  }
  list(prefix: string, opts?: RequestOptions): AsyncIterable<string> {
    return this.inner.list(prefix, opts);
  }
  head(key: string, opts?: RequestOptions): Promise<ObjectInfo | undefined> {
    return this.inner.head(key, opts);
  }
}

export function fixture(path: string): RecordingStore {
  return new RecordingStore(new FileStore(path));
}

export function l2(data: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]! * data[i]!;
  return Math.sqrt(s);
}

export async function rejects(p: Promise<unknown>, check: (e: unknown) => boolean, what: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!check(e)) throw new Error(`${what}: unexpected error ${(e as Error)?.stack ?? String(e)}`);
    return;
  }
  throw new Error(`${what}: expected a rejection`);
}
