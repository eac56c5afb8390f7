/**
 * LocalFiles over node:fs (Node, Bun, Deno): folder walks, streaming hashes with node:crypto, atomic writes and
 * hardlinked views. Node-only; reached through `@shoal/clearml-compat/node`, never from the root entry.
 * @module
 */
import { createHash } from "node:crypto";
import { closeSync, close as closeCb, constants, linkSync, openSync, open as openCb, rmSync, writeSync, write as writeCb } from "node:fs";
import { chmod, copyFile, mkdir, open, readFile, readdir, rename, rm, stat, symlink, utimes } from "node:fs/promises";
import { homedir } from "node:os";
import { promisify } from "node:util";
import { deflateRaw as zDeflateRaw, inflateRawSync, inflateRaw as zInflateRaw } from "node:zlib";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { InvalidPathError } from "./errors.ts";
import type { Hasher } from "./hash.ts";
import { randomId } from "./hash.ts";
import { assertEntryPath } from "./paths.ts";
import type { IOOptions, LocalFiles } from "./types.ts";

const HASH_BLOCK = 1024 * 1024;
/**
 * Small files are written with synchronous calls: from the page cache that takes microseconds, less than the
 * thread-pool round trips of open + write + close, which dominate a copy of many small files.
 */
const SYNC_WRITE_MAX = 1024 * 1024;

function writeSmallSync(path: string, bytes: Uint8Array, mode: number): void {
  const fd = openSync(path, "wx", mode);
  try {
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
  } catch (e) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw e;
  }
  closeSync(fd);
}

function nodeHasher(): Hasher {
  const h = createHash("sha256");
  return {
    update(block) {
      h.update(block);
    },
    digestHex() {
      return h.digest("hex");
    },
  };
}

// The callback API costs less per call than FileHandle objects, which matters at thousands of small files.
const openFd = promisify(openCb);
const writeFd = (fd: number, buffer: Uint8Array, offset: number, length: number): Promise<number> =>
  new Promise((resolve, reject) => writeCb(fd, buffer, offset, length, null, (e, n) => (e ? reject(e) : resolve(n))));
const closeFd = promisify(closeCb);
const deflateAsync = promisify(zDeflateRaw);
const inflateAsync = promisify(zInflateRaw);

function asBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function errCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : undefined;
}

/** The default cache root: `$SHOAL_CACHE_DIR`, else `$XDG_CACHE_HOME/shoal`, else `~/.cache/shoal`; files under `files/`. */
export function defaultCacheDir(): string {
  const env = typeof process !== "undefined" ? process.env : {};
  const root = env.SHOAL_CACHE_DIR ?? (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, "shoal") : join(homedir(), ".cache", "shoal"));
  return join(root, "files");
}

