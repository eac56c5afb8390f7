// Store wrappers for tests: count requests, fail after N writes, pretend conditional writes are not enforced.
import type { GetOptions, ObjectInfo, RequestOptions, SetOptions, Store, StoreCapabilities } from "@shoal/storage";

export class Wrapped implements Store {
  readonly inner: Store;
  capabilities: StoreCapabilities;
  reads = 0;
  writes = 0;
  lists = 0;
  failAfterWrites = Infinity;
  constructor(inner: Store, caps?: Partial<StoreCapabilities>) {
    this.inner = inner;
    this.capabilities = { ...inner.capabilities, ...caps };
  }
  get(key: string, opts?: GetOptions): Promise<Uint8Array | undefined> {
    this.reads++;
    return this.inner.get(key, opts);
  }
  async set(key: string, value: Uint8Array, opts?: SetOptions): Promise<void> {
    if (this.writes >= this.failAfterWrites) throw new Error(`simulated crash before writing ${key}`);
    this.writes++;
    // A store without conditional writes ignores the condition, like the S3 test servers.
    const o = this.capabilities.conditionalWrite === "none" ? { signal: opts?.signal } : opts;
    return this.inner.set(key, value, o);
  }
  delete(key: string, opts?: RequestOptions): Promise<void> {
    return this.inner.delete(key, opts);
  }
  list(prefix: string, opts?: RequestOptions): AsyncIterable<string> {
    this.lists++;
    return this.inner.list(prefix, opts);
  }
  head(key: string, opts?: RequestOptions): Promise<ObjectInfo | undefined> {
    this.reads++;
    return this.inner.head(key, opts);
  }
}

export async function tempDir(name: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const { mkdtemp, rm } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const path = await mkdtemp(join(tmpdir(), `shoal-vcs-${name}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
