/**
 * JSON with typed arrays: change sets carry BigUint64Array sample ids (u64 does not fit a JSON number) and index
 * lists that can be long, so both are stored as base64 of little-endian bytes. Byte order is written explicitly
 * so the records read the same on any platform.
 * @module
 */
import { unsealJson } from "@shoal/core";
import { VersionControlError } from "./errors.ts";

/** Version records are sealed with their checksum (FORMAT.md, Conventions): a flipped bit that still parses is caught. */
export function decodeJson(bytes: Uint8Array, key: string): unknown {
  const r = unsealJson(bytes);
  if (!r.ok) throw new VersionControlError(`[shoal] corrupt version record ${JSON.stringify(key)}: ${r.reason}`);
  return r.value;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function base64ToBytes(text: string, key: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch (cause) {
    throw new VersionControlError(`[shoal] corrupt version record ${JSON.stringify(key)}: bad base64 array`, { cause });
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function encodeU64(ids: BigUint64Array): string {
  const bytes = new Uint8Array(ids.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < ids.length; i++) view.setBigUint64(i * 8, ids[i]!, true);
  return bytesToBase64(bytes);
}

export function decodeU64(text: unknown, key: string): BigUint64Array {
  if (typeof text !== "string") throw corrupt(key, "expected a base64 u64 array");
  const bytes = base64ToBytes(text, key);
  if (bytes.length % 8 !== 0) throw corrupt(key, "u64 array length is not a multiple of 8");
  const view = new DataView(bytes.buffer);
  const out = new BigUint64Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getBigUint64(i * 8, true);
  return out;
}

export function encodeF64(values: Float64Array): string {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
  return bytesToBase64(bytes);
}

export function decodeF64(text: unknown, key: string): Float64Array {
  if (typeof text !== "string") throw corrupt(key, "expected a base64 f64 array");
  const bytes = base64ToBytes(text, key);
  if (bytes.length % 8 !== 0) throw corrupt(key, "f64 array length is not a multiple of 8");
  const view = new DataView(bytes.buffer);
  const out = new Float64Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

export function corrupt(key: string, what: string, cause?: unknown): VersionControlError {
  return new VersionControlError(`[shoal] corrupt version record ${JSON.stringify(key)}: ${what}`, { cause });
}
