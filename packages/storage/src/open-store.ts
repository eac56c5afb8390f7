import { InvalidArgumentError } from "@shoal/core";
import type { FileStoreOptions } from "./fs.ts";
import type { HttpStoreOptions } from "./http.ts";
import { MemoryStore } from "./memory.ts";
import type { S3StoreOptions } from "./s3.ts";
import type { Store } from "./types.ts";
import { withCache } from "./with-cache.ts";
import type { CacheOptions } from "./with-cache.ts";
import { withReadOnly } from "./with-read-only.ts";

export interface OpenStoreOptions {
  /** Refuse writes (withReadOnly). */
  readOnly?: boolean;
  /** Put an in-memory cache in front (withCache). */
  cache?: CacheOptions;
  /** Options for `file://` URLs and plain paths. */
  fs?: FileStoreOptions;
  /** Options for `http(s)://` URLs. */
  http?: HttpStoreOptions;
  /** Options for `s3://bucket/prefix` URLs (bucket and prefix come from the URL). */
  s3?: Omit<S3StoreOptions, "bucket" | "prefix">;
}

/**
 * Opens the store a URL names: `memory://`, `file:///abs/dir` or a plain path, `http(s)://…`, `s3://bucket/prefix`.
 * Adapters load on demand, so this entry stays free of `node:` modules and of the S3 signer until they are needed.
 *
 * @example
 * const store = await openStore("s3://my-bucket/datasets/mnist", { s3: { region: "eu-west-1" } });
 */
export async function openStore(url: string, opts?: OpenStoreOptions): Promise<Store> {
  if (typeof url !== "string" || url === "") throw new InvalidArgumentError(`[shoal] openStore needs a URL or path, got ${JSON.stringify(url)}`);
  const store = await adapterFor(url, opts);
  const cached = opts?.cache ? withCache(store, opts.cache) : store;
  return opts?.readOnly ? withReadOnly(cached) : cached;
}

async function adapterFor(url: string, opts: OpenStoreOptions | undefined): Promise<Store> {
  // One-letter "schemes" are Windows drive letters (C:\data), so they stay paths.
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case undefined: {
      const { FileStore } = await import("./fs.ts");
      return new FileStore(url, opts?.fs);
    }
    case "memory":
      return new MemoryStore();
    case "file": {
      const { FileStore } = await import("./fs.ts");
      return new FileStore(parseUrl(url), opts?.fs);
    }
    case "http":
    case "https": {
      const { HttpStore } = await import("./http.ts");
      return new HttpStore(url, opts?.http);
    }
    case "s3": {
      const parsed = parseUrl(url);
      if (parsed.hostname === "") throw new InvalidArgumentError(`[shoal] openStore: ${JSON.stringify(url)} names no bucket (s3://bucket/prefix)`);
      const { S3Store } = await import("./s3.ts");
      return new S3Store({ ...opts?.s3, bucket: parsed.hostname, prefix: decodeURIComponent(parsed.pathname.replace(/^\/+/, "")) });
    }
    default:
      throw new InvalidArgumentError(`[shoal] openStore: unknown scheme "${scheme}:" in ${JSON.stringify(url)}; known: memory, file, http, https, s3 or a plain path`);
  }
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch (e) {
    throw new InvalidArgumentError(`[shoal] openStore: ${JSON.stringify(url)} is not a valid URL`, { cause: e });
  }
}
