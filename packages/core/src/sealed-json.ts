/**
 * Checksummed JSON records. A flipped bit in a JSON record often still parses (a digit of a length, a letter of a
 * name) and would be read as a different truth, so every record shoal writes ends with one more member,
 * `"xxh32":"<8 hex>"`, the xxHash32 of every byte before that member. The checksum covers the exact stored bytes, so
 * no canonical form is needed, and readers that ignore unknown fields (format v1's rule) read sealed records
 * unchanged. Records without the member (written before it existed) are read unchecked.
 * @module
 */
import { InvalidArgumentError } from "./errors.ts";
import { xxh32 } from "./xxhash32.ts";

export const JSON_SEAL_FIELD = "xxh32";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const SEAL_HEAD = encoder.encode(`"${JSON_SEAL_FIELD}":"`);
/** `"xxh32":"` + 8 hex digits + `"}`. */
const SEAL_LENGTH = SEAL_HEAD.length + 8 + 2;
const QUOTE = 0x22;
const CLOSE = 0x7d;
const OPEN = 0x7b;
const COMMA = 0x2c;

/** UTF-8 JSON of a plain object, sealed with its checksum as the last member. */
export function sealJson(value: object): Uint8Array {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`[shoal] sealJson: only JSON objects are sealed, got ${Array.isArray(value) ? "an array" : typeof value}`);
  }
  let record = value as Record<string, unknown>;
  if (Object.hasOwn(record, JSON_SEAL_FIELD)) {
    // A record read back and written again would otherwise carry its old seal as a member of the new one.
    const { [JSON_SEAL_FIELD]: _old, ...rest } = record;
    record = rest;
  }
  const text = JSON.stringify(record);
  // Encoded once with placeholder digits, which are then overwritten in place with the checksum of what precedes.
  const out = encoder.encode(`${text.length > 2 ? `${text.slice(0, -1)},` : "{"}"${JSON_SEAL_FIELD}":"00000000"}`);
  const at = out.length - SEAL_LENGTH;
  const hex = xxh32(out.subarray(0, at)).toString(16).padStart(8, "0");
  for (let i = 0; i < 8; i++) out[at + SEAL_HEAD.length + i] = hex.charCodeAt(i);
  return out;
}

export type UnsealedJson =
  | { ok: true; value: unknown; sealed: boolean }
  | { ok: false; reason: string };

/** Whether the bytes end in a seal member (its digits unchecked). */
function hasSeal(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n < SEAL_LENGTH + 1 || bytes[n - 1] !== CLOSE || bytes[n - 2] !== QUOTE) return false;
  const at = n - SEAL_LENGTH;
  for (let i = 0; i < SEAL_HEAD.length; i++) if (bytes[at + i] !== SEAL_HEAD[i]) return false;
  const before = bytes[at - 1];
  return before === COMMA || (before === OPEN && at === 1);
}

/** Parses a record, checking and removing its seal; `ok: false` says why the bytes cannot be trusted. */
export function unsealJson(bytes: Uint8Array): UnsealedJson {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, reason: "not valid UTF-8" };
  }
  const sealed = hasSeal(bytes);
  if (sealed) {
    const at = bytes.length - SEAL_LENGTH;
    const digits = text.slice(text.length - 10, text.length - 2);
    const computed = xxh32(bytes.subarray(0, at)).toString(16).padStart(8, "0");
    if (digits !== computed) return { ok: false, reason: `checksum mismatch (stored xxh32 ${JSON.stringify(digits)}, computed "${computed}")` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not valid JSON" };
  }
  if (sealed && typeof value === "object" && value !== null) delete (value as Record<string, unknown>)[JSON_SEAL_FIELD];
  return { ok: true, value, sealed };
}
