import { RangeError as ShoalRangeError, StorageError } from "@shoal/core";
import { resolveRange } from "./range.ts";
import { parseContentRange } from "./request.ts";
import type { ByteRange } from "./types.ts";

/** The `Range` header for a range of at least one byte. */
export function rangeHeader(range: ByteRange): string {
  return range.length === undefined ? `bytes=${range.offset}-` : `bytes=${range.offset}-${range.offset + range.length - 1}`;
}

/** Checks a range's numbers before any request, so a bad range fails without I/O. */
export function validateRange(key: string, range: ByteRange): void {
  resolveRange(key, Number.MAX_SAFE_INTEGER, range);
}

/**
 * Turns a ranged response into exactly the bytes asked for, or a RangeError. Servers clip a range that runs past
 * the end (206 with fewer bytes) or ignore Range (200 with the whole object); both must give the same answer as a
 * local store. Returns `"unsatisfiable"` when a 416 does not say how big the object is.
 */
export function bytesForRange(
  key: string,
  range: ByteRange,
  status: number,
  contentRange: string | null | undefined,
  body: Uint8Array,
): Uint8Array | "unsatisfiable" {
  if (status === 200) {
    const [start, end] = resolveRange(key, body.byteLength, range);
    return body.subarray(start, end);
  }
  const parsed = parseContentRange(contentRange);
  if (status === 416) {
    if (parsed?.total === undefined) return "unsatisfiable";
    resolveRange(key, parsed.total, range);
    return new Uint8Array(0);
  }
  if (parsed?.total !== undefined) resolveRange(key, parsed.total, range);
  if (parsed?.start !== undefined && parsed.start !== range.offset) {
    throw new StorageError(`[shoal] server answered range of ${JSON.stringify(key)} from byte ${parsed.start}, asked ${range.offset}`, { key, status });
  }
  // Some servers (s3rver with bytes=0-0) send more than asked; keep what was asked when the answer covers it.
  if (parsed?.start !== undefined && range.length !== undefined && body.byteLength > range.length) {
    return body.subarray(0, range.length);
  }
  if (range.length !== undefined && body.byteLength !== range.length) {
    throw new ShoalRangeError(key, `range [${range.offset}, ${range.offset + range.length}) is past the end (server sent ${body.byteLength} bytes)`);
  }
  return body;
}

/**
 * A zero-byte range cannot be asked for in a Range header, so remote stores answer it from the object's size:
 * empty when the offset lies within the object, RangeError past its end, undefined when the key is missing.
 */
export async function emptyRange(
  head: (key: string, opts: { signal?: AbortSignal }) => Promise<{ size: number } | undefined>,
  key: string,
  range: ByteRange,
  signal: AbortSignal | undefined,
): Promise<Uint8Array | undefined> {
  const info = await head(key, { signal });
  if (!info) return undefined;
  resolveRange(key, info.size, range);
  return new Uint8Array(0);
}
