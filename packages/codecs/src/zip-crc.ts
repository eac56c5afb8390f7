/**
 * The CRC-32 a zip archive stores for each entry, which fflate never checks: from the central directory for whole
 * archives, and from local headers or data descriptors as a stream goes by.
 * @module
 */
import { CorruptDataError } from "@shoal/core";

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const DATA_DESCRIPTOR = 0x08074b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;

function u16(d: Uint8Array, i: number): number {
  return d[i]! | (d[i + 1]! << 8);
}

function u32(d: Uint8Array, i: number): number {
  return (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24)) >>> 0;
}

function u64(d: Uint8Array, i: number): number {
  return u32(d, i) + u32(d, i + 4) * 0x100000000;
}

const utf8 = new TextDecoder();

/** Entry names decoded as fflate does: UTF-8 when general-purpose flag bit 11 says so, else one char per byte. */
export function entryName(bytes: Uint8Array, flags: number): string {
  if (flags & 0x800) return utf8.decode(bytes);
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** Name → stored CRC-32 of every entry in the central directory of a whole archive (the last one wins for duplicates). */
export function centralDirectoryCrcs(zip: Uint8Array): Map<string, number> {
  let end = -1;
  // The end record is 22 bytes plus a comment of at most 65535 bytes.
  for (let i = zip.length - 22; i >= 0 && i >= zip.length - 22 - 65535; i--) {
    if (u32(zip, i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new CorruptDataError("zip", "no end of central directory record", { offset: zip.length });
  let count = u16(zip, end + 10);
  let at = u32(zip, end + 16);
  if ((count === 0xffff || at === 0xffffffff) && end >= 20 && u32(zip, end - 20) === ZIP64_LOCATOR) {
    const z64 = u64(zip, end - 12);
    if (z64 + 56 > zip.length || u32(zip, z64) !== ZIP64_END) throw new CorruptDataError("zip", "bad zip64 end of central directory", { offset: z64 });
    count = u64(zip, z64 + 32);
    at = u64(zip, z64 + 48);
  }
  const crcs = new Map<string, number>();
  for (let n = 0; n < count; n++) {
    if (at + 46 > zip.length || u32(zip, at) !== CENTRAL_HEADER) throw new CorruptDataError("zip", `central directory entry ${n} is damaged`, { offset: at });
    const nameLength = u16(zip, at + 28);
    const next = at + 46 + nameLength + u16(zip, at + 30) + u16(zip, at + 32);
    if (next > zip.length) throw new CorruptDataError("zip", `central directory entry ${n} runs past the end`, { offset: at });
    crcs.set(entryName(zip.subarray(at + 46, at + 46 + nameLength), u16(zip, at + 8)), u32(zip, at + 16));
    at = next;
  }
  return crcs;
}

/**
 * Follows a zip byte stream the way fflate's `Unzip` does and records, per entry in order, the CRC-32 stored in
 * its local header, or, for entries written with a data descriptor (general-purpose bit 3), in the descriptor
 * after the data. `null` marks an entry whose descriptor has no signature and so cannot be found.
 */
export class ZipCrcTracker {
  /** Stored CRC per entry ordinal; absent while still unknown. */
  readonly crcs: (number | null)[] = [];
  #held = new Uint8Array(0);
  /** Compressed bytes of a sized entry still to pass over. */
  #skip = 0;
  #state: "header" | "skip" | "descriptor" | "done" = "header";
  /** After a descriptor: its size fields (32- or 64-bit) come before the next signature. */
  #seekHeader = false;

  /** True once the stream left the local entries (central directory or unrecognised bytes): no more CRCs will come. */
  get done(): boolean {
    return this.#state === "done";
  }

  push(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.#held.length > 0) {
      buf = new Uint8Array(this.#held.length + chunk.length);
      buf.set(this.#held);
      buf.set(chunk, this.#held.length);
    }
    let i = 0;
    for (;;) {
      if (this.#state === "done") {
        this.#held = new Uint8Array(0);
        return;
      }
      if (this.#state === "skip") {
        const step = Math.min(this.#skip, buf.length - i);
        i += step;
        this.#skip -= step;
        if (this.#skip > 0) break;
        this.#state = "header";
        continue;
      }
      if (this.#state === "descriptor") {
        // Scan for what ends data of unknown length: a descriptor, or the next local or central header.
        let found = false;
        for (; i + 4 <= buf.length; i++) {
          const sig = u32(buf, i);
          if (sig === LOCAL_HEADER || sig === CENTRAL_HEADER) {
            this.crcs.push(null);
            this.#state = "header";
            found = true;
            break;
          }
          if (sig === DATA_DESCRIPTOR) {
            if (i + 8 > buf.length) break;
            this.crcs.push(u32(buf, i + 4));
            i += 8;
            this.#state = "header";
            this.#seekHeader = true;
            found = true;
            break;
          }
        }
        if (!found) break;
        continue;
      }
      if (this.#seekHeader) {
        while (i + 4 <= buf.length && u32(buf, i) !== LOCAL_HEADER && u32(buf, i) !== CENTRAL_HEADER) i++;
        if (i + 4 > buf.length) break;
        this.#seekHeader = false;
      }
      if (i + 4 > buf.length) break;
      if (u32(buf, i) !== LOCAL_HEADER) {
        this.#state = "done";
        continue;
      }
      if (i + 30 > buf.length) break;
      const flags = u16(buf, i + 6);
      const nameLength = u16(buf, i + 26);
      const extraLength = u16(buf, i + 28);
      const dataStart = i + 30 + nameLength + extraLength;
      if (dataStart > buf.length) break;
      if (flags & 8) {
        this.#state = "descriptor";
      } else {
        this.crcs.push(u32(buf, i + 14));
        this.#skip = zip64Size(buf, i + 30 + nameLength, extraLength, u32(buf, i + 18), u32(buf, i + 22));
        this.#state = "skip";
      }
      i = dataStart;
    }
    this.#held = buf.slice(i);
  }
}

/** The compressed size, from the zip64 extra field when the 32-bit field says 0xFFFFFFFF. */
function zip64Size(d: Uint8Array, extra: number, extraLength: number, compressed: number, uncompressed: number): number {
  if (compressed !== 0xffffffff) return compressed;
  for (let p = extra; p + 4 <= extra + extraLength; p += 4 + u16(d, p + 2)) {
    // The zip64 record lists the uncompressed size first, then the compressed size, each only if its field overflowed.
    if (u16(d, p) === 1) return u64(d, p + 4 + (uncompressed === 0xffffffff ? 8 : 0));
  }
  throw new CorruptDataError("zip", "entry size 0xFFFFFFFF without a zip64 extra field", { offset: extra });
}
