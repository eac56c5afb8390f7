/**
 * Htype strings: plain names and the wrappers `sequence[X]`, `link[X]`, `sequence[link[X]]`, `link[sequence[X]]`
 * (Deep Lake `util/htype.py: parse_complex_htype`).
 * @module
 */
import { UnknownHtypeError } from "./errors.ts";
import { HTYPES, HTYPE_NAMES } from "./table.ts";
import type { HtypeSpec, ParsedHtype } from "./types.ts";

const WRAPPED = /^(sequence|link)\[(.*)\]$/;

// Every appended sample resolves its tensor's htype, so the few distinct strings are parsed once.
const parsedCache = new Map<string, ParsedHtype>();

/** Parses an htype string; UnknownHtypeError for unknown names and wrappers Deep Lake rejects. */
export function parseHtype(htype: string): ParsedHtype {
  if (typeof htype !== "string") throw new UnknownHtypeError(String(htype), HTYPE_NAMES);
  const cached = parsedCache.get(htype);
  if (cached) return cached;
  const parsed = parseUncached(htype);
  parsedCache.set(htype, parsed);
  return parsed;
}

function parseUncached(htype: string): ParsedHtype {
  let rest = htype.trim();
  let isSequence = false;
  let isLink = false;
  if (rest === "sequence") rest = "sequence[generic]";
  for (let depth = 0; depth < 2; depth++) {
    const m = WRAPPED.exec(rest);
    if (!m) break;
    const wrapper = m[1]!;
    if ((wrapper === "sequence" && isSequence) || (wrapper === "link" && isLink)) throw new UnknownHtypeError(htype, HTYPE_NAMES);
    if (wrapper === "sequence") isSequence = true;
    else isLink = true;
    rest = m[2]!.trim() || "generic";
  }
  const spec = Object.hasOwn(HTYPES, rest) ? HTYPES[rest] : undefined;
  // A bare `link` says nothing of what is linked, and a sequence of tags has no stored form in Deep Lake.
  if (!spec || (isSequence && rest === "tag")) throw new UnknownHtypeError(htype, HTYPE_NAMES);
  return Object.freeze({ htype: rest, spec, isSequence, isLink });
}

/** The spec of a plain or wrapped htype (`getHtype("link[image]")` is the image spec). */
export function getHtype(htype: string): HtypeSpec {
  return parseHtype(htype).spec;
}
