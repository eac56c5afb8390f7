/**
 * Deep Lake json/list samples as plain JSON: the reader revives HubJsonEncoder objects (ndarrays, bytes, compressed
 * samples) and Python's NaN/Infinity, which shoal's json tensors do not hold.
 * @module
 */

function base64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function scalar(x: number | bigint): number | string | null {
  if (typeof x === "bigint") return x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x.toString();
  return Number.isFinite(x) ? x : null;
}

function isArrayLikeNd(v: object): v is { shape: readonly number[]; data: ArrayLike<number | bigint> } {
  const o = v as { dtype?: unknown; shape?: unknown; data?: unknown };
  return typeof o.dtype === "string" && Array.isArray(o.shape) && ArrayBuffer.isView(o.data);
}

/** Nested lists of an NDArray's elements, as numpy's `tolist()`. */
function nested(shape: readonly number[], data: ArrayLike<number | bigint>): unknown {
  let at = 0;
  const build = (axis: number): unknown => {
    if (axis === shape.length) return scalar(data[at++]!);
    return Array.from({ length: shape[axis]! }, () => build(axis + 1));
  };
  return build(0);
}

/**
 * `value` with ndarrays as nested lists, byte strings and compressed samples back in their HubJsonEncoder form
 * (nothing lost), big integers beyond 2^53 as decimal strings, and non-finite floats as null.
 */
export function toPlainJson(value: unknown): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number" || typeof value === "bigint") return scalar(value);
  if (Array.isArray(value)) return value.map(toPlainJson);
  if (typeof value !== "object") return null;
  if (value instanceof Uint8Array) return { _hub_custom_type: "bytes", data: base64(value) };
  if (isArrayLikeNd(value)) return nested(value.shape, value.data);
  const o = value as Record<string, unknown>;
  if (o.bytes instanceof Uint8Array && Object.keys(o).length === 2 && "compression" in o) {
    return { _hub_custom_type: "Sample", compression: o.compression, data: base64(o.bytes) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = toPlainJson(v);
  return out;
}
