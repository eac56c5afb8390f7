/**
 * The JSON metadata of a Deep Lake 3.x dataset: `dataset_meta.json`, `tensor_meta.json`, the info files, and the
 * key rules (`P(c)`: the root for the FIRST commit, `versions/<id>/` for every other one).
 * @module
 */
import { type DType, normalizeDType } from "@shoal/core";
import { assertSupportedVersion } from "./binary.ts";
import { DeepLakeFormatError } from "./errors.ts";
import { parseHubJson } from "./hub-json.ts";

export const FIRST_COMMIT_ID = "firstdbf9474d461a19e9333c2fd19b46115348f";

/** Key prefix of a commit's metadata and own chunks. */
export function commitPrefix(commitId: string): string {
  return commitId === FIRST_COMMIT_ID ? "" : `versions/${commitId}/`;
}

export interface DatasetMeta {
  readonly version: string;
  /** Storage keys in creation order, hidden ones included. */
  readonly tensors: readonly string[];
  /** Visible name → key. */
  readonly tensorNames: Readonly<Record<string, string>>;
  readonly hiddenTensors: readonly string[];
  readonly groups: readonly string[];
}

/** `tensor_meta.json`, with the defaults `ffw_tensor_meta` fills into old files. */
export interface TensorMeta {
  readonly version: string;
  readonly name: string | null;
  readonly htype: string;
  /** As stored: a numpy dtype name, "str", a json schema string, or null before the first append. */
  readonly dtype: string | null;
  readonly minShape: readonly number[];
  readonly maxShape: readonly number[];
  readonly length: number;
  readonly sampleCompression: string | null;
  readonly chunkCompression: string | null;
  readonly hidden: boolean;
  readonly isSequence: boolean;
  readonly isLink: boolean;
  readonly links: Readonly<Record<string, unknown>>;
  /** Everything in the file, for fields this reader does not model. */
  readonly raw: Readonly<Record<string, unknown>>;
}

const decoder = new TextDecoder();

export function parseJsonObject(bytes: Uint8Array, key: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseHubJson(decoder.decode(bytes));
  } catch (e) {
    throw new DeepLakeFormatError(key, `invalid JSON (${(e as Error).message})`, { cause: e });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new DeepLakeFormatError(key, "expected a JSON object");
  return value as Record<string, unknown>;
}

function stringList(v: unknown, key: string, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) throw new DeepLakeFormatError(key, `"${field}" must be a list of strings`);
  return v as string[];
}

function shapeList(v: unknown, key: string, field: string): number[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((d) => Number.isInteger(d) && d >= 0)) throw new DeepLakeFormatError(key, `"${field}" must be a list of non-negative integers`);
  return v as number[];
}

function optString(v: unknown, key: string, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw new DeepLakeFormatError(key, `"${field}" must be a string or null`);
  return v;
}

export function parseDatasetMeta(bytes: Uint8Array, key: string): DatasetMeta {
  const o = parseJsonObject(bytes, key);
  const version = optString(o.version, key, "version") ?? "0";
  assertSupportedVersion(version, key);
  const tensors = stringList(o.tensors, key, "tensors");
  let tensorNames: Record<string, string>;
  if (o.tensor_names === undefined || o.tensor_names === null) {
    // Before ~2.5 names were keys.
    tensorNames = Object.fromEntries(tensors.map((k) => [k, k]));
  } else {
    if (typeof o.tensor_names !== "object" || Array.isArray(o.tensor_names)) throw new DeepLakeFormatError(key, `"tensor_names" must be an object`);
    tensorNames = {};
    for (const [name, k] of Object.entries(o.tensor_names as Record<string, unknown>)) {
      if (typeof k !== "string") throw new DeepLakeFormatError(key, `"tensor_names.${name}" must be a string`);
      tensorNames[name] = k;
    }
  }
  return { version, tensors, tensorNames, hiddenTensors: stringList(o.hidden_tensors, key, "hidden_tensors"), groups: stringList(o.groups, key, "groups") };
}

export function parseTensorMeta(bytes: Uint8Array, key: string): TensorMeta {
  const o = parseJsonObject(bytes, key);
  const version = optString(o.version, key, "version") ?? "0";
  assertSupportedVersion(version, key);
  const length = o.length ?? 0;
  if (!Number.isSafeInteger(length) || (length as number) < 0) throw new DeepLakeFormatError(key, `"length" must be a non-negative integer, got ${JSON.stringify(o.length)}`);
  let minShape = shapeList(o.min_shape, key, "min_shape");
  let maxShape = shapeList(o.max_shape, key, "max_shape");
  // hub 2.0.2–2.0.5 wrote scalar shapes as []; ffw_tensor_meta turns them into [1].
  if ((length as number) > 0 && minShape.length === 0 && maxShape.length === 0) {
    minShape = [1];
    maxShape = [1];
  }
  const links = o.links;
  return {
    version,
    name: optString(o.name, key, "name"),
    htype: optString(o.htype, key, "htype") ?? "generic",
    dtype: optString(o.dtype, key, "dtype"),
    minShape,
    maxShape,
    length: length as number,
    sampleCompression: optString(o.sample_compression, key, "sample_compression"),
    chunkCompression: optString(o.chunk_compression, key, "chunk_compression"),
    hidden: o.hidden === true,
    isSequence: o.is_sequence === true,
    isLink: o.is_link === true,
    links: typeof links === "object" && links !== null && !Array.isArray(links) ? (links as Record<string, unknown>) : {},
    raw: o,
  };
}

/** Htypes whose samples are UTF-8 text or JSON rather than arrays. */
export const TEXT_LIKE_HTYPES: ReadonlySet<string> = new Set(["text", "json", "list", "tag"]);

export function isTextLike(meta: TensorMeta): boolean {
  return meta.isLink || TEXT_LIKE_HTYPES.has(meta.htype);
}

/** The element dtype of a numeric tensor; undefined for text-like tensors and for tensors never appended to. */
export function elementDType(meta: TensorMeta): DType | undefined {
  if (isTextLike(meta) || meta.dtype === null) return undefined;
  return normalizeDType(meta.dtype);
}
