/**
 * Materializing versions on a local disk. Objects are cached once per content hash (`<cache>/objects/<aa>/<sha256>`,
 * read-only) and each read-only view (`<cache>/views/<id>[~p<part>of<n>]`) hardlinks to them, so versions sharing
 * content share disk space. A view is built in a temp folder and renamed into place, and its marker file makes the
 * next call return at once. Every entry path goes through `LocalFiles.inside`, which refuses to leave the target.
 * @module
 */
import type { Store } from "@shoal/storage";
import { InvalidArgumentError } from "@shoal/core";
import { CorruptContentError } from "./errors.ts";
import { randomId } from "./hash.ts";
import { keys } from "./layout.ts";
import { type LinkContext, readLink } from "./links.ts";
import { pool } from "./pool.ts";
import { ContentReader } from "./read.ts";
import { selectPart } from "./table.ts";
import type { DatasetState, FileEntry, LocalFiles, Progress } from "./types.ts";

export interface LocalCopyOptions {
  part?: number;
  numParts?: number;
  /** Symlinks into the object cache instead of hardlinks (ClearML's soft links). */
  useSoftLinks?: boolean;
  /** Objects downloaded concurrently (default 4). */
  maxWorkers?: number;
  /** Files placed so far / files in the copy. */
  onProgress?: Progress;
  signal?: AbortSignal;
}

export interface MutableCopyOptions extends Omit<LocalCopyOptions, "useSoftLinks"> {
  /** Empty a non-empty target first (otherwise a non-empty target is refused). */
  overwrite?: boolean;
}

export interface VerifyOptions {
  localCopyPath?: string;
  /** Compare sizes only. */
  skipHash?: boolean;
  maxWorkers?: number;
  onProgress?: Progress;
  signal?: AbortSignal;
}

export interface CopyContext {
  store: Store;
  state: DatasetState;
  local: LocalFiles;
  links: Omit<LinkContext, "signal">;
}

const MARKER = ".shoal-view.json";

function objectPath(local: LocalFiles, sha256: string): string {
  return local.inside(local.cacheDir(), `objects/${sha256.slice(0, 2)}/${sha256}`);
}

/** Downloads every object `files` need into the cache, verifying SHA-256 and size on the way. */
async function ensureObjects(ctx: CopyContext, files: FileEntry[], opts: LocalCopyOptions): Promise<void> {
  const { local, state } = ctx;
  const wanted = new Map<string, number>();
  for (const f of files) wanted.set(f.sha256, f.size);
  const missing: [string, number][] = [];
  for (const [h, size] of wanted) {
    const st = await local.stat(objectPath(local, h));
    if (st?.kind !== "file" || st.size !== size) missing.push([h, size]);
  }
  const reader = new ContentReader(ctx.store, missing.map(([h]) => state.objects[h] ?? []), opts.signal);
  await pool(
    missing,
    opts.maxWorkers ?? 4,
    async ([h, size]) => {
      const segments = state.objects[h];
      if (!segments) throw new CorruptContentError(keys.state(state.id), `content ${h} has no stored location`);
      const hasher = local.createHasher();
      let got = 0;
      async function* verified(): AsyncIterable<Uint8Array> {
        for await (const piece of reader.pieces(h, segments as NonNullable<typeof segments>)) {
          hasher.update(piece);
          got += piece.length;
          yield piece;
        }
        const digest = hasher.digestHex();
        if (got !== size || digest !== h) throw new CorruptContentError(`content ${h}`, `stored bytes hash to ${digest} (${got} bytes), expected ${size} bytes`);
      }
      await local.writeFile(objectPath(local, h), verified(), { signal: opts.signal, readOnly: true });
    },
    opts.signal,
  );
}

function viewName(state: DatasetState, opts: LocalCopyOptions): string {
  if (opts.part === undefined && opts.numParts === undefined) return state.id;
  return `${state.id}~p${opts.part ?? 0}of${opts.numParts ?? "all"}`;
}

async function fill(ctx: CopyContext, root: string, files: FileEntry[], links: DatasetState["links"], mode: "link" | "copy" | "symlink", opts: LocalCopyOptions): Promise<void> {
  const { local } = ctx;
  const total = files.length + links.length;
  let done = 0;
  opts.onProgress?.(0, total);
  await pool(
    files,
    opts.maxWorkers ?? 4,
    async (f) => {
      await local.place(objectPath(local, f.sha256), local.inside(root, f.path), mode);
      opts.onProgress?.(++done, total);
    },
    opts.signal,
  );
  for (const l of links) {
    await local.writeFile(local.inside(root, l.path), readLink(l.url, { ...ctx.links, signal: opts.signal }), { signal: opts.signal, readOnly: mode !== "copy" });
    opts.onProgress?.(++done, total);
  }
}

export async function localCopy(ctx: CopyContext, opts: LocalCopyOptions): Promise<string> {
  const { local, state } = ctx;
  const selection = selectPart(state, opts.part, opts.numParts);
  const views = local.inside(local.cacheDir(), "views");
  const target = local.inside(views, viewName(state, opts));
  const marker = await local.readText(local.inside(target, MARKER));
  if (marker !== undefined) return target;
  await ensureObjects(ctx, selection.files, opts);
  const tmp = local.inside(views, `.tmp-${randomId()}`);
  try {
    await local.mkdirp(tmp);
    await fill(ctx, tmp, selection.files, selection.links, opts.useSoftLinks ? "symlink" : "link", opts);
    await local.writeFile(local.inside(tmp, MARKER), [new TextEncoder().encode(JSON.stringify({ id: state.id, part: opts.part, numParts: opts.numParts, complete: true }))]);
    if (!(await local.renameDir(tmp, target))) await local.remove(tmp);
  } catch (e) {
    await local.remove(tmp).catch(() => undefined);
    throw e;
  }
  return target;
}

export async function mutableCopy(ctx: CopyContext, targetFolder: string, opts: MutableCopyOptions): Promise<string> {
  const { local, state } = ctx;
  const target = local.resolve(targetFolder);
  const st = await local.stat(target);
  if (st && st.kind !== "directory") throw new InvalidArgumentError(`[shoal] [files] ${targetFolder} exists and is not a folder`);
  const existing = await local.readDir(target);
  if (existing && existing.length > 0) {
    if (!opts.overwrite) throw new InvalidArgumentError(`[shoal] [files] ${targetFolder} is not empty; pass overwrite to replace its content`);
    await local.remove(target);
  }
  const selection = selectPart(state, opts.part, opts.numParts);
  await ensureObjects(ctx, selection.files, opts);
  await local.mkdirp(target);
  await fill(ctx, target, selection.files, selection.links, "copy", opts);
  return target;
}

export async function verifyCopy(ctx: CopyContext, folder: string, opts: VerifyOptions): Promise<string[]> {
  const { local, state } = ctx;
  const root = local.resolve(folder);
  const bad: string[] = [];
  let done = 0;
  opts.onProgress?.(0, state.files.length);
  await pool(
    state.files,
    opts.maxWorkers ?? 4,
    async (f) => {
      const path = local.inside(root, f.path);
      const st = await local.stat(path);
      if (st?.kind !== "file" || st.size !== f.size) bad.push(f.path);
      else if (!opts.skipHash && (await local.hashFile(path, { signal: opts.signal })).sha256 !== f.sha256) bad.push(f.path);
      opts.onProgress?.(++done, state.files.length);
    },
    opts.signal,
  );
  return bad.sort();
}
