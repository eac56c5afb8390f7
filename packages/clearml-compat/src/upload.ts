/**
 * upload(): packs pending local content into packs of about `chunkSizeMB` raw bytes (files straddle packs, so a file
 * larger than memory streams through several), writes each pack create-only, and saves the draft after every pack.
 *
 * Pack boundaries depend only on the pending sizes, so the whole plan is known before any byte is read. Up to
 * `maxWorkers` packs are built and written at once, their files read (and deflated) `maxWorkers` at a time straight
 * into the pack buffer; bytes are hashed and packs committed to the draft strictly in plan order. Re-running after a
 * failure continues where the saved draft stops: landed packs are never sent again, and a pack that landed without
 * being committed is rebuilt byte-identically (same plan, same bytes) and skipped after a HEAD.
 * @module
 */
import { InvalidArgumentError, isShoalError } from "@shoal/core";
import type { Store } from "@shoal/storage";
import { type Compression, deflateRaw, wantsDeflate } from "./compress.ts";
import { FileChangedError, UploadError } from "./errors.ts";
import type { Hasher } from "./hash.ts";
import { createOnly, keys } from "./layout.ts";
import { PACK_HEAD_BYTES, type PackIndexRow, sealPack } from "./pack.ts";
import { pool, workerCount } from "./pool.ts";
import type { DatasetState, LocalFiles, Progress, Segment } from "./types.ts";

export interface UploadOptions {
  /** Target raw bytes per pack in MiB (default 512, as ClearML); -1 puts everything in one pack. */
  chunkSizeMB?: number;
  /** `auto` (default) deflates unless the extension says the content is already compressed. */
  compression?: Compression;
  /** Attempts per pack write on storage errors (default 3). */
  retries?: number;
  /**
   * Packs built and written concurrently, and files read/deflated concurrently (default 4). Memory is about
   * `maxWorkers` packs: lower it (or chunkSizeMB) on small machines; ClearML uses 1 for cloud stores.
   */
  maxWorkers?: number;
  /** Bytes packed so far / bytes to pack. */
  onProgress?: Progress;
  signal?: AbortSignal;
}

const READ_BLOCK = 16 * 1024 * 1024;
const MAX_PIECE = 64 * 1024 * 1024;

interface Piece {
  sha256: string;
  path: string;
  /** Offset in the file. */
  offset: number;
  raw: number;
  deflate: boolean;
  /** Completes the file. */
  last: boolean;
}

interface PlannedPack {
  pieces: Piece[];
  raw: number;
}

