/**
 * Shape checks for the JSON records read back from a store. Records written before they were sealed (or forged)
 * are read unchecked, and a wrong type deep inside one would surface as a TypeError far from its cause; each check
 * names the key and the member instead.
 * @module
 */
import { CorruptContentError } from "./errors.ts";
import { isSha256Hex } from "./hash.ts";
import type { DatasetInfo, DatasetState } from "./types.ts";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");
const STATUS = new Set(["draft", "final", "published"]);

function fail(key: string, what: string): never {
  throw new CorruptContentError(key, `malformed record: ${what}`);
}

function isSegment(s: unknown): boolean {
  return Array.isArray(s) && s.length === 5 && typeof s[0] === "string" && isCount(s[1]) && isCount(s[2]) && isCount(s[3]) && (s[4] === 0 || s[4] === 1);
}

/** `{id}` of a name pointer. */
export function checkPointer(key: string, v: unknown): { id: string } {
  if (!isObject(v) || typeof v.id !== "string" || !/^[\w-]+$/.test(v.id)) fail(key, "a name pointer needs an id");
  return v as { id: string };
}

export function checkInfo(key: string, id: string, v: unknown): DatasetInfo {
  if (!isObject(v)) fail(key, "not an object");
  if (v.id !== id) fail(key, `id ${JSON.stringify(v.id)} is not ${id}`);
  for (const m of ["project", "name", "version", "description", "created"]) if (typeof v[m] !== "string") fail(key, `${m} is not a string`);
  if (!STATUS.has(v.status as string)) fail(key, `status ${JSON.stringify(v.status)}`);
  if (!isStrings(v.parents)) fail(key, "parents is not a list of ids");
  if (!isStrings(v.tags)) fail(key, "tags is not a list of strings");
  if (!isObject(v.metadata)) fail(key, "metadata is not an object");
  for (const [name, m] of Object.entries(v.metadata)) {
    if (!isObject(m) || (m.type !== "json" && m.type !== "csv") || (m.sha256 !== undefined && !isSha256Hex(m.sha256))) fail(key, `metadata ${JSON.stringify(name)}`);
  }
  return v as unknown as DatasetInfo;
}

export function checkState(key: string, id: string, v: unknown): DatasetState {
  if (!isObject(v)) fail(key, "not an object");
  if (v.id !== id) fail(key, `id ${JSON.stringify(v.id)} is not ${id}`);
  if (!Array.isArray(v.files)) fail(key, "files is not a list");
  for (const f of v.files as unknown[]) {
    if (!isObject(f) || typeof f.path !== "string" || !isSha256Hex(f.sha256) || !isCount(f.size) || typeof f.origin !== "string") fail(key, `file entry ${JSON.stringify(f).slice(0, 200)}`);
  }
  if (!Array.isArray(v.links)) fail(key, "links is not a list");
  for (const l of v.links as unknown[]) {
    if (!isObject(l) || typeof l.path !== "string" || typeof l.url !== "string" || !isCount(l.size) || typeof l.origin !== "string") fail(key, `link entry ${JSON.stringify(l).slice(0, 200)}`);
  }
  if (!isObject(v.objects)) fail(key, "objects is not an object");
  for (const [h, segments] of Object.entries(v.objects)) if (!Array.isArray(segments) || !segments.every(isSegment)) fail(key, `segments of content ${h}`);
  if (!isObject(v.packs)) fail(key, "packs is not an object");
  for (const [owner, packs] of Object.entries(v.packs)) {
    if (!Array.isArray(packs) || !packs.every((p) => isObject(p) && typeof p.id === "string" && isCount(p.bytes))) fail(key, `packs of ${owner}`);
  }
  if (!isObject(v.graph) || !Object.values(v.graph).every(isStrings)) fail(key, "graph is not an object of id lists");
  if (!isObject(v.pending)) fail(key, "pending is not an object");
  for (const [h, p] of Object.entries(v.pending)) {
    if (!isObject(p) || typeof p.localPath !== "string" || !isCount(p.size) || !Array.isArray(p.segments) || !p.segments.every(isSegment)) fail(key, `pending content ${h}`);
  }
  if (typeof v.dirty !== "boolean") fail(key, "dirty is not a boolean");
  const c = v.counters;
  if (!isObject(c) || !isCount(c.added) || !isCount(c.modified) || !isCount(c.removed)) fail(key, "counters");
  if (v.final !== undefined && v.final !== true) fail(key, `final is ${JSON.stringify(v.final)}`);
  return v as unknown as DatasetState;
}
