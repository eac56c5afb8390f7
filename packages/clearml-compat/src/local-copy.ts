/**
 * Materializing versions on a local disk. Objects are cached once per content hash (`<cache>/objects/<aa>/<sha256>`,
 * read-only) and each read-only view (`<cache>/views/<id>[~p<part>of<n>]`) hardlinks to them, so versions sharing
 * content share disk space. A view is built in a private temp folder and renamed into place (so concurrent processes
 * end with one complete copy), and its marker file makes the next call return at once. Content missing from the
 * cache is written once, straight into the view, then hardlinked into the cache. Every entry path goes through
 * `LocalFiles.inside`, which refuses to leave the target.
 * @module
 */
import type { Store } from "@shoal/storage";
import { InvalidArgumentError } from "@shoal/core";
import { CaseCollisionError, CorruptContentError } from "./errors.ts";
import { randomId } from "./hash.ts";
import { keys } from "./layout.ts";
import { type LinkContext, readLink } from "./links.ts";
import { pool, workerCount } from "./pool.ts";
import { ContentReader, contentMismatch } from "./read.ts";
import { selectPart } from "./table.ts";
import type { DatasetState, FileEntry, LinkEntry, LocalFiles, Progress, Segment } from "./types.ts";

export interface LocalCopyOptions {
  part?: number;
  numParts?: number;
  /** Symlinks into the object cache instead of hardlinks (ClearML's soft links). */
  useSoftLinks?: boolean;
  /** Files read, written and linked concurrently (default 4). */
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

/** The file inside a view whose presence means "complete"; its mtime is the view's last use (for pruneCache). */
export const VIEW_MARKER = ".shoal-view.json";

type Mode = "link" | "copy" | "symlink";

export function objectPath(local: LocalFiles, sha256: string): string {
  return local.inside(local.cacheDir(), `objects/${sha256.slice(0, 2)}/${sha256}`);
}

function errCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : undefined;
}

/** Content hashes already in the object cache with the right size: one listing per `aa/` folder, not a stat per hash. */
async function cachedObjects(local: LocalFiles, sizes: Map<string, number>, workers: number, signal?: AbortSignal): Promise<Set<string>> {
  const prefixes = [...new Set([...sizes.keys()].map((h) => h.slice(0, 2)))];
  const present: string[] = [];
  await pool(
    prefixes,
    workers,
    async (aa) => {
      for (const name of (await local.readDir(local.inside(local.cacheDir(), `objects/${aa}`))) ?? []) if (sizes.has(name)) present.push(name);
    },
    signal,
  );
  const ok = new Set<string>();
  await pool(
    present,
    workers,
    async (h) => {
      const st = await local.stat(objectPath(local, h));
      if (st?.kind === "file" && st.size === sizes.get(h)) ok.add(h);
    },
    signal,
  );
  return ok;
}

