/**
 * Wildcards, ClearML style. `removeFiles`/`listFiles` use `matches_any_wildcard` semantics (§3.10 of the research
 * notes) with one fix: `dir/` means everything under `dir`. `addFiles` uses pathlib glob semantics relative to the
 * folder being added (`rglob` when recursive).
 * @module
 */

const cache = new Map<string, RegExp>();

/** fnmatch: `*` and `?` also match `/`, `[...]` classes, `[!...]` negation; the whole string must match. */
export function fnmatch(name: string, pattern: string): boolean {
  return compile(pattern, true).test(name);
}

/** Like fnmatch, but `*` and `?` stay within one '/'-segment and `**` spans segments (pathlib glob). */
export function globMatch(path: string, pattern: string): boolean {
  return compile(pattern, false).test(path);
}

function compile(pattern: string, crossSegments: boolean): RegExp {
  const cacheKey = `${crossSegments ? "f" : "g"}:${pattern}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const any = crossSegments ? "." : "[^/]";
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") {
      if (!crossSegments && pattern[i + 1] === "*") {
        // `**/` matches zero or more whole directories; a bare `**` anything.
        if (pattern[i + 2] === "/") {
          re += "(?:.*/)?";
          i += 2;
        } else {
          re += ".*";
          i += 1;
        }
      } else re += `${any}*`;
    } else if (c === "?") re += any;
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = pattern.slice(i + 1, end);
        const negate = body.startsWith("!");
        if (negate) body = body.slice(1);
        re += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  const compiled = new RegExp(`^${re}$`, "s");
  cache.set(cacheKey, compiled);
  return compiled;
}

/**
 * ClearML's `matches_any_wildcard`. Recursive: the wildcard's folder part is anchored at the dataset root and its file
 * part matches the last segment(s). Non-recursive: same number of segments, each matched. `dir/` matches everything
 * under `dir` (ClearML matches nothing there, a trap its users fall into).
 */
export function matchesAnyWildcard(path: string, wildcards: string | readonly string[] | undefined, recursive = true): boolean {
  const list = wildcards === undefined ? ["*"] : typeof wildcards === "string" ? [wildcards] : wildcards;
  for (const raw of list) {
    let wildcard = raw.replace(/\\/g, "/").replace(/^\/+/, "");
    if (wildcard.endsWith("/")) wildcard += "*";
    if (wildcard === "") wildcard = "*";
    if (recursive) {
      const cut = wildcard.lastIndexOf("/");
      const folder = cut < 0 ? "" : wildcard.slice(0, cut + 1);
      const file = cut < 0 ? wildcard : wildcard.slice(cut + 1);
      if (fnmatch(path, `${folder}*`) && fnmatch(`/${path}`, `*/${file}`)) return true;
    } else {
      const segments = path.split("/");
      const parts = wildcard.split("/");
      if (segments.length === parts.length && parts.every((p, i) => fnmatch(segments[i] as string, p))) return true;
    }
  }
  return false;
}
