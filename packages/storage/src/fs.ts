/**
 * `@shoal/storage/fs`: a Store in a local directory (Node, Bun and Deno through node:fs).
 * @module
 */
import { InvalidArgumentError, InvalidKeyError, PreconditionFailedError, StorageError, UnsupportedError, assertKey, assertPrefix, isShoalError } from "@shoal/core";
import { Buffer } from "node:buffer";
import { fstatSync, read, readSync } from "node:fs";
import { link, lstat, mkdir, open, readdir, realpath, rename, stat, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Confinement, NOFOLLOW, READ_FLAGS, errorCode } from "./fs-confine.ts";
import { type Handle, acquire, closeUnder, invalidate, release } from "./fs-handles.ts";
import { assertRange, assertReadInto, resolveRange } from "./range.ts";
import type { ByteRange, ExactRange, GetOptions, ObjectInfo, RequestOptions, SetOptions, Store, StoreCapabilities } from "./types.ts";

export interface FileStoreOptions {
  /** fsync each object before it is renamed into place, so a power loss cannot leave an empty file (default false). */
  fsync?: boolean;
  /**
   * Keep files open between ranged reads (a process-wide pool of at most 64 handles, closed after 2 s idle or by
   * `close()`), so reading a sample costs one pread instead of open + stat + read + close (default true). Writes and
   * deletes through any FileStore of this process drop the handle; a file replaced by another process is seen once
   * its handle idles out, which is why whole-object reads (refs, manifests) never use the pool.
   */
  keepOpen?: boolean;
  /**
   * Ranged reads up to this many bytes run as one synchronous pread on a kept-open handle (default 1 MiB; 0: always
   * asynchronous). From the page cache such a read takes microseconds, less than the thread-pool round trip of an
   * asynchronous one; set 0 on network filesystems, where a single read can block the event loop for milliseconds.
   */
  syncReadMaxBytes?: number;
}

/** Temporary files live beside their destination (rename needs the same filesystem) and are never listed. */
const TEMP_SUFFIX = ".shoal-tmp";

/**
 * A Store in a directory: each key is a file under `root`, `/` in keys being the directory separator. Writes go to a
 * temporary file renamed into place, so readers see the old bytes or the new ones, never a mix, and a failed write
 * leaves the old bytes. Create-only writes (`ifNoneMatch: "*"`) use link(2), which fails atomically when the key
 * exists. `ifMatch` is not supported: a compare-and-swap needs a lock that every writer honours, which plain files
 * do not have, so it throws UnsupportedError instead of offering a check that races.
 *
 * Symlinks: a key whose folders or file resolve (through symlinks) outside the root's real path is refused with
 * InvalidKeyError for every operation, and `list` skips such links; links that stay inside the root work as their
 * targets (writes go to the target, `delete` removes the link itself).
 *
 * @example
 * const store = new FileStore("/data/my-dataset");
 * await store.set("tensors/images/chunks/0", bytes, { ifNoneMatch: "*" });
 */
export class FileStore implements Store {
  readonly capabilities: StoreCapabilities = { writable: true, conditionalWrite: "create", rangeRead: true, latency: "local" };
  readonly root: string;
  readonly #rootWithSep: string;
  readonly #fsync: boolean;
  readonly #keepOpen: boolean;
  readonly #syncReadMax: number;
  readonly #confine: Confinement;

