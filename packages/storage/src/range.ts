import { InvalidArgumentError, RangeError as ShoalRangeError } from "@shoal/core";
import type { ByteRange, ExactRange } from "./types.ts";

/**
 * Resolves a range against an object of `size` bytes into [start, end). A range that starts past the end, or a
 * negative/non-integer one, is an error naming the key: silently returning fewer bytes would hide corrupt indexes.
 */
export function resolveRange(key: string, size: number, range: ByteRange): [number, number] {
  assertRange(key, range);
  const { offset, length } = range;
  const end = length === undefined ? size : offset + length;
  if (offset > size || end > size) {
    throw new ShoalRangeError(key, `range [${offset}, ${end}) is past the end of a ${size}-byte object`);
  }
  return [offset, end];
}

/** Checks a range's own fields (non-negative integers) before any I/O. */
export function assertRange(key: string, range: ByteRange): void {
  const { offset, length } = range;
  if (!Number.isInteger(offset) || offset < 0) throw new ShoalRangeError(key, `invalid range offset ${offset}`);
  if (length !== undefined && (!Number.isInteger(length) || length < 0)) throw new ShoalRangeError(key, `invalid range length ${length}`);
}

/** Checks `readInto`'s arguments before any I/O: a valid range with a length, and an `out` that can hold it. */
export function assertReadInto(key: string, range: ExactRange, out: Uint8Array): void {
  if (typeof range !== "object" || range === null || range.length === undefined) {
    throw new ShoalRangeError(key, "readInto needs a range with an offset and a length");
  }
  assertRange(key, range);
  if (!(out instanceof Uint8Array)) throw new InvalidArgumentError(`[shoal] readInto ${JSON.stringify(key)}: out must be a Uint8Array`);
  if (out.byteLength < range.length) {
    throw new InvalidArgumentError(`[shoal] readInto ${JSON.stringify(key)}: out holds ${out.byteLength} bytes, the range needs ${range.length}`);
  }
}
