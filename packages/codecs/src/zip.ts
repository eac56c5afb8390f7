/**
 * Zip containers via fflate: one-shot `zipFiles`/`unzipFiles` for small archives, and the streaming
 * `ZipWriter` (a ReadableStream of archive bytes) and `readZipEntries` (entries from a stream of archive bytes)
 * for large ones. Entry names that could escape an extraction root are rejected on read and on write.
 * @module
 */
import { CorruptDataError, InvalidArgumentError } from "@shoal/core";
import { Unzip, UnzipInflate, Zip, ZipDeflate, ZipPassThrough, type ZipInputFile, unzipSync, zipSync } from "fflate";
import { assertBytes } from "./bytes.ts";
import { crc32 } from "./checksums.ts";
import { UnsafeZipEntryError } from "./errors.ts";
import { ZipCrcTracker, centralDirectoryCrcs } from "./zip-crc.ts";

type Level = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** Throws UnsafeZipEntryError when `name` is empty, absolute, has a drive letter, a `..` segment or a NUL byte. */
export function assertSafeEntryName(name: string): void {
  if (typeof name !== "string" || name.length === 0) throw new UnsafeZipEntryError(String(name), "empty name");
  if (name.includes("\0")) throw new UnsafeZipEntryError(name, "contains a NUL byte");
  if (name.startsWith("/") || name.startsWith("\\")) throw new UnsafeZipEntryError(name, "absolute path");
  if (/^[A-Za-z]:/.test(name)) throw new UnsafeZipEntryError(name, "drive letter");
  // Backslash counts as a separator: Windows extractors treat it as one.
  if (name.split(/[\\/]/).includes("..")) throw new UnsafeZipEntryError(name, "'..' segment");
}

function levelOf(level: unknown): Level {
  if (level === undefined) return 6;
  if (typeof level !== "number" || !Number.isInteger(level) || level < 0 || level > 9) {
    throw new InvalidArgumentError(`[shoal] zip: level must be an integer 0..9, got ${String(level)}`);
  }
  return level as Level;
}

function isDirectory(name: string): boolean {
  return name.endsWith("/");
}

function toEntries(files: Iterable<ZipEntry> | Record<string, Uint8Array>): ZipEntry[] {
  if (files === null || typeof files !== "object") throw new InvalidArgumentError("[shoal] zipFiles: expected an iterable of {name, data} or a record of name → bytes");
  const list = Symbol.iterator in files ? [...(files as Iterable<ZipEntry>)] : Object.entries(files).map(([name, data]) => ({ name, data }));
  for (const entry of list) {
    assertSafeEntryName(entry.name);
    assertBytes(entry.data, `zipFiles entry ${JSON.stringify(entry.name)}`);
  }
  return list;
}

/**
 * A zip archive of `files` (deflated at `level`, default 6; 0 stores). Timestamps are fixed for reproducible output.
 * @example const bytes = zipFiles([{ name: "a/b.txt", data: new TextEncoder().encode("hi") }]);
 */
export function zipFiles(files: Iterable<ZipEntry> | Record<string, Uint8Array>, opts: { level?: number } = {}): Uint8Array {
  const level = levelOf(opts.level);
  const entries = toEntries(files);
  const zippable: Record<string, [Uint8Array, { level: Level; mtime: number }]> = Object.create(null);
  for (const { name, data } of entries) {
    if (name in zippable) throw new InvalidArgumentError(`[shoal] zipFiles: duplicate entry ${JSON.stringify(name)}`);
    zippable[name] = [data, { level, mtime: FIXED_MTIME }];
  }
  return zipSync(zippable);
}

/** 1980-01-01, the earliest DOS timestamp: fixed so equal inputs give equal archives. */
const FIXED_MTIME = new Date(1980, 0, 1).getTime();

/**
 * The files of a zip archive as name → bytes (directory entries are skipped). Unsafe names → UnsafeZipEntryError
 * before anything is inflated; damaged archives → CorruptDataError.
 */
