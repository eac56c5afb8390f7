/**
 * JSON as Deep Lake writes it: `HubJsonEncoder` turns ndarrays, compressed samples and bytes into tagged objects
 * (`{"_hub_custom_type": "ndarray", ...}`); this reviver turns them back into NDArrays and byte arrays.
 * @module
 */
import { type NDArray, ndarray, normalizeDType, shapeSize, viewAs } from "@shoal/core";

/** A compressed sample stored inside JSON: its file bytes and the compression they are in. */
export interface HubJsonSample {
  readonly compression: string | null;
  readonly bytes: Uint8Array;
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const NON_FINITE: Record<string, number> = { "\u0000NaN": Number.NaN, "\u0000Infinity": Infinity, "\u0000-Infinity": -Infinity };

function revive(_key: string, value: unknown): unknown {
  if (typeof value === "string" && value.charCodeAt(0) === 0 && value in NON_FINITE) return NON_FINITE[value];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  const type = v._hub_custom_type;
  if (typeof type !== "string" || typeof v.data !== "string") return value;
  if (type === "bytes") return fromBase64(v.data);
  if (type === "Sample") return { compression: typeof v.compression === "string" ? v.compression : null, bytes: fromBase64(v.data) } satisfies HubJsonSample;
  if (type === "ndarray" && typeof v.dtype === "string" && Array.isArray(v.shape)) {
    const shape = v.shape as number[];
    const typestr = v.dtype;
    // Big-endian payloads would need a byte swap per element; numpy writes native (little-endian) order in practice.
    if (typestr.startsWith(">")) return value;
    let dtype;
    try {
      dtype = normalizeDType(typestr);
    } catch {
      return value;
    }
    const bytes = fromBase64(v.data);
    const data = viewAs(dtype, bytes);
    if (data.length !== shapeSize(shape)) return value;
    return ndarray(dtype, shape, data) satisfies NDArray;
  }
  return value;
}

/**
 * `JSON.parse` with Deep Lake's special objects revived, and Python's bare `NaN`, `Infinity` and `-Infinity`
 * (which `json.dumps` writes for non-finite floats) read as numbers. A syntax error propagates as SyntaxError.
 */
export function parseHubJson(text: string): unknown {
  try {
    return JSON.parse(text, revive);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
    // Tokens outside strings become tagged strings that the reviver turns back into numbers.
    const tagged = text.replace(/"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g, (m) => (m.startsWith('"') ? m : `"\\u0000${m}"`));
    return JSON.parse(tagged, revive);
  }
}
