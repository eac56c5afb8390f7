// Shared by the tests: where the real Deep Lake fixtures live, and a Store wrapper that records which keys were read.
import { test } from "uvu";
import { sharedFixture, testWithFixture, vendoredFixture } from "@shoal/testing/node";
import { FileStore } from "@shoal/storage/fs";
import type { GetOptions, ObjectInfo, RequestOptions, SetOptions, Store, StoreCapabilities } from "@shoal/storage";
import { ReadOnlyModeError } from "@shoal/core";

// The hub 2.0.6 dataset is MPL-2.0 and committed in the repo; the other two come from repositories that grant no
// licence to redistribute them, so they are read from shared/ when present and their tests skip otherwise.
export const IMAGES = vendoredFixture("deeplake-v3", "images-classlabel-2.0.6");
const CHAT_PATH = sharedFixture("fixtures", "deeplake-v3", "chat-with-docs-3.8.8");
const TRANSCRIBE_PATH = sharedFixture("fixtures", "deeplake-v3", "transcribebot-3.4.0-versioned");
export const CHAT = CHAT_PATH ?? "chat-with-docs-3.8.8 (absent)";
export const TRANSCRIBE = TRANSCRIBE_PATH ?? "transcribebot-3.4.0-versioned (absent)";
export const chatTest = testWithFixture(test, CHAT_PATH, "chat-with-docs-3.8.8");
export const transcribeTest = testWithFixture(test, TRANSCRIBE_PATH, "transcribebot-3.4.0-versioned");
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