/** Bounds concurrent work shared by several pools. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** A promise that never counts as unhandled (a later stage awaits it or the run has already failed). */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
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
  const workers = workerCount(opts.maxWorkers, 4);
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
  const deflate = local?.deflateRaw ?? deflateRaw;
  const rawDone = (segments: Segment[]): number => segments.reduce((n, s) => n + s[3], 0);

  // The plan: a pure function of the pending table, so a resumed run rebuilds identical packs.
  const plan: PlannedPack[] = [];
  let current: PlannedPack = { pieces: [], raw: 0 };
  let total = 0;
  for (const sha256 of order) {
    const src = state.pending[sha256] as (typeof state.pending)[string];
    if (src.size === 0) {
      state.objects[sha256] = [];
      delete state.pending[sha256];
      continue;
    }
    const useDeflate = wantsDeflate(compression, firstPath.get(sha256) ?? src.localPath);
    for (let offset = rawDone(src.segments); offset < src.size; ) {
      if (chunkSize - current.raw <= 0) {
        plan.push(current);
        current = { pieces: [], raw: 0 };
      }
      const take = Math.min(chunkSize - current.raw, src.size - offset, MAX_PIECE);
      current.pieces.push({ sha256, path: src.localPath, offset, raw: take, deflate: useDeflate, last: offset + take === src.size });
      current.raw += take;
      total += take;
      offset += take;
    }
  }
  if (current.pieces.length > 0) plan.push(current);

  let done = 0;
  let packsWritten = 0;
  let bytesWritten = 0;
  opts.onProgress?.(0, total);
  const io = limiter(workers);
  const hashers = new Map<string, Hasher>();
  const assembled: Promise<void>[] = [];
  const committed: Promise<void>[] = [];

  const readPiece = async (piece: Piece, slot: Uint8Array): Promise<void> => {
    let got: number;
    try {
      got = await local.readInto(piece.path, piece.offset, slot, { signal });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new FileChangedError(piece.path, `cannot be read: ${(cause as Error).message}`);
    }
    if (got !== slot.length) throw new FileChangedError(piece.path, `expected ${state.pending[piece.sha256]?.size} bytes, it ended at ${piece.offset + got}`);
  };

  /** Hashes the piece in plan order, checking each file's digest when its last byte has gone by. */
  const hashInOrder = async (piece: Piece, bytes: Uint8Array): Promise<void> => {
    let hasher = hashers.get(piece.sha256);
    if (!hasher) {
      hasher = local.createHasher();
      hashers.set(piece.sha256, hasher);
      // A resumed file: its landed prefix is hashed again from disk so the whole-file check still holds.
      const block = new Uint8Array(Math.min(READ_BLOCK, piece.offset));
      for (let pos = 0; pos < piece.offset; pos += block.length) {
        const slot = block.subarray(0, Math.min(block.length, piece.offset - pos));
        await readPiece({ ...piece, offset: pos, raw: slot.length }, slot);
        hasher.update(slot);
      }
    }
    hasher.update(bytes);
    if (piece.last) {
      hashers.delete(piece.sha256);
      const digest = hasher.digestHex();
      if (digest !== piece.sha256) throw new FileChangedError(piece.path, `SHA-256 is now ${digest}, was ${piece.sha256}`);
    }
  };

  const writePack = async (key: string, bytes: Uint8Array): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        if (!(await store.head(key, { signal }))) await createOnly(store, key, bytes, { signal });
        return;
      } catch (cause) {
        if (signal?.aborted) throw cause;
        if (attempt >= retries || !isShoalError(cause, "StorageError")) throw new UploadError(state.id, key, { cause });
      }
    }
  };

  const buildAndWrite = async (pack: PlannedPack, k: number): Promise<void> => {
    // Each piece is read into its raw position; compaction below only ever moves bytes left, over pieces already used.
    const rowsEstimate = 160 * pack.pieces.length + 64;
    const buffer = new Uint8Array(PACK_HEAD_BYTES + pack.raw + rowsEstimate + 12);
    const rawAt: number[] = [];
    let at = PACK_HEAD_BYTES;
    for (const piece of pack.pieces) {
      rawAt.push(at);
      at += piece.raw;
    }
    const deflated: (Uint8Array | undefined)[] = new Array(pack.pieces.length);
    const rows: PackIndexRow[] = [];
    let end = PACK_HEAD_BYTES;
    const assembly = quiet(
      (async () => {
        await pool(
          pack.pieces,
          workers,
          (piece, i) =>
            io(async () => {
              const slot = buffer.subarray(rawAt[i] as number, (rawAt[i] as number) + piece.raw);
              await readPiece(piece, slot);
              if (piece.deflate) {
                const packed = await deflate(slot);
                if (packed.length < slot.length) deflated[i] = packed;
              }
            }),
          signal,
        );
        await assembled[k - 1];
        for (const [i, piece] of pack.pieces.entries()) {
          const from = rawAt[i] as number;
          await hashInOrder(piece, buffer.subarray(from, from + piece.raw));
          const packed = deflated[i];
          if (packed) buffer.set(packed, end);
          else if (from !== end) buffer.copyWithin(end, from, from + piece.raw);
          const stored = packed?.length ?? piece.raw;
          rows.push([piece.sha256, piece.offset, end, stored, piece.raw, packed ? 1 : 0]);
          end += stored;
          done += piece.raw;
          opts.onProgress?.(done, total);
        }
      })(),
    );
    assembled[k] = assembly;
    await assembly;
    const { id, bytes } = sealPack(buffer, end, rows);
    const key = keys.pack(id);
    await writePack(key, bytes);
    await committed[k - 1];
    for (const [sha256, , offset, stored, raw, method] of rows) {
      const src = state.pending[sha256];
      if (!src) continue;
      src.segments.push([id, offset, stored, raw, method]);
    }
    for (const piece of pack.pieces) {
      const src = state.pending[piece.sha256];
      if (piece.last && src) {
        state.objects[piece.sha256] = src.segments;
        delete state.pending[piece.sha256];
      }
    }
    (state.packs[state.id] ??= []).push({ id, bytes: bytes.length });
    packsWritten++;
    bytesWritten += bytes.length;
    // The last commit is also the end of the upload: one state write instead of two.
    if (k === plan.length - 1) state.dirty = false;
    try {
      await ctx.save();
    } catch (cause) {
      throw new UploadError(state.id, keys.state(state.id), { cause });
    }
  };

  await pool(
    plan,
    workers,
    async (pack, k) => {
      const run = quiet(buildAndWrite(pack, k));
      committed[k] = run;
      await run;
    },
    signal,
  );
  return { packs: packsWritten, bytes: bytesWritten };
}
