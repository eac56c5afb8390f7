/**
 * Keeps a FileStore inside its root when the folder holds symlinks. Keys are checked lexically by `assertKey`, but a
 * symlink can still lead a lexically clean path outside (`root/link -> /etc`): every directory a key goes through is
 * resolved with realpath once and must lie under the root's real path, and files are opened with O_NOFOLLOW so a
 * symlink as the last component is seen and resolved instead of followed blindly. Links that stay inside keep working.
 * @module
 */
import { InvalidKeyError, StorageError } from "@shoal/core";
import { constants } from "node:fs";
import { lstat, readlink, realpath } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";

/** 0 where the platform has no O_NOFOLLOW (Windows): then an lstat before each open finds a final symlink. */
export const NOFOLLOW: number = constants.O_NOFOLLOW ?? 0;
export const READ_FLAGS: number = constants.O_RDONLY | NOFOLLOW;

/** Directories verified at most, before the set starts over (a bound, not a cache policy). */
const MAX_VERIFIED = 10_000;

export class Confinement {
  readonly #root: string;
  #realRoot: string | undefined;
  /** Directories whose real path lies inside the root, checked once per store (see the README on symlinks). */
  readonly #verified = new Set<string>();

  constructor(root: string) {
    this.#root = root;
  }

  /** True when `dir` was already found inside the root: lets the hot read path skip an await. */
  known(dir: string): boolean {
    return this.#verified.has(dir);
  }

  /**
   * Throws InvalidKeyError when `dir` (or, while it does not exist yet, its nearest existing ancestor) resolves to
   * a real path outside the root. Checking the ancestor keeps `mkdir -p` from creating folders through a link.
   */
  async checkDir(key: string, dir: string): Promise<void> {
    if (this.#verified.has(dir)) return;
    const root = await this.realRoot();
    for (let probe = dir; ; probe = dirname(probe)) {
      let real: string;
      try {
        real = await realpath(probe);
      } catch (e) {
        const code = errorCode(e);
        // A dangling link on the way is judged by where it points: mkdir would fail on it, but say why.
        if (code === "ENOENT" && (await this.isLink(probe))) {
          await this.resolveLink(key, probe);
          return;
        }
        if ((code === "ENOENT" || code === "ENOTDIR") && probe !== this.#root && probe.length > this.#root.length) continue;
        if (code === "ENOENT" || code === "ENOTDIR") return;
        if (code === "ELOOP") throw new InvalidKeyError(key, `${this.#describe(probe)} is a symlink loop`);
        throw new StorageError(`[shoal] FileStore could not resolve ${JSON.stringify(key)}: ${e instanceof Error ? e.message : String(e)}`, { key, cause: e });
      }
      if (!isInside(root, real)) throw this.#escape(key, probe, real);
      if (probe === dir) {
        if (this.#verified.size >= MAX_VERIFIED) this.#verified.clear();
        this.#verified.add(dir);
      }
      return;
    }
  }

  /**
   * The real path a symlinked key leads to, or undefined for a dangling link that points inside the root (it reads
   * as missing). Throws InvalidKeyError when the link leads outside, dangling or not.
   */
  async resolveLink(key: string, path: string): Promise<string | undefined> {
    const root = await this.realRoot();
    let real: string;
    try {
      real = await realpath(path);
    } catch (e) {
      const code = errorCode(e);
      if (code === "ELOOP") throw new InvalidKeyError(key, `${this.#describe(path)} is a symlink loop`);
      if (code !== "ENOENT" && code !== "ENOTDIR") throw new StorageError(`[shoal] FileStore could not resolve ${JSON.stringify(key)}: ${e instanceof Error ? e.message : String(e)}`, { key, cause: e });
      // Dangling: where it points is all there is to judge, resolved from the link's (already verified) folder.
      const target = resolve(await realpath(dirname(path)), await readlink(path));
      if (!isInside(root, target)) throw this.#escape(key, path, target);
      return undefined;
    }
    if (!isInside(root, real)) throw this.#escape(key, path, real);
    return real;
  }

  /** Whether `path` itself is a symlink (false when it is missing). */
  async isLink(path: string): Promise<boolean> {
    try {
      return (await lstat(path)).isSymbolicLink();
    } catch {
      return false;
    }
  }

  /** True when a real path (from realpath) lies inside the root. */
  async contains(real: string): Promise<boolean> {
    return isInside(await this.realRoot(), real);
  }

  /** The root's real path (the root may itself sit behind a symlink, e.g. /tmp on macOS). */
  async realRoot(): Promise<string> {
    if (this.#realRoot !== undefined) return this.#realRoot;
    try {
      this.#realRoot = await realpath(this.#root);
      return this.#realRoot;
    } catch {
      // Not created yet: nothing under it can be a link either; resolve again once it exists.
      return this.#root;
    }
  }

  #describe(path: string): string {
    return path === this.#root ? "the store root" : JSON.stringify(path.slice(this.#root.length + 1));
  }

  #escape(key: string, through: string, real: string): InvalidKeyError {
    return new InvalidKeyError(key, `leaves the store root ${this.#root} through a symlink (${this.#describe(through)} resolves to ${real})`);
  }
}

function isInside(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

export function errorCode(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" ? e.code : undefined;
}
