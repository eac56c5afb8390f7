import { UnsafePathError } from "./errors.ts";

/**
 * Turns the part of a request path after `store/` into a store key, or throws UnsafePathError. Each segment is
 * decoded exactly once and must not decode to `.`, `..`, or contain `/`, `\` or NUL. A `%` left after decoding
 * stays a literal character of the key (file datasets have keys like `1%2E0%2E0.json`): every store adapter
 * escapes keys itself, so a double-encoded `%252e%252e` names a file called `%2e%2e`, never the parent folder.
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
    if (/[/\\\0]/.test(segment)) throw new UnsafePathError(rawPath, `segment ${JSON.stringify(segment)} decodes to a separator or NUL`);
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