export function unzipFiles(bytes: Uint8Array, opts: { filter?: (name: string) => boolean } = {}): Map<string, Uint8Array> {
  assertBytes(bytes, "unzipFiles");
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(bytes, {
      filter: (file) => {
        assertSafeEntryName(file.name);
        assertPlausibleSize(file, bytes.length);
        return !isDirectory(file.name) && (opts.filter ? opts.filter(file.name) : true);
      },
    });
  } catch (e) {
    if (e instanceof UnsafeZipEntryError) throw e;
    throw new CorruptDataError("zip", `cannot read archive: ${(e as Error).message}`, { cause: e });
  }
  const stored = centralDirectoryCrcs(bytes);
  for (const [name, data] of Object.entries(unzipped)) assertCrc(name, crc32(data), stored.get(name));
  return new Map(Object.entries(unzipped));
}

/** Deflate expands at most ~1032:1; fflate allocates each entry's declared size up front, so check it first. */
const MAX_INFLATE_RATIO = 1040;

function assertPlausibleSize(file: { name: string; size: number; originalSize: number; compression: number }, archiveBytes: number): void {
  const most = file.compression === 0 ? file.size : file.size * MAX_INFLATE_RATIO + 1024;
  if (file.size > archiveBytes || file.originalSize > most) {
    throw new CorruptDataError("zip", `entry ${JSON.stringify(file.name)} declares ${file.originalSize} bytes from ${file.size} stored bytes in a ${archiveBytes}-byte archive`);
  }
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

function assertCrc(name: string, actual: number, stored: number | null | undefined): void {
  if (stored !== undefined && stored !== null && stored !== actual) {
    throw new CorruptDataError("zip", `entry ${JSON.stringify(name)}: CRC-32 mismatch (stored ${hex(stored)}, data has ${hex(actual)})`);
  }
}

type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array;

async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  if (typeof ReadableStream !== "undefined" && source instanceof ReadableStream) {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  yield* source as AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/**
 * Writes a zip archive incrementally: add files one at a time (each from bytes or a stream), read the archive
 * from `readable`. Memory stays bounded by the chunks in flight, so archives larger than RAM work.
 * @example
 * const writer = new ZipWriter();
 * const done = new Response(writer.readable).arrayBuffer();
 * await writer.addFile("a.txt", new TextEncoder().encode("hi"));
 * await writer.close();
 */
export class ZipWriter {
  /** The archive bytes, produced as files are added. */
  readonly readable: ReadableStream<Uint8Array>;
  readonly #zip: Zip;
  readonly #level: Level;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #names = new Set<string>();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  #error: unknown;
  #wake: (() => void) | undefined;

  constructor(opts: { level?: number } = {}) {
    this.#level = levelOf(opts.level);
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => {
          this.#wake?.();
        },
        cancel: (reason) => {
          this.#error = reason ?? new InvalidArgumentError("[shoal] ZipWriter: readable was cancelled");
          this.#wake?.();
        },
      },
      { highWaterMark: 4 },
    );
    this.#zip = new Zip((err, chunk, final) => {
      if (err) {
        this.#error = err;
        this.#controller.error(err);
        return;
      }
      if (this.#error !== undefined) return;
      this.#controller.enqueue(chunk);
      if (final) this.#controller.close();
    });
  }

  /** Waits while the consumer of `readable` is behind, so a slow reader slows the writer instead of filling RAM. */
  async #backpressure(): Promise<void> {
    while (this.#error === undefined && (this.#controller.desiredSize ?? 1) <= 0) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
    if (this.#error !== undefined) throw this.#error;
  }

  /** Appends one file; files are written in call order. Unsafe or duplicate names → typed error, nothing written. */
  addFile(name: string, data: ByteSource, opts: { level?: number; signal?: AbortSignal } = {}): Promise<void> {
    assertSafeEntryName(name);
    if (this.#closed) return Promise.reject(new InvalidArgumentError(`[shoal] ZipWriter: addFile(${JSON.stringify(name)}) after close()`));
    if (this.#names.has(name)) return Promise.reject(new InvalidArgumentError(`[shoal] ZipWriter: duplicate entry ${JSON.stringify(name)}`));
    const level = opts.level === undefined ? this.#level : levelOf(opts.level);
    this.#names.add(name);
    const run = async (): Promise<void> => {
      opts.signal?.throwIfAborted();
      const file: ZipInputFile & { push(chunk: Uint8Array, final?: boolean): void } =
        level === 0 ? new ZipPassThrough(name) : new ZipDeflate(name, { level });
      file.mtime = FIXED_MTIME;
      this.#zip.add(file);
      for await (const chunk of chunksOf(data)) {
        if (opts.signal?.aborted) {
          this.#fail(opts.signal.reason);
          throw opts.signal.reason;
        }
        assertBytes(chunk, `ZipWriter.addFile(${JSON.stringify(name)}) chunk`);
        file.push(chunk, false);
        await this.#backpressure();
      }
      file.push(new Uint8Array(0), true);
      await this.#backpressure();
    };
    const result = this.#queue.then(run);
    this.#queue = result.catch(() => {});
    return result;
  }

  #fail(reason: unknown): void {
    if (this.#error !== undefined) return;
    this.#error = reason;
    this.#zip.terminate();
    this.#controller.error(reason);
  }

  /** Finishes the archive (writes the central directory) after every pending `addFile`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    if (this.#error !== undefined) throw this.#error;
    this.#zip.end();
  }
}

/**
 * The files of a zip archive read from a stream, yielded one at a time as each is fully inflated (memory holds
 * one entry plus the input chunk in flight). Unsafe names → UnsafeZipEntryError; damage → CorruptDataError.
 */
export async function* readZipEntries(
  source: ByteSource,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; total?: number } = {},
): AsyncGenerator<ZipEntry> {
  // Inflated entries wait in `finished` until the tracker has seen their stored CRC-32 (a data descriptor comes
  // after the data), then move to `ready` once it matches.
  const finished: { name: string; data: Uint8Array; ordinal: number; crc: number }[] = [];
  const ready: ZipEntry[] = [];
  const tracker = new ZipCrcTracker();
  let failure: unknown;
  let ordinal = 0;
  const unzip = new Unzip((file) => {
    const index = ordinal++;
    try {
      assertSafeEntryName(file.name);
    } catch (e) {
      failure ??= e;
      return;
    }
    if (isDirectory(file.name)) return;
    const parts: Uint8Array[] = [];
    let length = 0;
    let crc = 0;
    file.ondata = (err, chunk, final) => {
      if (err) {
        failure ??= new CorruptDataError("zip", `entry ${JSON.stringify(file.name)}: ${err.message}`, { cause: err });
        return;
      }
      if (chunk.length > 0) {
        parts.push(chunk);
        length += chunk.length;
        crc = crc32(chunk, crc);
      }
      if (final) finished.push({ name: file.name, data: concat(parts, length), ordinal: index, crc });
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  let read = 0;
  const push = (chunk: Uint8Array, final: boolean): void => {
    try {
      tracker.push(chunk);
      unzip.push(chunk, final);
    } catch (e) {
      failure ??= e instanceof UnsafeZipEntryError || e instanceof CorruptDataError ? e : new CorruptDataError("zip", (e as Error).message, { offset: read, cause: e });
    }
  };
  const verify = (ended: boolean): void => {
    while (finished.length > 0 && failure === undefined) {
      const entry = finished[0]!;
      const stored = tracker.crcs[entry.ordinal];
      if (stored === undefined && !ended && !tracker.done) return;
      try {
        assertCrc(entry.name, entry.crc, stored);
      } catch (e) {
        failure = e;
        return;
      }
      finished.shift();
      ready.push({ name: entry.name, data: entry.data });
    }
  };
  for await (const chunk of chunksOf(source)) {
    opts.signal?.throwIfAborted();
    assertBytes(chunk, "readZipEntries chunk");
    push(chunk, false);
    read += chunk.length;
    opts.onProgress?.(read, opts.total ?? read);
    verify(false);
    if (failure !== undefined) throw failure;
    while (ready.length > 0) yield ready.shift()!;
  }
  push(new Uint8Array(0), true);
  verify(true);
  if (failure !== undefined) throw failure;
  while (ready.length > 0) yield ready.shift()!;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
