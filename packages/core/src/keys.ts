/**
 * Store keys: '/'-separated relative paths. Validation lives here so every adapter rejects the same keys the
 * same way, and no key can ever name something outside its store's root.
 * @module
 */
import { InvalidKeyError } from "./errors.ts";

/** Throws InvalidKeyError unless `key` is a relative '/'-separated path with no empty, `.` or `..` segment. */
export function assertKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) throw new InvalidKeyError(String(key), "keys must be non-empty strings");
  if (key.includes("\0")) throw new InvalidKeyError(key, "keys must not contain NUL bytes");
  if (key.includes("\\")) throw new InvalidKeyError(key, "keys use '/' as separator, not '\\'");
  if (key.startsWith("/")) throw new InvalidKeyError(key, "keys are relative; absolute paths are not allowed");
  if (/^[A-Za-z]:/.test(key)) throw new InvalidKeyError(key, "keys are relative; drive letters are not allowed");
  for (const segment of key.split("/")) {
    if (segment === "") throw new InvalidKeyError(key, "keys must not contain empty segments ('//' or a trailing '/')");
    if (segment === "." || segment === "..") throw new InvalidKeyError(key, `'${segment}' segments are not allowed`);
  }
}

/** Like assertKey for a listing prefix, which may be empty or end with '/'. */
export function assertPrefix(prefix: string): void {
  if (prefix === "") return;
  assertKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
}

/** Joins key segments with '/', dropping empty ones. */
export function joinKey(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split("/"))
    .filter((p) => p !== "")
    .join("/");
}
