/**
 * Packs ("chunks"): immutable objects holding runs of content bytes, written by upload() and addressed by
 * `packs/<aa>/<packId>.pack`. Layout: `SHOALPK1` | segment bytes | index JSON | u32 LE index length | `SHPKEND1`.
 * The index makes a pack self-describing (repair, gc, remote verify); `packId` is the SHA-256 of the index JSON,
 * which is cheap and identifies the bytes because each segment is a deterministic function of what the index names.
 * @module
 */
import { CorruptContentError } from "./errors.ts";
import { sha256Hex } from "./hash.ts";

const HEAD = new TextEncoder().encode("SHOALPK1");
const TAIL = new TextEncoder().encode("SHPKEND1");

/** One index row: `[sha256, offsetInFile, offsetInPack, storedLength, rawLength, method]`. */
export type PackIndexRow = [string, number, number, number, number, 0 | 1];

export class PackBuilder {
  readonly #pieces: Uint8Array[] = [HEAD];
  readonly rows: PackIndexRow[] = [];
  #offset = HEAD.length;
  /** Raw (uncompressed) bytes added so far: the measure chunkSize bounds. */
  rawBytes = 0;

  add(sha256: string, fileOffset: number, stored: Uint8Array, rawLength: number, method: 0 | 1): PackIndexRow {
    const row: PackIndexRow = [sha256, fileOffset, this.#offset, stored.length, rawLength, method];
    this.rows.push(row);
    this.#pieces.push(stored);
    this.#offset += stored.length;
    this.rawBytes += rawLength;
    return row;
  }

  get empty(): boolean {
    return this.rows.length === 0;
  }

  finish(): { id: string; bytes: Uint8Array } {
    const index = new TextEncoder().encode(JSON.stringify({ format: 1, segments: this.rows }));
    const id = sha256Hex(index);
    const total = this.#offset + index.length + 4 + TAIL.length;
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const piece of this.#pieces) {
      bytes.set(piece, at);
      at += piece.length;
    }
    bytes.set(index, at);
    at += index.length;
    new DataView(bytes.buffer).setUint32(at, index.length, true);
    bytes.set(TAIL, at + 4);
    return { id, bytes };
  }
}

/** Bytes the pack framing adds before the first segment. */
export const PACK_HEAD_BYTES = HEAD.length;

/**
 * Finishes a pack built in place: `buffer[0, dataEnd)` already holds the head and the segments `rows` describe.
 * Appends index, length and tail (growing the buffer only when the index does not fit) and returns the pack bytes.
 */
export function sealPack(buffer: Uint8Array, dataEnd: number, rows: PackIndexRow[]): { id: string; bytes: Uint8Array } {
  buffer.set(HEAD, 0);
  const index = new TextEncoder().encode(JSON.stringify({ format: 1, segments: rows }));
  const id = sha256Hex(index);
  const total = dataEnd + index.length + 4 + TAIL.length;
  let bytes = buffer;
  if (total > buffer.length) {
    bytes = new Uint8Array(total);
    bytes.set(buffer.subarray(0, dataEnd));
  }
  bytes.set(index, dataEnd);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(dataEnd + index.length, index.length, true);
  bytes.set(TAIL, dataEnd + index.length + 4);
  return { id, bytes: bytes.subarray(0, total) };
}

/** Reads the index of a whole pack (for repair and verification tools). */
export function readPackIndex(key: string, bytes: Uint8Array): PackIndexRow[] {
  const n = bytes.length;
  const tailOk = n >= HEAD.length + 4 + TAIL.length && TAIL.every((b, i) => bytes[n - TAIL.length + i] === b);
  if (!tailOk || !HEAD.every((b, i) => bytes[i] === b)) throw new CorruptContentError(key, "not a shoal pack (bad magic)");
  const len = new DataView(bytes.buffer, bytes.byteOffset, n).getUint32(n - TAIL.length - 4, true);
  const start = n - TAIL.length - 4 - len;
  if (start < HEAD.length) throw new CorruptContentError(key, "pack index length out of range");
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(start, start + len))) as { segments: PackIndexRow[] };
    return parsed.segments;
  } catch (cause) {
    throw new CorruptContentError(key, "pack index is not valid JSON", { cause });
  }
}
