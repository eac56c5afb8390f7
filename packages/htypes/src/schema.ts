/**
 * Deep Lake's json/list dtype is a Python typing string (`"Any"`, `"Dict[str, int]"`, `"List[Optional[float]]"`).
 * This parses that small grammar into a tree and checks JSON values against it.
 * @module
 */
import type { JsonValue } from "./types.ts";

export type JsonSchema =
  | { type: "any" | "str" | "int" | "float" | "bool" | "none" }
  | { type: "list"; items: JsonSchema }
  | { type: "dict"; keys: JsonSchema; values: JsonSchema }
  | { type: "union"; options: JsonSchema[] };

const ANY: JsonSchema = { type: "any" };

/** Parses a typing string; throws a plain Error with the offending position (callers wrap it in a typed error). */
export function parseJsonSchema(text: string): JsonSchema {
  let pos = 0;
  const skip = (): void => {
    while (text[pos] === " ") pos++;
  };
  const name = (): string => {
    skip();
    const start = pos;
    while (pos < text.length && /[A-Za-z_]/.test(text[pos]!)) pos++;
    if (start === pos) throw new Error(`expected a type name at column ${pos + 1} of ${JSON.stringify(text)}`);
    return text.slice(start, pos);
  };
  const args = (): JsonSchema[] => {
    skip();
    if (text[pos] !== "[") return [];
    pos++;
    const out = [type()];
    skip();
    while (text[pos] === ",") {
      pos++;
      out.push(type());
      skip();
    }
    if (text[pos] !== "]") throw new Error(`expected "]" at column ${pos + 1} of ${JSON.stringify(text)}`);
    pos++;
    return out;
  };
  const arity = (n: string, got: JsonSchema[], max: number): void => {
    if (got.length > max) throw new Error(`${n} takes at most ${max} type argument(s) in ${JSON.stringify(text)}`);
  };
  const type = (): JsonSchema => {
    const n = name();
    const a = args();
    switch (n) {
      case "Any": arity(n, a, 0); return ANY;
      case "str": arity(n, a, 0); return { type: "str" };
      case "int": arity(n, a, 0); return { type: "int" };
      case "float": arity(n, a, 0); return { type: "float" };
      case "bool": arity(n, a, 0); return { type: "bool" };
      case "None": arity(n, a, 0); return { type: "none" };
      case "List": arity(n, a, 1); return { type: "list", items: a[0] ?? ANY };
      case "Dict": arity(n, a, 2); return { type: "dict", keys: a[0] ?? ANY, values: a[1] ?? ANY };
      case "Optional": arity(n, a, 1); return { type: "union", options: [a[0] ?? ANY, { type: "none" }] };
      case "Union":
        if (a.length === 0) throw new Error(`Union needs type arguments in ${JSON.stringify(text)}`);
        return { type: "union", options: a };
      default: throw new Error(`unknown type ${JSON.stringify(n)} in ${JSON.stringify(text)}`);
    }
  };
  const out = type();
  skip();
  if (pos !== text.length) throw new Error(`unexpected ${JSON.stringify(text.slice(pos))} at column ${pos + 1} of ${JSON.stringify(text)}`);
  return out;
}

/** The JSON path of the first value that breaks the schema, or `null` when the value conforms. */
export function checkJsonSchema(value: JsonValue, schema: JsonSchema, path = "$"): string | null {
  switch (schema.type) {
    case "any": return null;
    case "str": return typeof value === "string" ? null : path;
    case "int": return typeof value === "number" && Number.isInteger(value) ? null : path;
    case "float": return typeof value === "number" ? null : path;
    case "bool": return typeof value === "boolean" ? null : path;
    case "none": return value === null ? null : path;
    case "union":
      return schema.options.some((o) => checkJsonSchema(value, o, path) === null) ? null : path;
    case "list": {
      if (!Array.isArray(value)) return path;
      for (let i = 0; i < value.length; i++) {
        const bad = checkJsonSchema(value[i]!, schema.items, `${path}[${i}]`);
        if (bad) return bad;
      }
      return null;
    }
    case "dict": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return path;
      for (const [k, v] of Object.entries(value)) {
        // JSON keys are strings; an int key type accepts numeric strings as Python's json round trip produces them.
        const keyOk = schema.keys.type === "any" || schema.keys.type === "str" || (schema.keys.type === "int" && /^-?\d+$/.test(k));
        if (!keyOk) return `${path}.${k}`;
        const bad = checkJsonSchema(v, schema.values, `${path}.${k}`);
        if (bad) return bad;
      }
      return null;
    }
  }
}
