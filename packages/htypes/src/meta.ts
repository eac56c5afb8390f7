/**
 * `resolveTensorMeta`: create-tensor options → a complete tensor meta (defaults filled in, every option checked).
 * @module
 */
import { type DType, isShoalError, normalizeDType } from "@shoal/core";
import { normalizeCompression } from "./compressions.ts";
import { HtypeArgumentError, UnsupportedCompressionError } from "./errors.ts";
import { parseHtype } from "./parse.ts";
import { parseJsonSchema } from "./schema.ts";
import type { CreateTensorOptions, HtypeSpec, TensorMetaDraft } from "./types.ts";

const COMMON_OPTIONS = new Set(["name", "htype", "dtype", "sampleCompression", "chunkCompression", "maxChunkSize", "tilingThreshold", "hidden", "verify"]);
const BBOX_TYPES = ["pixel", "fractional"];
const BBOX_MODES = ["LTRB", "LTWH", "CCWH"];
const BBOX3D_MODES = ["center", "vertex"];

function resolveDtype(spec: HtypeSpec, given: string | null | undefined, htype: string): DType | string | null {
  if (given === undefined || given === null) return spec.defaultDtype;
  if (spec.kind === "text") {
    if (given !== "str") throw new HtypeArgumentError(htype, "dtype", `text tensors hold strings; dtype must be "str", got ${JSON.stringify(given)}`);
    return given;
  }
  if (spec.kind === "json" || spec.kind === "list") {
    try {
      const schema = parseJsonSchema(given);
      if (spec.kind === "list" && schema.type !== "list" && schema.type !== "any") throw new Error(`a list htype needs a List[...] schema, got ${JSON.stringify(given)}`);
    } catch (e) {
      throw new HtypeArgumentError(htype, "dtype", (e as Error).message, { cause: e });
    }
    return given;
  }
  let dtype: DType;
  try {
    dtype = normalizeDType(given);
  } catch (e) {
    throw new HtypeArgumentError(htype, "dtype", `unknown dtype ${JSON.stringify(given)}`, { cause: e });
  }
  if (spec.allowedDtypes && !spec.allowedDtypes.includes(dtype)) {
    throw new HtypeArgumentError(htype, "dtype", `${dtype} is not allowed; use one of ${spec.allowedDtypes.join(", ")}`);
  }
  return dtype;
}

function resolveCompression(spec: HtypeSpec, which: "sample" | "chunk", given: string | null | undefined, htype: string): string | null {
  const fallback = which === "sample" ? spec.defaultSampleCompression : spec.defaultChunkCompression;
  if (given === undefined) return fallback;
  if (given === null) return null;
  let name: string;
  try {
    name = normalizeCompression(given);
  } catch (e) {
    if (isShoalError(e, "UnknownCompressionError")) throw e;
    throw new HtypeArgumentError(htype, `${which}Compression`, String(e), { cause: e });
  }
  const allowed = which === "sample" ? spec.sampleCompressions : spec.chunkCompressions;
  if (!allowed.includes(name)) {
    throw new UnsupportedCompressionError(
      `[shoal] htype ${htype} does not allow ${which} compression ${JSON.stringify(name)}; allowed: ${allowed.length ? allowed.join(", ") : "none"}`,
      { htype, compression: name },
    );
  }
  return name;
}

function sizeOption(htype: string, option: string, value: number | null | undefined, allowMinusOne: boolean): number | null {
  if (value === undefined || value === null) return null;
  if (Number.isSafeInteger(value) && (value > 0 || (allowMinusOne && value === -1))) return value;
  throw new HtypeArgumentError(htype, option, `must be a positive integer${allowMinusOne ? " or -1" : ""}, got ${String(value)}`);
}

function stringList(htype: string, option: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new HtypeArgumentError(htype, option, "must be an array of strings");
  }
  return [...(value as string[])];
}

