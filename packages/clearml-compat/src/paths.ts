/**
 * The portable key space of dataset entries: NFC, '/'-separated, relative, no `.`/`..`/empty segments. Checking at
 * add time, and again before anything is written to disk, is what makes zip-slip style escapes impossible.
 * @module
 */
import { InvalidPathError } from "./errors.ts";

/** Converts `\` to `/`, strips one leading `./`, NFC-normalizes, then validates. Returns the canonical entry path. */
export function normalizeEntryPath(input: string): string {
  if (typeof input !== "string") throw new InvalidPathError(String(input), "paths must be strings");
  const path = input.replace(/\\/g, "/").normalize("NFC");
  assertEntryPath(path, input);
  return path;
}

/** Throws InvalidPathError unless `path` is already a canonical, relative entry path. */
export function assertEntryPath(path: string, shown: string = path): void {
  if (path.length === 0) throw new InvalidPathError(shown, "empty path");
  if (path.includes("\0")) throw new InvalidPathError(shown, "NUL byte");
  if (path.includes("\\")) throw new InvalidPathError(shown, "backslash in an entry path");
  if (path.startsWith("/")) throw new InvalidPathError(shown, "absolute path");
  if (/^[A-Za-z]:/.test(path)) throw new InvalidPathError(shown, "drive letter");
  for (const segment of path.split("/")) {
    if (segment === "") throw new InvalidPathError(shown, "empty segment");
    if (segment === "." || segment === "..") throw new InvalidPathError(shown, `'${segment}' segment`);
  }
}

/**
 * Normalizes a `datasetPath` prefix: `""`, `"."`, `"/"` mean the root; a leading `/` is dropped as in ClearML
 * (it means "the dataset root", not the filesystem root); anything with `..` is refused.
 */
export function normalizeDatasetFolder(input: string | undefined): string {
  if (input === undefined) return "";
  let path = input.replace(/\\/g, "/").normalize("NFC");
  if (/^[A-Za-z]:/.test(path)) throw new InvalidPathError(input, "drive letter");
  path = path.replace(/^\/+/, "").replace(/\/+$/, "");
  if (path === "" || path === ".") return "";
  if (path.startsWith("./")) path = path.slice(2);
  assertEntryPath(path, input);
  return path;
}

/** `folder/rel`, or `rel` at the root; the result is validated. */
export function joinEntryPath(folder: string, rel: string): string {
  return normalizeEntryPath(folder === "" ? rel : `${folder}/${rel}`);
}

/** The last '/'-segment. */
export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}
