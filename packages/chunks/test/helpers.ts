import { patternBytes } from "@shoal/testing";
import type { ExactRange, GetOptions, ObjectInfo, RequestOptions, SetOptions, Store } from "@shoal/storage";

/** Wraps a store and counts requests, so tests can assert how many reads an operation made. */
export class CountingStore implements Store {
  readonly inner: Store;
  gets = 0;
  rangeGets = 0;
  sets = 0;
  /** `readInto` calls (a request like a ranged get, into the caller's buffer). */
  readIntos = 0;
  readonly #latency: "local" | "remote" | null | undefined;
  readonly readInto?: (key: string, range: ExactRange, out: Uint8Array, opts?: RequestOptions) => Promise<number | undefined>;
  /** `latency` overrides the inner store's hint (`null`: no hint); `readInto: false` hides the inner store's readInto. */
  constructor(inner: Store, opts?: { latency?: "local" | "remote" | null; readInto?: boolean }) {
    this.inner = inner;
    this.#latency = opts?.latency;
    const readInto = opts?.readInto === false ? undefined : inner.readInto?.bind(inner);
    if (readInto) {
      this.readInto = (key, range, out, o) => {
        this.readIntos++;
        return readInto(key, range, out, o);
      };
    }
  }
  get capabilities() {
    if (this.#latency === undefined) return this.inner.capabilities;
    const { latency: _, ...rest } = this.inner.capabilities;
    return this.#latency === null ? rest : { ...rest, latency: this.#latency };
  }
  get(key: string, opts?: GetOptions) {
    this.gets++;
    if (opts?.range) this.rangeGets++;
    return this.inner.get(key, opts);
  }
  set(key: string, value: Uint8Array, opts?: SetOptions) {
    this.sets++;
    return this.inner.set(key, value, opts);
  }
  delete(key: string, opts?: RequestOptions) {
    return this.inner.delete(key, opts);
  }
  list(prefix: string, opts?: RequestOptions) {
    return this.inner.list(prefix, opts);
  }
  head(key: string, opts?: RequestOptions): Promise<ObjectInfo | undefined> {
    return this.inner.head(key, opts);
  }
  reset() {
    this.gets = this.rangeGets = this.sets = this.readIntos = 0;
  }
}

export function noise(n: number, seed = 1): Uint8Array {
  return patternBytes(n, seed);
}
