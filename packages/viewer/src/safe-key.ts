import { UnsafePathError } from "./errors.ts";

/**
 * Turns the part of a request path after `store/` into a store key, or throws UnsafePathError. Each segment is
 * decoded once; what a segment decodes to must itself be free of `%`, `/`, `\`, NUL, `.` and `..`, so a
 * double-encoded `%252e%252e` or an encoded `%2f` cannot turn into a traversal further down (a proxied HTTP store
 * would decode again).
 */
export function keyFromPath(rawPath: string): string {
  if (rawPath === "") throw new UnsafePathError(rawPath, "empty key");
  if (rawPath.includes("\\")) throw new UnsafePathError(rawPath, "backslashes are not path separators here");
  if (rawPath.startsWith("/")) throw new UnsafePathError(rawPath, "absolute paths are not allowed");
  const segments = rawPath.split("/").map((raw) => {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw new UnsafePathError(rawPath, `malformed percent-encoding in ${JSON.stringify(raw)}`);
    }
    if (segment === "" || segment === "." || segment === "..") throw new UnsafePathError(rawPath, `segment ${JSON.stringify(segment)} is not allowed`);
    if (/[%/\\\0]/.test(segment)) throw new UnsafePathError(rawPath, `segment ${JSON.stringify(segment)} decodes to a separator, NUL or another escape`);
    if (/^[A-Za-z]:/.test(segment)) throw new UnsafePathError(rawPath, "drive letters are not allowed");
    return segment;
  });
  return segments.join("/");
}

/** A listing prefix (`""`, or a key ending with `/`) checked like a key. */
export function prefixFromQuery(prefix: string): string {
  if (prefix === "") return "";
  const bare = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  return keyFromPath(bare.split("/").map(encodeURIComponent).join("/")) + (prefix.endsWith("/") ? "/" : "");
}
