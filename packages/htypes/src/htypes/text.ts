/**
 * text, json, list and tag samples.
 * @module
 */
import { checkJsonSchema, parseJsonSchema } from "../schema.ts";
import { SampleTypeError, SampleValueError, type SampleErrorWhere } from "../errors.ts";
import type { JsonValue } from "../types.ts";

/** The path of the first value JSON cannot carry (undefined, functions, NaN, class instances), or null. */
function nonJsonPath(value: unknown, path: string, depth: number): string | null {
  if (depth > 256) return path;
  if (value === null || typeof value === "string" || typeof value === "boolean") return null;
  if (typeof value === "number") return Number.isFinite(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = nonJsonPath(value[i], `${path}[${i}]`, depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return path;
    for (const [k, v] of Object.entries(value)) {
      const bad = nonJsonPath(v, `${path}.${k}`, depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  return path;
}

function checkSchema(value: JsonValue, dtype: string | null, at: SampleErrorWhere): void {
  if (!dtype || dtype === "Any" || dtype === "List" || dtype === "Dict") return;
  const bad = checkJsonSchema(value, parseJsonSchema(dtype));
  if (bad) throw new SampleValueError(at, `value at ${bad} does not match the tensor's schema ${dtype}`);
}

export function normalizeText(input: unknown, at: SampleErrorWhere): string {
  if (typeof input !== "string") throw new SampleTypeError(at, `text samples are strings, got ${Array.isArray(input) ? "an array" : typeof input}`);
  return input;
}

export function normalizeJson(input: unknown, dtype: string | null, at: SampleErrorWhere): JsonValue {
  const bad = nonJsonPath(input, "$", 0);
  if (bad) throw new SampleTypeError(at, `json samples must be plain JSON; the value at ${bad} is not (undefined, NaN, a function or a class instance)`);
  const value = input as JsonValue;
  checkSchema(value, dtype, at);
  return value;
}

export function normalizeList(input: unknown, htype: string, dtype: string | null, at: SampleErrorWhere): JsonValue[] {
  const list = htype === "tag" && typeof input === "string" ? [input] : input;
  if (!Array.isArray(list)) throw new SampleTypeError(at, `${htype} samples are arrays, got ${typeof input}`);
  if (htype === "tag") {
    const i = list.findIndex((x) => typeof x !== "string");
    if (i >= 0) throw new SampleTypeError(at, `tag ${i} is not a string`);
  }
  const value = normalizeJson(list, null, at) as JsonValue[];
  checkSchema(value, dtype, at);
  return value;
}