function checkArg(htype: string, option: string, value: unknown, opts: CreateTensorOptions): unknown {
  switch (option) {
    case "classNames":
    case "keypoints":
      return stringList(htype, option, value);
    case "coords": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new HtypeArgumentError(htype, option, "must be an object");
      const coords = value as Record<string, unknown>;
      const keys = htype === "bbox" ? ["type", "mode"] : ["mode"];
      for (const k of Object.keys(coords)) if (!keys.includes(k)) throw new HtypeArgumentError(htype, option, `unknown key ${JSON.stringify(k)}; expected ${keys.join(", ")}`);
      const modes = htype === "bbox" ? BBOX_MODES : BBOX3D_MODES;
      if (coords.mode !== undefined && !modes.includes(coords.mode as string)) {
        throw new HtypeArgumentError(htype, option, `mode must be one of ${modes.join(", ")}, got ${JSON.stringify(coords.mode)}`);
      }
      if (coords.type !== undefined && !BBOX_TYPES.includes(coords.type as string)) {
        throw new HtypeArgumentError(htype, option, `type must be one of ${BBOX_TYPES.join(", ")}, got ${JSON.stringify(coords.type)}`);
      }
      return { ...coords };
    }
    case "connections": {
      const n = opts.keypoints?.length;
      const ok = Array.isArray(value) && value.every((pair) =>
        Array.isArray(pair) && pair.length === 2 && pair.every((i) => Number.isInteger(i) && i >= 0 && (n === undefined || n === 0 || i < n)));
      if (!ok) throw new HtypeArgumentError(htype, option, `must be [i, j] pairs of keypoint indices${n ? ` below ${n}` : ""}`);
      return (value as number[][]).map((p) => [...p]);
    }
    case "intrinsics": {
      if (value === null) return null;
      const ok = Array.isArray(value) && value.length === 3 &&
        value.every((row) => Array.isArray(row) && row.length === 3 && row.every((x) => typeof x === "number" && Number.isFinite(x)));
      if (!ok) throw new HtypeArgumentError(htype, option, "must be a 3×3 matrix of finite numbers");
      return (value as number[][]).map((r) => [...r]);
    }
    default:
      return value;
  }
}

/**
 * Resolves create-tensor options into a complete meta: htype defaults, dtype and compression checks, htype arguments
 * moved into `info`. Throws UnknownHtypeError, UnknownCompressionError, UnsupportedCompressionError or
 * HtypeArgumentError; never returns a meta the engine could not honour.
 */
export function resolveTensorMeta(opts: CreateTensorOptions = {}): TensorMetaDraft {
  const parsed = parseHtype(opts.htype ?? "generic");
  const { spec, htype } = parsed;
  const argOptions = new Set(spec.args.map((a) => a.option));
  for (const [key, value] of Object.entries(opts)) {
    if (value === undefined || COMMON_OPTIONS.has(key) || argOptions.has(key)) continue;
    throw new HtypeArgumentError(htype, key, `not an option of htype ${htype}${spec.args.length ? `; it takes ${spec.args.map((a) => a.option).join(", ")}` : ""}`);
  }
  if (spec.compressionRequired && opts.sampleCompression === undefined && opts.chunkCompression === undefined && !parsed.isLink) {
    throw new HtypeArgumentError(htype, "sampleCompression", "is required for this htype: pass sampleCompression or chunkCompression (null stores raw arrays)");
  }
  const sampleCompression = resolveCompression(spec, "sample", opts.sampleCompression, htype);
  const chunkCompression = resolveCompression(spec, "chunk", opts.chunkCompression, htype);
  if (sampleCompression !== null && chunkCompression !== null) {
    throw new HtypeArgumentError(htype, "chunkCompression", `cannot be set together with sampleCompression (${sampleCompression}); choose one`);
  }
  if (typeof opts.hidden !== "undefined" && typeof opts.hidden !== "boolean") throw new HtypeArgumentError(htype, "hidden", "must be a boolean");
  if (typeof opts.verify !== "undefined" && typeof opts.verify !== "boolean") throw new HtypeArgumentError(htype, "verify", "must be a boolean");
  if (opts.name !== undefined && typeof opts.name !== "string") throw new HtypeArgumentError(htype, "name", "must be a string");
  const info: Record<string, unknown> = {};
  for (const arg of spec.args) {
    const given = (opts as Record<string, unknown>)[arg.option];
    if (given === undefined) {
      if (arg.default !== undefined) info[arg.infoKey] = structuredClone(arg.default);
      continue;
    }
    info[arg.infoKey] = checkArg(htype, arg.option, given, opts);
  }
  return {
    name: opts.name ?? null,
    htype,
    dtype: resolveDtype(spec, opts.dtype, htype),
    sampleCompression,
    chunkCompression,
    maxChunkSize: sizeOption(htype, "maxChunkSize", opts.maxChunkSize, false),
    tilingThreshold: sizeOption(htype, "tilingThreshold", opts.tilingThreshold, true),
    isSequence: parsed.isSequence,
    isLink: parsed.isLink,
    hidden: opts.hidden ?? false,
    verify: opts.verify ?? true,
    info,
  };
}
