/**
 * `readMediaInfo`: header facts (shape, dtype) of a compressed sample, from the format readers in `formats/` or,
 * for png/jpeg/wav and plugin formats, from the codec's `readInfo`.
 * @module
 */
import { CorruptDataError, UnsupportedError, isShoalError } from "@shoal/core";
import { bytesCodec, hasCodec, sampleCodec } from "./codecs.ts";
import { normalizeCompression } from "./compressions.ts";
import { readAviInfo } from "./formats/avi.ts";
import { readDicomInfo } from "./formats/dicom.ts";
import { readFlacInfo } from "./formats/flac.ts";
import { readLasInfo } from "./formats/las.ts";
import { readMp3Info } from "./formats/mp3.ts";
import { readMp4Info } from "./formats/mp4.ts";
import { readNiftiInfo } from "./formats/nifti.ts";
import { readPlyInfo } from "./formats/ply.ts";
import type { FormatSupportEntry, MediaInfo } from "./types.ts";

const HEADER_READERS: Record<string, (bytes: Uint8Array) => MediaInfo> = {
  las: readLasInfo,
  ply: readPlyInfo,
  nii: (b) => readNiftiInfo(b, "nii"),
  dcm: readDicomInfo,
  mp3: readMp3Info,
  flac: readFlacInfo,
  mp4: readMp4Info,
  avi: readAviInfo,
};

/** For each sample format: how far shoal reads it. Formats absent here are accepted only through a registered codec. */
export const FORMAT_SUPPORT: Readonly<Record<string, FormatSupportEntry>> = Object.freeze({
  png: { level: "decode", reader: "@shoal/codecs png", reads: "[height, width, channels], uint8/uint16; full decode" },
  jpeg: { level: "decode", reader: "@shoal/codecs jpeg", reads: "[height, width, channels], uint8; full decode" },
  wav: { level: "decode", reader: "@shoal/codecs wav", reads: "[frames, channels], PCM dtype; full decode" },
  "nii.gz": { level: "header", reader: "formats/nifti.ts + gzip codec", reads: "dim → shape, datatype → dtype" },
  nii: { level: "header", reader: "formats/nifti.ts", reads: "NIfTI-1/2 dim → shape, datatype → dtype" },
  dcm: { level: "header", reader: "formats/dicom.ts", reads: "rows, columns, samples per pixel, frames, bits allocated (explicit/implicit VR)" },
  las: { level: "header", reader: "formats/las.ts", reads: "point count, point format → [points, fields]" },
  ply: { level: "header", reader: "formats/ply.ts", reads: "vertex/face counts, properties → [vertices, 3]" },
  mp3: { level: "header", reader: "formats/mp3.ts", reads: "sample rate, channels; samples by walking frame headers" },
  flac: { level: "header", reader: "formats/flac.ts", reads: "STREAMINFO: total samples, channels, bits per sample" },
  mp4: { level: "header", reader: "formats/mp4.ts", reads: "video track tkhd width/height, stsz frame count" },
  avi: { level: "header", reader: "formats/avi.ts", reads: "avih frame count, width, height" },
  mkv: { level: "bytes", reader: "EBML signature check", reads: "nothing: shape unknown (null)" },
});

function wrapHeaderError(compression: string, e: unknown): never {
  if (isShoalError(e)) throw e;
  // A reader indexing past a short buffer throws a RangeError from DataView: that is truncation, not a bug.
  throw new CorruptDataError(compression, `header could not be read: ${(e as Error).message}`, { cause: e });
}

/**
 * Shape, dtype and format details of a compressed sample, read from its header without decoding the payload.
 * CorruptDataError when the header is broken; UnsupportedError when no reader or codec knows the format.
 */
export async function readMediaInfo(bytes: Uint8Array, compression: string): Promise<MediaInfo> {
  const name = normalizeCompression(compression);
  const reader = HEADER_READERS[name];
  try {
    if (reader) return reader(bytes);
    if (name === "nii.gz") {
      const gzip = await bytesCodec("gzip");
      return readNiftiInfo(gzip.decode(bytes), "nii.gz");
    }
    if (name === "mkv") {
      if (!(bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)) throw new CorruptDataError("mkv", "missing EBML signature", { offset: 0 });
      return { compression: name, shape: null, dtype: "uint8", details: {} };
    }
  } catch (e) {
    wrapHeaderError(name, e);
  }
  if (!(await hasCodec(name))) {
    throw new UnsupportedError(name, `[shoal] no header reader or codec for ${name}; register one with registerCodec(${JSON.stringify(name)}, ...)`);
  }
  const codec = await sampleCodec(name);
  try {
    const info = codec.readInfo(bytes);
    return { compression: name, shape: [...info.shape], dtype: info.dtype, details: {} };
  } catch (e) {
    wrapHeaderError(name, e);
  }
}