/** Writes `selection` under `root` (an empty folder this call owns): cached content is linked/copied, the rest fetched once. */
async function materialize(ctx: CopyContext, root: string, files: FileEntry[], links: LinkEntry[], mode: Mode, opts: LocalCopyOptions): Promise<void> {
  const { local, state, store } = ctx;
  const workers = workerCount(opts.maxWorkers, 4);
  const signal = opts.signal;
  const total = files.length + links.length;
  let done = 0;
  opts.onProgress?.(0, total);

  const dirs = new Set<string>();
  for (const e of [...files, ...links]) {
    const cut = e.path.lastIndexOf("/");
    if (cut > 0) dirs.add(e.path.slice(0, cut));
  }
  await pool([...dirs].sort(), workers, (d) => local.mkdirp(local.inside(root, d)), signal);

  const groups = new Map<string, FileEntry[]>();
  const sizes = new Map<string, number>();
  for (const f of files) {
    const g = groups.get(f.sha256);
    if (g) g.push(f);
    else groups.set(f.sha256, [f]);
    sizes.set(f.sha256, f.size);
  }
  const cached = await cachedObjects(local, sizes, workers, signal);
  const missing = [...groups.keys()].filter((h) => !cached.has(h));
  for (const h of missing) if (!state.objects[h]) throw new CorruptContentError(keys.state(state.id), `content ${h} has no stored location`);
  // Fetch in pack order, so spans are read sequentially and released soon after.
  const at = (h: string): [string, number] => {
    const s = state.objects[h]?.[0];
    return s ? [s[0], s[1]] : ["", 0];
  };
  missing.sort((a, b) => {
    const [pa, oa] = at(a);
    const [pb, ob] = at(b);
    return pa < pb ? -1 : pa > pb ? 1 : oa - ob;
  });
  const reader = new ContentReader(store, missing.map((h) => state.objects[h] ?? []), signal, local.inflateRaw?.bind(local));

  const verifiedWhole = async (h: string, segment: Segment, size: number): Promise<Uint8Array> => {
    const bytes = await reader.segment(h, segment);
    const hasher = local.createHasher();
    hasher.update(bytes);
    const digest = hasher.digestHex();
    if (bytes.length !== size || digest !== h) throw contentMismatch(h, [segment], `stored bytes (${bytes.length} of ${size}) hash to ${digest}`);
    return bytes;
  };
  const collision = (path: string, e: unknown): unknown => {
    if (errCode(e) !== "EEXIST") return e;
    const lower = path.toLowerCase();
    const other = [...files, ...links].find((x) => x.path !== path && x.path.toLowerCase() === lower)?.path ?? path;
    return new CaseCollisionError(path, other, `this disk does not tell them apart in ${root}`);
  };
  const place = async (src: string, entry: FileEntry): Promise<void> => {
    try {
      await local.place(src, local.inside(root, entry.path), mode);
    } catch (e) {
      throw collision(entry.path, e);
    }
  };

  await pool(
    [...cached, ...missing],
    workers,
    async (h) => {
      const entries = groups.get(h) as FileEntry[];
      const size = sizes.get(h) as number;
      let src = objectPath(local, h);
      let rest = entries;
      if (!cached.has(h)) {
        const segments = state.objects[h] ?? [];
        const hasher = local.createHasher();
        let got = 0;
        async function* verified(): AsyncIterable<Uint8Array> {
          for await (const piece of reader.pieces(h, segments)) {
            hasher.update(piece);
            got += piece.length;
            yield piece;
          }
          const digest = hasher.digestHex();
          if (got !== size || digest !== h) throw contentMismatch(h, segments, `stored bytes (${got} of ${size}) hash to ${digest}`);
        }
        if (mode === "symlink") {
          await local.writeFile(src, verified(), { signal, readOnly: true });
        } else {
          // Written once, in the view itself; then (read-only views) hardlinked into the cache for later versions.
          const first = entries[0] as FileEntry;
          const dst = local.inside(root, first.path);
          try {
            // One segment: hand the bytes over whole, so the adapter can write a small file in one go.
            const content = segments.length === 1 ? [await verifiedWhole(h, segments[0] as Segment, size)] : verified();
            await local.writeFile(dst, content, { signal, readOnly: mode === "link", direct: true });
          } catch (e) {
            throw collision(first.path, e);
          }
          if (mode === "link") await local.publish(dst, src);
          src = dst;
          rest = entries.slice(1);
          opts.onProgress?.(++done, total);
        }
      }
      for (const entry of rest) {
        await place(src, entry);
        opts.onProgress?.(++done, total);
      }
    },
    signal,
  );
  await pool(
    links,
    workers,
    async (l) => {
      try {
        await local.writeFile(local.inside(root, l.path), readLink(l.url, { ...ctx.links, signal }), { signal, readOnly: mode !== "copy", direct: true });
      } catch (e) {
        throw collision(l.path, e);
      }
      opts.onProgress?.(++done, total);
    },
    signal,
  );
}

function viewName(state: DatasetState, opts: LocalCopyOptions): string {
  if (opts.part === undefined && opts.numParts === undefined) return state.id;
  return `${state.id}~p${opts.part ?? 0}of${opts.numParts ?? "all"}`;
}

export async function localCopy(ctx: CopyContext, opts: LocalCopyOptions): Promise<string> {
  const { local, state } = ctx;
  workerCount(opts.maxWorkers, 4);
  const selection = selectPart(state, opts.part, opts.numParts);
  const views = local.inside(local.cacheDir(), "views");
  const target = local.inside(views, viewName(state, opts));
  const marker = local.inside(target, VIEW_MARKER);
  if ((await local.readText(marker)) !== undefined) {
    await local.touch(marker);
    return target;
  }
  const tmp = local.inside(views, `.tmp-${randomId()}`);
  try {
    await local.mkdirp(tmp);
    await materialize(ctx, tmp, selection.files, selection.links, opts.useSoftLinks ? "symlink" : "link", opts);
    const record = { id: state.id, part: opts.part, numParts: opts.numParts, complete: true };
    await local.writeFile(local.inside(tmp, VIEW_MARKER), [new TextEncoder().encode(JSON.stringify(record))], { direct: true });
    // Losing the race to another process is fine: its view is complete and identical.
    if (!(await local.renameDir(tmp, target))) await local.remove(tmp);
  } catch (e) {
    await local.remove(tmp).catch(() => undefined);
    throw e;
  }
  return target;
}

export async function mutableCopy(ctx: CopyContext, targetFolder: string, opts: MutableCopyOptions): Promise<string> {
  const { local, state } = ctx;
  workerCount(opts.maxWorkers, 4);
  const target = local.resolve(targetFolder);
  const st = await local.stat(target);
  if (st && st.kind !== "directory") throw new InvalidArgumentError(`[shoal] [files] ${targetFolder} exists and is not a folder`);
  const existing = await local.readDir(target);
  if (existing && existing.length > 0) {
    if (!opts.overwrite) throw new InvalidArgumentError(`[shoal] [files] ${targetFolder} is not empty; pass overwrite to replace its content`);
    await local.remove(target);
  }
  const selection = selectPart(state, opts.part, opts.numParts);
  await local.mkdirp(target);
  await materialize(ctx, target, selection.files, selection.links, "copy", opts);
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
    workerCount(opts.maxWorkers, 4),
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
