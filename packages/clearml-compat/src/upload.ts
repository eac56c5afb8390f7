/**
 * upload(): packs pending local content into packs of about `chunkSizeMB` raw bytes (files straddle packs, so a file
 * larger than memory streams through several), writes each pack create-only, and saves the draft after every pack.
 * Re-running after a failure continues where the saved draft stops: landed packs are never sent again, and a pack
 * that landed just before a failed draft save is rebuilt byte-identically and skipped after a HEAD.
 * @module
 */
import { InvalidArgumentError, isShoalError } from "@shoal/core";
import type { Store } from "@shoal/storage";
import { type Compression, deflateRaw, wantsDeflate } from "./compress.ts";
import { FileChangedError, UploadError } from "./errors.ts";
import { createOnly, keys } from "./layout.ts";
import { PackBuilder } from "./pack.ts";
import type { DatasetState, LocalFiles, Progress, Segment } from "./types.ts";

export interface UploadOptions {
  /** Target raw bytes per pack in MiB (default 512, as ClearML); -1 puts everything in one pack. */
  chunkSizeMB?: number;
  /** `auto` (default) deflates unless the extension says the content is already compressed. */
  compression?: Compression;
  /** Attempts per pack write on storage errors (default 3). */
  retries?: number;
  /** Accepted for ClearML parity; packs are built and written one at a time so memory stays at one pack. */
  maxWorkers?: number;
  /** Bytes packed so far / bytes to pack. */
  onProgress?: Progress;
  signal?: AbortSignal;
}

const READ_BLOCK = 16 * 1024 * 1024;
const MAX_PIECE = 64 * 1024 * 1024;

interface OpenSource {
  sha256: string;
  segments: Segment[];
  complete: boolean;
}

export async function uploadPending(
  ctx: { store: Store; state: DatasetState; local: LocalFiles | undefined; save: () => Promise<void> },
  opts: UploadOptions = {},
): Promise<{ packs: number; bytes: number }> {
  const { store, state } = ctx;
  const chunkMB = opts.chunkSizeMB ?? 512;
  if (chunkMB !== -1 && !(typeof chunkMB === "number" && chunkMB > 0)) throw new InvalidArgumentError(`[shoal] [files] chunkSizeMB must be > 0 or -1, got ${chunkMB}`);
  const compression = opts.compression ?? "auto";
  if (!["none", "deflate", "auto"].includes(compression)) throw new InvalidArgumentError(`[shoal] [files] compression must be none, deflate or auto, got ${String(compression)}`);
  const retries = Math.max(1, opts.retries ?? 3);
  const chunkSize = chunkMB === -1 ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(chunkMB * 1024 * 1024));
  const signal = opts.signal;

  const firstPath = new Map<string, string>();
  for (const f of state.files) if (!firstPath.has(f.sha256)) firstPath.set(f.sha256, f.path);
  // A pending source no entry references any more (removed after adding) is dropped, not uploaded.
  for (const h of Object.keys(state.pending)) if (!firstPath.has(h)) delete state.pending[h];
  const order = Object.keys(state.pending).sort((a, b) => {
    const pa = firstPath.get(a) as string;
    const pb = firstPath.get(b) as string;
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  });
  if (order.length > 0 && !ctx.local) throw new InvalidArgumentError("[shoal] [files] upload needs local file access: import FileDataset from @shoal/clearml-compat/node");
  const local = ctx.local as LocalFiles;
  const rawDone = (segments: Segment[]): number => segments.reduce((n, s) => n + s[3], 0);
  let total = 0;
  for (const h of order) {
    const src = state.pending[h];
    if (src) total += src.size - rawDone(src.segments);
  }
  let done = 0;
  let packsWritten = 0;
  let bytesWritten = 0;
  opts.onProgress?.(0, total);

  let builder = new PackBuilder();
  let inPack: OpenSource[] = [];

  const flush = async (): Promise<void> => {
    if (builder.empty) return;
    const { id, bytes } = builder.finish();
    const key = keys.pack(id);
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        if (!(await store.head(key, { signal }))) await createOnly(store, key, bytes, { signal });
        break;
      } catch (cause) {
        if (signal?.aborted) throw cause;
        if (attempt >= retries || !isShoalError(cause, "StorageError")) throw new UploadError(state.id, key, { cause });
      }
    }
    for (const open of inPack) {
      for (const seg of open.segments) seg[0] = id;
      const src = state.pending[open.sha256];
      if (!src) continue;
      src.segments.push(...open.segments);
      if (open.complete) {
        state.objects[open.sha256] = src.segments;
        delete state.pending[open.sha256];
      }
    }
    (state.packs[state.id] ??= []).push({ id, bytes: bytes.length });
    packsWritten++;
    bytesWritten += bytes.length;
    builder = new PackBuilder();
    inPack = [];
    try {
      await ctx.save();
    } catch (cause) {
      throw new UploadError(state.id, keys.state(state.id), { cause });
    }
  };

  for (const sha256 of order) {
    const src = state.pending[sha256] as (typeof state.pending)[string];
    if (src.size === 0) {
      state.objects[sha256] = [];
      delete state.pending[sha256];
      continue;
    }
    const path = src.localPath;
    const hasher = local.createHasher();
    let offset = rawDone(src.segments);
    for (let pos = 0; pos < offset; pos += READ_BLOCK) hasher.update(await local.read(path, pos, Math.min(READ_BLOCK, offset - pos), { signal }));
    const open: OpenSource = { sha256, segments: [], complete: false };
    inPack.push(open);
    const deflate = wantsDeflate(compression, firstPath.get(sha256) ?? path);
    while (offset < src.size) {
      signal?.throwIfAborted();
      const room = chunkSize - builder.rawBytes;
      if (room <= 0) {
        await flush();
        open.segments = [];
        inPack.push(open);
        continue;
      }
      const take = Math.min(room, src.size - offset, MAX_PIECE);
      let piece: Uint8Array;
      try {
        piece = await local.read(path, offset, take, { signal });
      } catch (cause) {
        if (signal?.aborted) throw cause;
        throw new FileChangedError(path, `cannot be read: ${(cause as Error).message}`);
      }
      if (piece.length !== take) throw new FileChangedError(path, `expected ${src.size} bytes, it ended at ${offset + piece.length}`);
      hasher.update(piece);
      let stored = piece;
      let method: 0 | 1 = 0;
      if (deflate) {
        const packed = await deflateRaw(piece);
        if (packed.length < piece.length) {
          stored = packed;
          method = 1;
        }
      }
      const row = builder.add(sha256, offset, stored, take, method);
      open.segments.push(["", row[2], stored.length, take, method]);
      offset += take;
      done += take;
      opts.onProgress?.(done, total);
    }
    if ((await local.read(path, src.size, 1, { signal })).length > 0) throw new FileChangedError(path, `it grew beyond ${src.size} bytes`);
    const digest = hasher.digestHex();
    if (digest !== sha256) throw new FileChangedError(path, `SHA-256 is now ${digest}, was ${sha256}`);
    open.complete = true;
  }
  await flush();
  return { packs: packsWritten, bytes: bytesWritten };
}
