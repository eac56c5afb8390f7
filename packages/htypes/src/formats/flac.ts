/**
 * FLAC STREAMINFO: sample rate, channels, bits per sample and the total sample count.
 * @module
 */
import { CorruptDataError, type DType } from "@shoal/core";
import type { MediaInfo } from "../types.ts";
import { id3v2Length } from "./id3.ts";

export function readFlacInfo(bytes: Uint8Array): MediaInfo {
  const start = id3v2Length(bytes);
  if (bytes.length < start + 42) throw new CorruptDataError("flac", `file too short for a STREAMINFO block (${bytes.length} bytes)`);
  if (String.fromCharCode(...bytes.subarray(start, start + 4)) !== "fLaC") throw new CorruptDataError("flac", "missing fLaC marker", { offset: start });
  const type = bytes[start + 4]! & 0x7f;
  const length = (bytes[start + 5]! << 16) | (bytes[start + 6]! << 8) | bytes[start + 7]!;
  if (type !== 0 || length !== 34) throw new CorruptDataError("flac", `first metadata block must be a 34-byte STREAMINFO, got type ${type} length ${length}`, { offset: start + 4 });
  const d = start + 8;
  const b = bytes.subarray(d + 10, d + 18);
  const sampleRate = (b[0]! << 12) | (b[1]! << 4) | (b[2]! >> 4);
  const channels = ((b[2]! >> 1) & 7) + 1;
  const bitsPerSample = (((b[2]! & 1) << 4) | (b[3]! >> 4)) + 1;
  const totalSamples = (b[3]! & 0x0f) * 2 ** 32 + ((b[4]! << 24) >>> 0) + (b[5]! << 16) + (b[6]! << 8) + b[7]!;
  if (sampleRate === 0) throw new CorruptDataError("flac", "sample rate 0 in STREAMINFO", { offset: d + 10 });
  const dtype: DType = bitsPerSample <= 8 ? "int8" : bitsPerSample <= 16 ? "int16" : "int32";
  return {
    compression: "flac",
    // A total of 0 means "unknown" in FLAC; keep the count unknown rather than claiming an empty stream.
    shape: totalSamples === 0 ? null : [totalSamples, channels],
    dtype,
    details: { sampleRate, channels, bitsPerSample, totalSamples, minBlockSize: (bytes[d]! << 8) | bytes[d + 1]!, maxBlockSize: (bytes[d + 2]! << 8) | bytes[d + 3]! },
  };
}
