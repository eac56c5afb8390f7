/**
 * External links: listing what a URL names (a file or a folder/prefix) and reading its bytes on getLocalCopy.
 * `http(s)://` goes through fetch, `file://` (or a bare local path) through the LocalFiles adapter, anything else
 * (`s3://bucket/key`, …) through the caller's LinkResolver.
 * @module
 */
import { InvalidArgumentError, StorageError, UnsupportedError } from "@shoal/core";
import type { LinkResolver, LocalFiles } from "./types.ts";

export interface LinkTarget {
  /** Path below the URL when it names a folder or prefix, '' for the object itself. */
  rel: string;
  url: string;
  size: number;
}

export interface LinkContext {
  local: LocalFiles | undefined;
  linkResolver: LinkResolver | undefined;
  fetch: typeof fetch;
  signal?: AbortSignal;
}

function localPathOf(url: string): string | undefined {
  if (url.startsWith("file://")) return decodeURIComponent(url.slice("file://".length));
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  return undefined;
}

function needLocal(ctx: LinkContext, url: string): LocalFiles {
  if (!ctx.local) throw new UnsupportedError("local-files", `[shoal] [files] ${url}: local links need @shoal/clearml-compat/node`);
  return ctx.local;
}

/** The objects a link URL names: itself, or everything below it (recursively unless `recursive` is false). */
export async function listLink(url: string, recursive: boolean, ctx: LinkContext): Promise<LinkTarget[]> {
  const localPath = localPathOf(url);
  if (localPath !== undefined) {
    const local = needLocal(ctx, url);
    const abs = local.resolve(localPath);
    const st = await local.stat(abs);
    if (!st) throw new InvalidArgumentError(`[shoal] [files] link ${url}: no such file or folder`);
    if (st.kind === "file") return [{ rel: "", url: `file://${abs}`, size: st.size }];
    const out: LinkTarget[] = [];
    for await (const rel of local.walk(abs, { recursive, signal: ctx.signal })) {
      const full = local.inside(abs, rel);
      out.push({ rel, url: `file://${full}`, size: (await local.stat(full))?.size ?? 0 });
    }
    return out;
  }
  if (/^https?:\/\//i.test(url)) {
    const res = await ctx.fetch(url, { method: "HEAD", signal: ctx.signal });
    if (!res.ok) throw new StorageError(`[shoal] [files] HEAD ${url} answered ${res.status}`, { key: url, status: res.status });
    return [{ rel: "", url, size: Number(res.headers.get("content-length") ?? 0) }];
  }
  const resolved = ctx.linkResolver?.(url);
  if (!resolved) throw new UnsupportedError("link-scheme", `[shoal] [files] no linkResolver handles ${url}`);
  const { store, key } = resolved;
  const trimmed = key.replace(/\/+$/, "");
  const head = trimmed === "" ? undefined : await store.head(trimmed, { signal: ctx.signal });
  if (head) return [{ rel: "", url, size: head.size }];
  const prefix = trimmed === "" ? "" : `${trimmed}/`;
  const base = url.endsWith("/") ? url : `${url}/`;
  const out: LinkTarget[] = [];
  for await (const k of store.list(prefix, { signal: ctx.signal })) {
    const rel = k.slice(prefix.length);
    if (!recursive && rel.includes("/")) continue;
    out.push({ rel, url: base + rel, size: (await store.head(k, { signal: ctx.signal }))?.size ?? 0 });
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : 1));
}

const BLOCK = 8 * 1024 * 1024;

/** The bytes of a link, in pieces. */
export async function* readLink(url: string, ctx: LinkContext): AsyncIterable<Uint8Array> {
  const localPath = localPathOf(url);
  if (localPath !== undefined) {
    const local = needLocal(ctx, url);
    const abs = local.resolve(localPath);
    for (let pos = 0; ; pos += BLOCK) {
      const piece = await local.read(abs, pos, BLOCK, { signal: ctx.signal });
      if (piece.length > 0) yield piece;
      if (piece.length < BLOCK) return;
    }
  }
  if (/^https?:\/\//i.test(url)) {
    const res = await ctx.fetch(url, { signal: ctx.signal });
    if (!res.ok || !res.body) throw new StorageError(`[shoal] [files] GET ${url} answered ${res.status}`, { key: url, status: res.status });
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }
  const resolved = ctx.linkResolver?.(url);
  if (!resolved) throw new UnsupportedError("link-scheme", `[shoal] [files] no linkResolver handles ${url}`);
  const bytes = await resolved.store.get(resolved.key, { signal: ctx.signal });
  if (!bytes) throw new StorageError(`[shoal] [files] link ${url} is missing`, { key: resolved.key });
  yield bytes;
}