  constructor(root: string | URL, opts?: FileStoreOptions) {
    this.root = resolve(typeof root === "string" ? root : fileURLToPath(root));
    this.#rootWithSep = this.root.endsWith(sep) ? this.root : this.root + sep;
    this.#fsync = opts?.fsync ?? false;
    this.#keepOpen = opts?.keepOpen ?? true;
    this.#syncReadMax = opts?.syncReadMaxBytes ?? 1 << 20;
    this.#confine = new Confinement(this.root);
    if (!Number.isSafeInteger(this.#syncReadMax) || this.#syncReadMax < 0) {
      throw new InvalidArgumentError(`[shoal] FileStore syncReadMaxBytes must be a non-negative integer, got ${opts?.syncReadMaxBytes}`);
    }
  }

  /** Closes the files kept open for ranged reads under this root (reads after this reopen them). */
  async close(): Promise<void> {
    closeUnder(this.#rootWithSep);
  }

  #pathOf(key: string): string {
    assertKey(key);
    if (key.split("/").some((segment) => segment.endsWith(TEMP_SUFFIX))) {
      throw new InvalidKeyError(key, `segments ending in '${TEMP_SUFFIX}' are reserved for FileStore's temporary files`);
    }
    const path = join(this.root, ...key.split("/"));
    // A second, lexical check on the joined path, so no platform quirk of join() can leave the root.
    if (!path.startsWith(this.#rootWithSep)) throw new InvalidKeyError(key, `resolves outside the store root ${this.root}`);
    return path;
  }

  /** Refuses a key whose folder leads outside the root through a symlink; undefined (no await) once verified. */
  #checkDir(key: string, path: string): Promise<void> | undefined {
    const dir = dirname(path);
    return this.#confine.known(dir) ? undefined : this.#confine.checkDir(key, dir);
  }

  /** Where a read of `path` goes when it is a symlink: its target inside the root, undefined when dangling. */
  #follow(key: string, path: string): Promise<string | undefined> {
    return this.#confine.resolveLink(key, path);
  }

  async get(key: string, opts?: GetOptions): Promise<Uint8Array | undefined> {
    const path = this.#pathOf(key);
    opts?.signal?.throwIfAborted();
    const checking = this.#checkDir(key, path);
    if (checking) await checking;
    const range = opts?.range;
    // A bounded range needs no stat: the read itself says whether the bytes exist.
    if (range && this.#keepOpen && range.length !== undefined && range.length > 0) {
      assertRange(key, range);
      return this.#readRange(key, path, range.offset, range.length, opts?.signal, undefined);
    }
    return this.#readOpened(key, path, range, opts?.signal, undefined);
  }

  /** `get` of an exact range into the caller's buffer: one pread on a kept-open handle, no buffer of its own. */
  async readInto(key: string, range: ExactRange, out: Uint8Array, opts?: RequestOptions): Promise<number | undefined> {
    const path = this.#pathOf(key);
    assertReadInto(key, range, out);
    opts?.signal?.throwIfAborted();
    const checking = this.#checkDir(key, path);
    if (checking) await checking;
    const got = this.#keepOpen && range.length > 0
      ? await this.#readRange(key, path, range.offset, range.length, opts?.signal, out)
      : await this.#readOpened(key, path, range, opts?.signal, out);
    return got?.byteLength;
  }

  /** Open, stat, read, close: for whole objects (never from a kept handle, see `keepOpen`) and empty ranges. */
  async #readOpened(key: string, path: string, range: ByteRange | undefined, signal: AbortSignal | undefined, into: Uint8Array | undefined): Promise<Uint8Array | undefined> {
    let fh: FileHandle | undefined;
    try {
      fh = await this.#openRead(key, path);
    } catch (e) {
      if (isShoalError(e)) throw e;
      if (isMissing(e)) return undefined;
      throw storageError(key, "read", e);
    }
    if (!fh) return undefined;
    try {
      const info = await fh.stat();
      if (!info.isFile()) return undefined;
      const [start, end] = range ? resolveRange(key, info.size, range) : [0, info.size];
      const bytes = into ? into.subarray(0, end - start) : uninitialised(end - start);
      let done = 0;
      while (done < bytes.byteLength) {
        signal?.throwIfAborted();
        const { bytesRead } = await fh.read(bytes, done, bytes.byteLength - done, start + done);
        if (bytesRead === 0) throw new StorageError(`[shoal] ${JSON.stringify(key)} shrank while being read (${done} of ${bytes.byteLength} bytes)`, { key });
        done += bytesRead;
      }
      return bytes;
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (isShoalError(e)) throw e;
      if (isMissing(e)) return undefined;
      throw storageError(key, "read", e);
    } finally {
      await fh.close();
    }
  }

  /** Opens a file for reading without following a final symlink blindly (O_NOFOLLOW, then resolved and checked). */
  async #openRead(key: string, path: string): Promise<FileHandle | undefined> {
    if (NOFOLLOW === 0 && (await this.#confine.isLink(path))) {
      const target = await this.#follow(key, path);
      return target === undefined ? undefined : open(target, READ_FLAGS);
    }
    try {
      return await open(path, READ_FLAGS);
    } catch (e) {
      if (errorCode(e) !== "ELOOP") throw e;
      const target = await this.#follow(key, path);
      return target === undefined ? undefined : open(target, READ_FLAGS);
    }
  }

  /** A kept-open handle, opened the way `#openRead` opens (kept under the target's path for a symlink). */
  async #acquire(key: string, path: string): Promise<Handle | undefined> {
    if (NOFOLLOW === 0 && (await this.#confine.isLink(path))) {
      const target = await this.#follow(key, path);
      return target === undefined ? undefined : acquire(target);
    }
    try {
      return await acquire(path);
    } catch (e) {
      if (errorCode(e) !== "ELOOP") throw e;
      const target = await this.#follow(key, path);
      return target === undefined ? undefined : acquire(target);
    }
  }