/** A LocalFiles whose read-only copies are cached under `cacheDir` (default `defaultCacheDir()`). */
export function createNodeLocalFiles(opts: { cacheDir?: string } = {}): LocalFiles {
  const cacheRoot = resolve(opts.cacheDir ?? defaultCacheDir());
  const buffers: Uint8Array[] = [];

  async function read(path: string, offset: number, length: number, o?: IOOptions): Promise<Uint8Array> {
    o?.signal?.throwIfAborted();
    const fh = await open(path, "r");
    try {
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === length ? buf : buf.subarray(0, got);
    } finally {
      await fh.close();
    }
  }

  return {
    resolve: (path) => resolve(path),
    inside(root, entryPath) {
      assertEntryPath(entryPath);
      const full = join(root, ...entryPath.split("/"));
      const rel = relative(root, full);
      if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) throw new InvalidPathError(entryPath, `resolves outside ${root}`);
      return full;
    },
    relative: (from, path) => relative(from, path).split(sep).join("/"),
    async stat(path) {
      try {
        const st = await stat(path);
        return { kind: st.isFile() ? "file" : st.isDirectory() ? "directory" : "other", size: st.size };
      } catch (e) {
        if (errCode(e) === "ENOENT" || errCode(e) === "ENOTDIR") return undefined;
        throw e;
      }
    },
    async *walk(dir, o) {
      const stack: string[] = [""];
      while (stack.length > 0) {
        o.signal?.throwIfAborted();
        const rel = stack.pop() as string;
        const entries = await readdir(rel === "" ? dir : join(dir, ...rel.split("/")), { withFileTypes: true });
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const subdirs: string[] = [];
        for (const d of entries) {
          const child = rel === "" ? d.name : `${rel}/${d.name}`;
          if (d.isFile()) yield child;
          else if (d.isSymbolicLink()) {
            // Symlinked files are followed (their content is stored); symlinked folders are not, which rules out cycles.
            const st = await stat(join(dir, ...child.split("/"))).catch(() => undefined);
            if (st?.isFile()) yield child;
          } else if (d.isDirectory() && o.recursive) subdirs.push(child);
        }
        for (const s of subdirs.reverse()) stack.push(s);
      }
    },
    async hashFile(path, o) {
      const h = createHash("sha256");
      const fh = await open(path, "r");
      // Per-call buffers would allocate (and zero) a block per file: ruinous for many small files.
      const buf = buffers.pop() ?? new Uint8Array(HASH_BLOCK);
      let size = 0;
      try {
        for (;;) {
          o?.signal?.throwIfAborted();
          const { bytesRead } = await fh.read(buf, 0, HASH_BLOCK, size);
          if (bytesRead === 0) break;
          h.update(buf.subarray(0, bytesRead));
          size += bytesRead;
          o?.onBytes?.(bytesRead);
        }
      } finally {
        buffers.push(buf);
        await fh.close();
      }
      return { sha256: h.digest("hex"), size };
    },
    read,
    async readInto(path, offset, target, o) {
      o?.signal?.throwIfAborted();
      const fh = await open(path, "r");
      try {
        let got = 0;
        while (got < target.length) {
          const { bytesRead } = await fh.read(target, got, target.length - got, offset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return got;
      } finally {
        await fh.close();
      }
    },
    createHasher: nodeHasher,
    // node:zlib runs on the thread pool, so several files deflate in parallel; CompressionStream is about half as fast.
    // One output buffer of the right size: zlib's default 16 KiB chunks cost a thread-pool round trip each.
    deflateRaw: async (bytes) => asBytes(await deflateAsync(bytes, { chunkSize: Math.max(1024, bytes.length + 1024) })),
    inflateRaw: async (bytes, expected) => {
      const chunkSize = Math.max(1024, (expected ?? bytes.length * 4) + 64);
      // Small segments inflate in well under a millisecond: cheaper inline than a thread-pool round trip.
      if ((expected ?? Number.POSITIVE_INFINITY) <= SYNC_WRITE_MAX) return asBytes(inflateRawSync(bytes, { chunkSize }));
      return asBytes(await inflateAsync(bytes, { chunkSize }));
    },
    cacheDir: () => cacheRoot,
    async mkdirp(dir) {
      await mkdir(dir, { recursive: true });
    },

    async writeFile(path, pieces, o) {
      const mode = o?.readOnly ? 0o444 : 0o644;
      // direct: the caller owns a fresh private folder, so the temp-and-rename dance buys nothing.
      const tmp = o?.direct ? path : `${path}.tmp-${randomId()}`;
      if (o?.direct && Array.isArray(pieces) && pieces.length === 1 && (pieces[0] as Uint8Array).length <= SYNC_WRITE_MAX) {
        o.signal?.throwIfAborted();
        writeSmallSync(path, pieces[0] as Uint8Array, mode);
        return;
      }
      if (!o?.direct) await mkdir(dirname(path), { recursive: true });
      // The mode applies to later opens only, so a read-only file is still written through this descriptor.
      const fd = await openFd(tmp, "wx", mode);
      let open = true;
      try {
        for await (const piece of pieces) {
          o?.signal?.throwIfAborted();
          let at = 0;
          while (at < piece.length) at += await writeFd(fd, piece, at, piece.length - at);
        }
        open = false;
        await closeFd(fd);
        if (!o?.direct) await rename(tmp, path);
      } catch (e) {
        if (open) await closeFd(fd).catch(() => undefined);
        await rm(tmp, { force: true });
        throw e;
      }
    },
    async place(src, dst, mode) {
      if (mode === "symlink") return symlink(src, dst);
      if (mode === "link") {
        try {
          // A hardlink is one metadata call: synchronous costs less than a thread-pool round trip.
          return linkSync(src, dst);
        } catch (e) {
          // Another volume, a link-count cap or a filesystem without hardlinks: copy instead.
          if (!["EXDEV", "EMLINK", "EPERM", "ENOTSUP", "EOPNOTSUPP"].includes(errCode(e) ?? "")) throw e;
        }
        await copyFile(src, dst, constants.COPYFILE_EXCL);
        return chmod(dst, 0o444);
      }
      await copyFile(src, dst, constants.COPYFILE_EXCL);
      await chmod(dst, 0o644);
    },
    async publish(src, dst) {
      for (let attempt = 0; ; attempt++) {
        try {
          linkSync(src, dst);
          return;
        } catch (e) {
          const code = errCode(e);
          if (code === "EEXIST") return;
          if (code === "ENOENT" && attempt === 0) {
            await mkdir(dirname(dst), { recursive: true });
            continue;
          }
          if (!["EXDEV", "EMLINK", "EPERM", "ENOTSUP", "EOPNOTSUPP"].includes(code ?? "")) throw e;
        }
        // No hardlink possible: a copy renamed into place (atomic for concurrent readers).
        await mkdir(dirname(dst), { recursive: true });
        const tmp = `${dst}.tmp-${randomId()}`;
        await copyFile(src, tmp);
        await chmod(tmp, 0o444);
        await rename(tmp, dst);
        return;
      }
    },
    async touch(path) {
      const now = new Date();
      await utimes(path, now, now).catch(() => undefined);
    },
    async remove(path) {
      await rm(path, { recursive: true, force: true });
    },
    async renameDir(src, dst) {
      await mkdir(dirname(dst), { recursive: true });
      try {
        await rename(src, dst);
        return true;
      } catch (e) {
        if (["ENOTEMPTY", "EEXIST", "EPERM", "EISDIR"].includes(errCode(e) ?? "")) return false;
        throw e;
      }
    },
    async readDir(path) {
      try {
        return await readdir(path);
      } catch (e) {
        if (errCode(e) === "ENOENT") return undefined;
        throw e;
      }
    },
    async readText(path) {
      try {
        return await readFile(path, "utf8");
      } catch (e) {
        if (errCode(e) === "ENOENT" || errCode(e) === "ENOTDIR") return undefined;
        throw e;
      }
    },
  };
}

/** The LocalFiles the `/node` FileDataset uses by default. */
export const nodeLocalFiles: LocalFiles = createNodeLocalFiles();
