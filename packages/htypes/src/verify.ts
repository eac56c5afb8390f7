/**
 * Cheap structural checks of compressed samples kept byte for byte (no decode): a file whose header is intact but
 * whose body is truncated or damaged is refused on append instead of failing on every later read.
 * PNG: every chunk's length fits and its CRC-32 matches, and IEND is present (no inflate). JPEG: SOI first, the
 * marker segments before the first SOS fit, and EOI ends the file. WAV: the `data` chunk fits in the file.
 * @module
 */
import { CorruptDataError } from "@shoal/core";
import { crc32 } from "@shoal/codecs";

const be32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const le32 = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
const tag = (b: Uint8Array, at: number): string => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

function verifyPng(b: Uint8Array): void {
  let at = 8;
  while (at + 12 <= b.length) {
    const length = be32(b, at);
    const type = tag(b, at + 4);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > b.length) throw new CorruptDataError("png", `chunk ${JSON.stringify(type)} of ${length} bytes runs past the end of the file (${b.length} bytes): truncated`, { offset: at });
    if (crc32(b.subarray(at + 4, at + 8 + length)) !== be32(b, at + 8 + length)) throw new CorruptDataError("png", `chunk ${JSON.stringify(type)} fails its CRC-32`, { offset: at });
    if (type === "IEND") return;
    at = end;
  }
  throw new CorruptDataError("png", "no IEND chunk: truncated", { offset: at });
}

function verifyJpeg(b: Uint8Array): void {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) throw new CorruptDataError("jpeg", "missing SOI marker", { offset: 0 });
  let at = 2;
  for (;;) {
    // Fill bytes (0xFF) may precede a marker.
    while (at < b.length && b[at] === 0xff && b[at + 1] === 0xff) at++;
    if (at + 4 > b.length || b[at] !== 0xff) throw new CorruptDataError("jpeg", "marker segments end before a SOS (start of scan) marker: truncated or not a JPEG", { offset: at });
    const marker = b[at + 1]!;
    if (marker === 0xd9) throw new CorruptDataError("jpeg", "EOI before any SOS (start of scan) marker", { offset: at });
    // Standalone markers (TEM, RST0-7) carry no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    if (length < 2 || at + 2 + length > b.length) throw new CorruptDataError("jpeg", `segment 0xFF${marker.toString(16).toUpperCase()} of ${length} bytes runs past the end of the file: truncated`, { offset: at });
    if (marker === 0xda) break;
    at += 2 + length;
  }
  // Writers may pad after EOI with zeros or fill bytes; nothing else may follow the scan data.
  let end = b.length;
  while (end > 2 && b[end - 1] === 0x00) end--;
  if (b[end - 2] !== 0xff || b[end - 1] !== 0xd9) throw new CorruptDataError("jpeg", "the file does not end with an EOI marker: truncated", { offset: end });
}

function verifyWav(b: Uint8Array): void {
  if (b.length < 12 || tag(b, 0) !== "RIFF" || tag(b, 8) !== "WAVE") throw new CorruptDataError("wav", "missing RIFF/WAVE header", { offset: 0 });
  let at = 12;
  while (at + 8 <= b.length) {
    const id = tag(b, at);
    const size = le32(b, at + 4);
    if (id === "data") {
      if (at + 8 + size > b.length) throw new CorruptDataError("wav", `data chunk declares ${size} bytes but the file holds ${b.length - at - 8}: truncated`, { offset: at });
      return;
    }
    at += 8 + size + (size & 1);
  }
  throw new CorruptDataError("wav", "no data chunk: truncated", { offset: at });
}

const VERIFIERS: Record<string, (bytes: Uint8Array) => void> = { png: verifyPng, jpeg: verifyJpeg, wav: verifyWav };

/** Throws CorruptDataError (with the byte offset) when a png/jpeg/wav file is structurally broken; other formats pass. */
export function verifyStructure(bytes: Uint8Array, compression: string): void {
  VERIFIERS[compression]?.(bytes);
}
