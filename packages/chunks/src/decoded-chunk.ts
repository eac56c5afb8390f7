/**
 * A chunk object turned into its verified, decoded payload, the unit the engine caches. `lz4` chunks decode lazily:
 * only as far as the furthest byte read so far, resuming on demand, so one random read costs the prefix up to its
 * sample instead of the whole chunk.
 * @module
 */
import type { BytesCodec } from "./codec-types.ts";
import { type ChunkHeader, FLAG_CHUNK_COMPRESSED, parseHeader, verifyPayload } from "./chunk-format.ts";
import { CorruptChunkError } from "./errors.ts";
import { type Lz4Cursor, lz4Cursor, lz4DecodeUntil } from "@shoal/codecs";

export interface DecodedChunk {
  readonly header: ChunkHeader;
  /** The decoded payload; while `cursor` is set only `[0, decoded)` holds data. */
  readonly payload: Uint8Array;
  decoded: number;
  /** A paused lz4 decode (it keeps the compressed bytes alive); null once the payload is complete. */
  cursor: Lz4Cursor | null;
  /** Readers holding views of `payload` right now (ChunkCache.release drops one). */
  pins: number;
  /** Whether the decoded-chunk cache holds this entry. */
  cached: boolean;
  /**
   * `payload` is memory the engine allocated (an lz4 decode target) that nobody outside the engine has seen, so it
   * may be reused for another chunk once the entry is out of the cache and unpinned.
   */
  reusable: boolean;
}

/** Bytes a cache entry holds (the compressed bytes count while a decode is paused). */
export function chunkBytes(c: DecodedChunk): number {
  return c.payload.byteLength + c.header.headerLength + (c.cursor ? c.cursor.src.byteLength : 0);
}

/**
 * Parses and verifies a whole chunk object; payloads of codecs other than lz4 are decoded at once. `skipPayloadCheck`
 * (the caller already verified this immutable object's payload in this session) skips hashing the payload; the header
 * checksum and the payload length are still checked.
 */
export async function decodeChunk(
  bytes: Uint8Array, key: string, loadCodec: (name: string) => Promise<BytesCodec>, skipPayloadCheck = false,
  alloc: (length: number) => Uint8Array = (length) => new Uint8Array(length),
): Promise<DecodedChunk> {
  const header = parseHeader(bytes, key);
  const stored = bytes.subarray(header.headerLength);
  if (!skipPayloadCheck) verifyPayload(header, stored, key);
  else if (stored.byteLength !== header.storedLength) {
    throw new CorruptChunkError(key, bytes.byteLength, `payload is ${stored.byteLength} bytes, header says ${header.storedLength}`);
  }
  const entry = (payload: Uint8Array, decoded: number, cursor: Lz4Cursor | null, reusable: boolean): DecodedChunk => ({
    header, payload, decoded, cursor, pins: 0, cached: false, reusable,
  });
  // The stored bytes may be the store's own memory (MemoryStore hands out views): never reused.
  if (!(header.flags & FLAG_CHUNK_COMPRESSED)) return entry(stored, stored.byteLength, null, false);
  if (header.chunkCodec === "lz4") {
    let cursor: Lz4Cursor | null;
    try {
      cursor = lz4Cursor(stored, header.payloadLength);
    } catch (cause) {
      throw new CorruptChunkError(key, header.headerLength, "lz4 payload does not decode", { cause });
    }
    if (cursor) return entry(alloc(header.payloadLength), 0, cursor, true);
  }
  const codec = await loadCodec(header.chunkCodec);
  let payload: Uint8Array;
  try {
    payload = codec.decode(stored, { outLength: header.payloadLength });
  } catch (cause) {
    throw new CorruptChunkError(key, header.headerLength, `${header.chunkCodec} payload does not decode`, { cause });
  }
  if (payload.byteLength !== header.payloadLength) throw new CorruptChunkError(key, header.headerLength, "decoded payload length differs from the header");
  return entry(payload, payload.byteLength, null, false);
}

/** Makes `payload[0, end)` valid; returns whether the entry's size changed (the caller re-accounts it). */
export function decodeThrough(c: DecodedChunk, end: number, key: string): boolean {
  const cursor = c.cursor;
  if (!cursor || c.decoded >= end) return false;
  const at = (cause: unknown) => c.header.headerLength + ((cause as { offset?: number }).offset ?? cursor.ip);
  try {
    lz4DecodeUntil(cursor, c.payload, end);
  } catch (cause) {
    throw new CorruptChunkError(key, at(cause), "lz4 payload does not decode", { cause });
  }
  c.decoded = cursor.op;
  if (c.decoded < end) throw new CorruptChunkError(key, c.header.headerLength + cursor.ip, `lz4 block ends after ${c.decoded} of ${c.payload.byteLength} payload bytes`);
  if (c.decoded < c.payload.byteLength) return false;
  if (cursor.ip !== cursor.src.byteLength) throw new CorruptChunkError(key, c.header.headerLength + cursor.ip, "lz4 block continues past the decoded payload");
  c.cursor = null;
  return true;
}