  async #readRange(key: string, path: string, offset: number, length: number, signal: AbortSignal | undefined, into: Uint8Array | undefined): Promise<Uint8Array | undefined> {
    let h: Handle | undefined;
    try {
      h = await this.#acquire(key, path);
    } catch (e) {
      if (isShoalError(e)) throw e;
      if (isMissing(e)) return undefined;
      throw storageError(key, "read", e);
    }
    if (!h) return undefined;
    try {
      const bytes = into ? into.subarray(0, length) : uninitialised(length);
      let done = 0;
      const sync = length <= this.#syncReadMax;
      while (done < length) {
        signal?.throwIfAborted();
        const n = sync ? readSync(h.fd, bytes, done, length - done, offset + done) : await readAsync(h.fd, bytes, done, length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      if (done < length) {
        // Past the end: resolveRange names the object's size in its RangeError.
        resolveRange(key, fstatSync(h.fd).size, { offset, length });
        throw new StorageError(`[shoal] ${JSON.stringify(key)} shrank while being read (${done} of ${length} bytes)`, { key });
      }
      return bytes;
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (isShoalError(e)) throw e;
      if (isMissing(e)) {
        invalidate(h.path);
        return undefined;
      }
      throw storageError(key, "read", e);
    } finally {
      release(h);
    }
  }

  async set(key: string, value: Uint8Array, opts?: SetOptions): Promise<void> {
    let path = this.#pathOf(key);
    opts?.signal?.throwIfAborted();
    if (opts?.ifMatch !== undefined) {
      throw new UnsupportedError("ifMatch", `[shoal] FileStore cannot compare-and-swap ${JSON.stringify(key)}: local files only support create-only writes (ifNoneMatch: "*")`);
    }
    // Before any mkdir: creating folders through a link that leaves the root would already write outside it.
    await this.#checkDir(key, path);
    // The temp file (O_EXCL), rename and link never follow a final symlink; one inside the root is written through.
    if (await this.#confine.isLink(path)) path = (await this.#follow(key, path)) ?? path;
    const dir = dirname(path);
    const temp = join(dir, `.${path.slice(dir.length + 1)}.${randomSuffix()}${TEMP_SUFFIX}`);
    let tempWritten = false;
    try {
      await this.#writeFile(temp, value, dir);
      tempWritten = true;
      opts?.signal?.throwIfAborted();
      if (opts?.ifNoneMatch === "*") {
        try {
          await link(temp, path);
        } catch (e) {
          if (errorCode(e) === "EEXIST") throw new PreconditionFailedError(key, "ifNoneMatch: * (key exists)", { cause: e });
          throw e;
        }
        invalidate(path);
        await unlink(temp);
      } else {
        await rename(temp, path);
        invalidate(path);
      }
      tempWritten = false;
    } catch (e) {
      if (tempWritten) await unlink(temp).catch(() => undefined);
      if (opts?.signal?.aborted) throw opts.signal.reason;
      if (isShoalError(e)) throw e;
      throw storageError(key, "write", e);
    }
  }

  /** One open, one write loop and one close per object: as cheap as writeFile, and the temp file is exclusive. */
  async #writeFile(path: string, value: Uint8Array, dir: string): Promise<void> {
    let fh: FileHandle;
    try {
      fh = await open(path, "wx");
    } catch (e) {
      // Creating the directory only when it is missing saves a syscall per write in the common case.
      if (errorCode(e) !== "ENOENT") throw e;
      await mkdir(dir, { recursive: true });
      fh = await open(path, "wx");
    }
    try {
      let done = 0;
      while (done < value.byteLength) {
        const { bytesWritten } = await fh.write(value, done, value.byteLength - done, null);
        done += bytesWritten;
      }
      if (this.#fsync) await fh.sync();
    } catch (e) {
      await fh.close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
      throw e;
    }
    await fh.close();
  }

  async delete(key: string, opts?: RequestOptions): Promise<void> {
    const path = this.#pathOf(key);
    opts?.signal?.throwIfAborted();
    await this.#checkDir(key, path);
    try {
      const info = await lstat(path);
      // Removing a link never touches its target, but a link that leaves the root is no key of this store.
      if (info.isSymbolicLink()) {
        const target = await this.#follow(key, path);
        if (target !== undefined && !(await stat(target)).isFile()) return;
      } else if (!info.isFile()) return;
      await unlink(path);
      invalidate(path);
    } catch (e) {
      if (isShoalError(e)) throw e;
      if (isMissing(e)) return;
      throw storageError(key, "delete", e);
    }
  }

  async head(key: string, opts?: RequestOptions): Promise<ObjectInfo | undefined> {
    const path = this.#pathOf(key);
    opts?.signal?.throwIfAborted();
    await this.#checkDir(key, path);
    try {
      let info = await lstat(path);
      if (info.isSymbolicLink()) {
        const target = await this.#follow(key, path);
        if (target === undefined) return undefined;
        info = await stat(target);
      }
      if (!info.isFile()) return undefined;
      // Every write renames a new inode into place, so inode + mtime + size changes on each write.
      return { size: info.size, version: `${info.ino.toString(36)}-${info.mtimeMs.toString(36)}-${info.size.toString(36)}` };
    } catch (e) {
      if (isShoalError(e)) throw e;
      if (isMissing(e)) return undefined;
      throw storageError(key, "stat", e);
    }
  }

  async *list(prefix: string, opts?: RequestOptions): AsyncIterable<string> {
    assertPrefix(prefix);
    opts?.signal?.throwIfAborted();
    const cut = prefix.lastIndexOf("/");
    const dirKey = cut < 0 ? "" : prefix.slice(0, cut);
    const start = dirKey === "" ? this.root : this.#pathOf(dirKey);
    // The listed folder itself must not lead outside (checkDir checks the folder it is given, here `start`).
    await this.#confine.checkDir(dirKey || prefix, start);
    yield* this.#walk(start, dirKey === "" ? "" : `${dirKey}/`, prefix, opts?.signal, [await this.#realDir(start)]);
  }

  /** The real path of a listed folder (the start of a walk), for the walk's cycle check. */
  async #realDir(dir: string): Promise<string> {
    try {
      return await realpath(dir);
    } catch {
      return dir;
    }
  }

  /** What a symlink met while listing leads to, when that lies inside the root (dangling or escaping: undefined). */
  async #linkInside(path: string): Promise<{ real: string; isFile: boolean; isDir: boolean } | undefined> {
    try {
      const real = await realpath(path);
      if (!(await this.#confine.contains(real))) return undefined;
      const info = await stat(real);
      return { real, isFile: info.isFile(), isDir: info.isDirectory() };
    } catch {
      return undefined;
    }
  }

  /**
   * `ancestors`: real paths of the folders being walked, so a link back to one of them (a cycle) is not followed.
   * Links are listed as the files or folders they lead to when those lie inside the root, and skipped otherwise.
   */
  async *#walk(dir: string, keyPrefix: string, filter: string, signal: AbortSignal | undefined, ancestors: string[]): AsyncIterable<string> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (isMissing(e) || errorCode(e) === "ENOTDIR") return;
      throw storageError(keyPrefix || "", "list", e);
    }
    for (const entry of entries) {
      signal?.throwIfAborted();
      const key = keyPrefix + entry.name;
      if (entry.name.endsWith(TEMP_SUFFIX)) continue;
      const wanted = key.startsWith(filter) || filter.startsWith(`${key}/`);
      if (entry.isDirectory()) {
        // Descend only where keys can still match the prefix.
        if (wanted) yield* this.#walk(join(dir, entry.name), `${key}/`, filter, signal, [...ancestors, join(ancestors[ancestors.length - 1]!, entry.name)]);
      } else if (entry.isFile()) {
        if (key.startsWith(filter)) yield key;
      } else if (entry.isSymbolicLink() && wanted) {
        const target = await this.#linkInside(join(dir, entry.name));
        if (!target) continue;
        if (target.isFile && key.startsWith(filter)) yield key;
        else if (target.isDir && !ancestors.includes(target.real)) yield* this.#walk(target.real, `${key}/`, filter, signal, [...ancestors, target.real]);
      }
    }
  }
}

/**
 * Uninitialised memory (every byte is overwritten or the read fails) as a plain Uint8Array: zero-filling first would
 * cost a noticeable share of a page-cache read.
 */
function uninitialised(length: number): Uint8Array {
  const slab = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(slab.buffer, slab.byteOffset, slab.byteLength);
}

function readAsync(fd: number, into: Uint8Array, at: number, length: number, position: number): Promise<number> {
  return new Promise((done, fail) => read(fd, into, at, length, position, (err, n) => (err ? fail(err) : done(n))));
}

function randomSuffix(): string {
  return crypto.getRandomValues(new Uint32Array(2)).reduce((s, n) => s + n.toString(36), "");
}

function isMissing(e: unknown): boolean {
  const code = errorCode(e);
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}

function storageError(key: string, what: string, cause: unknown): StorageError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new StorageError(`[shoal] FileStore could not ${what} ${JSON.stringify(key)}: ${detail}`, { key, cause });
}
