/**
 * AVI main header (`avih`): frame count, width and height. Shape is `(frames, height, width, 3)`.
 * @module
 */
import { CorruptDataError } from "@shoal/core";
import type { MediaInfo } from "../types.ts";

const ascii = (b: Uint8Array, at: number): string => String.fromCharCode(...b.subarray(at, at + 4));

export function readAviInfo(bytes: Uint8Array): MediaInfo {
  if (bytes.length < 12 || ascii(bytes, 0) !== "RIFF" || ascii(bytes, 8) !== "AVI ") throw new CorruptDataError("avi", "missing RIFF/AVI header", { offset: 0 });
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 88 || ascii(bytes, 12) !== "LIST" || ascii(bytes, 20) !== "hdrl" || ascii(bytes, 24) !== "avih") {
    throw new CorruptDataError("avi", "first chunk is not LIST hdrl with avih", { offset: 12 });
  }
  if (v.getUint32(28, true) < 40) throw new CorruptDataError("avi", "avih chunk too short", { offset: 28 });
  const data = 32;
  const frames = v.getUint32(data + 16, true);
  const width = v.getUint32(data + 32, true);
  const height = v.getUint32(data + 36, true);
  const microsPerFrame = v.getUint32(data, true);
  return { compression: "avi", shape: [frames, height, width, 3], dtype: "uint8", details: { frames, width, height, microsPerFrame } };
}
