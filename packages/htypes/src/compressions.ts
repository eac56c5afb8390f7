/**
 * Compression names, grouped as Deep Lake groups them (`compression.py`), with its aliases.
 * @module
 */
import { UnknownCompressionError } from "./errors.ts";

/** Whole-buffer byte codecs usable for any htype's arrays or text. Deep Lake writes only lz4. */
export const BYTE_COMPRESSIONS: readonly string[] = ["lz4"];
export const IMAGE_COMPRESSIONS: readonly string[] = [
  "bmp", "dib", "gif", "ico", "jpeg", "jpeg2000", "pcx", "png", "ppm", "sgi", "tga", "tiff",
  "webp", "wmf", "xbm", "eps", "fli", "im", "msp", "mpo",
];
export const VIDEO_COMPRESSIONS: readonly string[] = ["mp4", "mkv", "avi"];
export const AUDIO_COMPRESSIONS: readonly string[] = ["mp3", "flac", "wav"];
export const NIFTI_COMPRESSIONS: readonly string[] = ["nii", "nii.gz"];
export const POINT_CLOUD_COMPRESSIONS: readonly string[] = ["las"];
export const MESH_COMPRESSIONS: readonly string[] = ["ply"];
export const DICOM_COMPRESSIONS: readonly string[] = ["dcm"];

export const COMPRESSION_ALIASES: Readonly<Record<string, string>> = { jpg: "jpeg", tif: "tiff", jp2: "jpeg2000" };

export const ALL_COMPRESSIONS: readonly string[] = [
  ...BYTE_COMPRESSIONS, ...IMAGE_COMPRESSIONS, ...VIDEO_COMPRESSIONS, ...AUDIO_COMPRESSIONS,
  ...NIFTI_COMPRESSIONS, ...POINT_CLOUD_COMPRESSIONS, ...MESH_COMPRESSIONS, ...DICOM_COMPRESSIONS,
];

/** Canonical name of a compression (`"JPG"` → `"jpeg"`), or UnknownCompressionError. */
export function normalizeCompression(name: string): string {
  const lower = name.toLowerCase();
  const canonical = COMPRESSION_ALIASES[lower] ?? lower;
  if (!ALL_COMPRESSIONS.includes(canonical)) throw new UnknownCompressionError(name, ALL_COMPRESSIONS);
  return canonical;
}

export function isByteCompression(name: string): boolean {
  return BYTE_COMPRESSIONS.includes(name);
}

export function isImageCompression(name: string): boolean {
  return IMAGE_COMPRESSIONS.includes(name);
}
