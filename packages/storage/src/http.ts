/**
 * `@shoal/storage/http`: a read-only Store over plain HTTP(S), for datasets published on a web server or CDN.
 * @module
 */
import { ReadOnlyModeError, StorageError, UnsupportedError, assertKey, assertPrefix } from "@shoal/core";
import { bytesForRange, emptyRange, rangeHeader, validateRange } from "./remote-range.ts";
import { AttemptFailure, isRetryableStatus, readBody, resolveRetryOptions, withRetries } from "./request.ts";
import type { ResolvedRetryOptions, RetryOptions } from "./request.ts";
import type { GetOptions, ObjectInfo, RequestOptions, SetOptions, Store, StoreCapabilities } from "./types.ts";

export interface HttpStoreOptions extends RetryOptions {
  /** Any fetch implementation (a proxy-aware one, one that adds auth); defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Headers sent with every request, e.g. an Authorization header. */
  headers?: Record<string, string>;
}

/**
 * A read-only Store whose keys are paths under a base URL. Range reads use `Range` headers; 404 and 410 read as a
 * missing key. Listing needs a server-side index, which plain HTTP lacks, so `list()` throws UnsupportedError.
 *
 * @example
 * const store = new HttpStore("https://example.org/datasets/mnist/");
 * const header = await store.get("dataset_meta.json", { range: { offset: 0, length: 64 } });
 */
export class HttpStore implements Store {
  readonly capabilities: StoreCapabilities = { writable: false, conditionalWrite: "none", rangeRead: true, listable: false, latency: "remote" };
  readonly url: string;
  readonly #fetch: typeof fetch;
  readonly #headers: Record<string, string>;
  readonly #retry: ResolvedRetryOptions;

  constructor(url: string | URL, opts?: HttpStoreOptions) {
    const base = new URL(url);
    if (base.protocol !== "http:" && base.protocol !== "https:") {
      throw new UnsupportedError("protocol", `[shoal] HttpStore needs an http(s) URL, got ${base.protocol}`);
    }
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    this.url = base.href;
    this.#fetch = opts?.fetch ?? ((input, init) => fetch(input, init));
    this.#headers = { ...opts?.headers };
    this.#retry = resolveRetryOptions(opts);
  }

  #urlOf(key: string): string {
    return this.url + key.split("/").map(encodeURIComponent).join("/");
  }

  async #request(key: string, method: "GET" | "HEAD", range: string | undefined, signal: AbortSignal | undefined) {
    return withRetries(key, `${method} of`, this.#retry, signal, async (attemptSignal) => {
      const headers: Record<string, string> = { ...this.#headers };
      if (range) headers.range = range;
      const res = await this.#fetch(this.#urlOf(key), { method, headers, signal: attemptSignal });
      if (res.status === 404 || res.status === 410) {
        await res.body?.cancel();
        return undefined;
      }
      if (!res.ok && res.status !== 416) {
        await res.body?.cancel();
        const error = new StorageError(`[shoal] ${method} of ${JSON.stringify(key)} at ${this.#urlOf(key)} failed: HTTP ${res.status}`, { key, status: res.status });
        throw new AttemptFailure(error, isRetryableStatus(res.status));
      }
      const length = res.headers.get("content-encoding") ? undefined : numberOrUndefined(res.headers.get("content-length"));
      const body = method === "HEAD" || res.status === 416 ? new Uint8Array(0) : await readBody(res.body, length);
      return { status: res.status, headers: res.headers, body, length };
    });
  }

  async get(key: string, opts?: GetOptions): Promise<Uint8Array | undefined> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    const range = opts?.range;
    if (!range) return (await this.#request(key, "GET", undefined, opts?.signal))?.body;
    validateRange(key, range);
    if (range.length === 0) return emptyRange((k, o) => this.head(k, o), key, range, opts?.signal);
    const res = await this.#request(key, "GET", rangeHeader(range), opts?.signal);
    if (!res) return undefined;
    const bytes = bytesForRange(key, range, res.status, res.headers.get("content-range"), res.body);
    return bytes === "unsatisfiable" ? emptyRange((k, o) => this.head(k, o), key, range, opts?.signal) : bytes;
  }


  async head(key: string, opts?: RequestOptions): Promise<ObjectInfo | undefined> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    const res = await this.#request(key, "HEAD", undefined, opts?.signal);
    if (!res) return undefined;
    if (res.length === undefined) {
      throw new StorageError(`[shoal] HEAD of ${JSON.stringify(key)} gave no Content-Length`, { key, status: res.status });
    }
    const version = res.headers.get("etag") ?? res.headers.get("last-modified") ?? undefined;
    return version === undefined ? { size: res.length } : { size: res.length, version };
  }

  async set(key: string, _value: Uint8Array, _opts?: SetOptions): Promise<void> {
    throw new ReadOnlyModeError(`HttpStore ${this.url} (writing ${JSON.stringify(key)})`);
  }

  async delete(key: string, _opts?: RequestOptions): Promise<void> {
    throw new ReadOnlyModeError(`HttpStore ${this.url} (deleting ${JSON.stringify(key)})`);
  }

  // eslint-disable-next-line require-yield
  async *list(prefix: string, opts?: RequestOptions): AsyncIterable<string> {
    assertPrefix(prefix);
    opts?.signal?.throwIfAborted();
    throw new UnsupportedError("list", `[shoal] HttpStore ${this.url} cannot list keys (prefix ${JSON.stringify(prefix)}): HTTP has no listing`);
  }
}

function numberOrUndefined(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
