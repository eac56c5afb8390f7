/**
 * `sampleFromBytes`: wraps a file's bytes as a CompressedSample, naming its format from magic bytes (the name
 * hint, e.g. a file name, only decides when the bytes carry no signature).
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { ALL_COMPRESSIONS, normalizeCompression } from "./compressions.ts";
import { mp3FrameAt } from "./formats/mp3.ts";
import type { CompressedSample } from "./types.ts";

const ascii = (b: Uint8Array, at: number, n: number): string => (b.length >= at + n ? String.fromCharCode(...b.subarray(at, at + n)) : "");

function niftiMagic(b: Uint8Array): boolean {
  if (b.length < 348) return false;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const size = v.getInt32(0, true);
  const sizeBE = v.getInt32(0, false);
  if (size === 348 || sizeBE === 348) return /^n(\+|i)1\0$/.test(ascii(b, 344, 4));
  if (size === 540 || sizeBE === 540) return /^n(\+|i)2\0$/.test(ascii(b, 4, 4));
  return false;
}

/** The compression a file's signature says, or undefined when it has none we know. */
export function sniffCompression(b: Uint8Array): string | undefined {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (ascii(b, 0, 8) === "\x89PNG\r\n\x1a\n") return "png";
  if (ascii(b, 0, 4) === "GIF8") return "gif";
  if (ascii(b, 0, 2) === "BM" && b.length >= 26) return "bmp";
  if (ascii(b, 0, 4) === "RIFF") {
    const form = ascii(b, 8, 4);
    if (form === "WEBP") return "webp";
    if (form === "WAVE") return "wav";
    if (form === "AVI ") return "avi";
  }
  if (ascii(b, 0, 4) === "II*\0" || ascii(b, 0, 4) === "MM\0*") return "tiff";
  if (ascii(b, 4, 8) === "jP  \r\n\x87\n" || (b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51)) return "jpeg2000";
  if (ascii(b, 0, 4) === "LASF") return "las";
  if (/^ply\r?\n/.test(ascii(b, 0, 5)) || ascii(b, 0, 4) === "ply\n") return "ply";
  if (ascii(b, 0, 4) === "fLaC") return "flac";
  if (ascii(b, 4, 4) === "ftyp") return "mp4";
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return "mkv";
  if (ascii(b, 128, 4) === "DICM") return "dcm";
  if (niftiMagic(b)) return "nii";
  // gzip is only a sample format here as .nii.gz; the header reader checks the volume inside.
  if (b[0] === 0x1f && b[1] === 0x8b) return "nii.gz";
  if (ascii(b, 0, 3) === "ID3") return flacAfterId3(b) ? "flac" : "mp3";
  if (mp3FrameAt(b, 0)) return "mp3";
  return undefined;
}

function flacAfterId3(b: Uint8Array): boolean {
  const size = ((b[6]! & 0x7f) << 21) | ((b[7]! & 0x7f) << 14) | ((b[8]! & 0x7f) << 7) | (b[9]! & 0x7f);
  return ascii(b, 10 + size, 4) === "fLaC";
}

function compressionFromName(nameHint: string): string | undefined {
  const lower = nameHint.toLowerCase();
  if (lower.endsWith(".nii.gz")) return "nii.gz";
  const ext = lower.includes(".") ? lower.slice(lower.lastIndexOf(".") + 1) : lower;
  try {
    return normalizeCompression(ext);
  } catch {
    return undefined;
  }
}

/**
 * A CompressedSample for a file's bytes (`read()` in Deep Lake). The format comes from the signature; `nameHint`
 * (a file name, extension or compression name) is used when there is none, e.g. headerless DICOM.
 */
export function sampleFromBytes(bytes: Uint8Array, nameHint?: string): CompressedSample {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`[shoal] sampleFromBytes: bytes must be a Uint8Array`);
  const compression = sniffCompression(bytes) ?? (nameHint === undefined ? undefined : compressionFromName(nameHint));
  if (!compression) {
    throw new InvalidArgumentError(
      `[shoal] sampleFromBytes: cannot tell the format of ${bytes.length} bytes${nameHint ? ` (hint ${JSON.stringify(nameHint)})` : ""}; known: ${ALL_COMPRESSIONS.join(", ")}`,
    );
  }
  return { bytes, compression };
}

/** True for the `{ bytes, compression }` objects `sampleFromBytes` returns. */
export function isCompressedSample(x: unknown): x is CompressedSample {
  return typeof x === "object" && x !== null && (x as CompressedSample).bytes instanceof Uint8Array && typeof (x as CompressedSample).compression === "string";
}
