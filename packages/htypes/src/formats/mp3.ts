/**
 * MPEG audio (mp3): sample rate and channels from the first frame header, and the sample count by walking every
 * frame header (each frame holds a fixed number of samples). A leading Xing/Info frame carries no audio and is
 * not counted.
 * @module
 */
import { CorruptDataError } from "@shoal/core";
import type { MediaInfo } from "../types.ts";
import { id3v2Length } from "./id3.ts";

const BITRATES: Record<string, number[]> = {
  "1-1": [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  "1-2": [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  "1-3": [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  "2-1": [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  "2-2": [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  "2-3": [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

export interface Mp3Frame {
  length: number;
  samples: number;
  sampleRate: number;
  channels: number;
  version: number;
  layer: number;
}

/** Parses the 4-byte header at `pos`, or returns undefined when it is not a valid frame header. */
export function mp3FrameAt(bytes: Uint8Array, pos: number): Mp3Frame | undefined {
  if (pos + 4 > bytes.length || bytes[pos] !== 0xff || (bytes[pos + 1]! & 0xe0) !== 0xe0) return undefined;
  const b1 = bytes[pos + 1]!;
  const b2 = bytes[pos + 2]!;
  const b3 = bytes[pos + 3]!;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const layer = 4 - layerBits;
  const mpeg1 = versionBits === 3;
  const bitrate = BITRATES[`${mpeg1 ? 1 : 2}-${layer}`]![bitrateIndex]! * 1000;
  const sampleRate = SAMPLE_RATES[versionBits]![rateIndex]!;
  const padding = (b2 >> 1) & 1;
  const channels = b3 >> 6 === 3 ? 1 : 2;
  let length: number;
  let samples: number;
  if (layer === 1) {
    length = (Math.floor((12 * bitrate) / sampleRate) + padding) * 4;
    samples = 384;
  } else {
    samples = layer === 3 && !mpeg1 ? 576 : 1152;
    length = Math.floor(((samples / 8) * bitrate) / sampleRate) + padding;
  }
  return { length, samples, sampleRate, channels, version: mpeg1 ? 1 : versionBits === 2 ? 2 : 2.5, layer };
}

function isXingFrame(bytes: Uint8Array, pos: number, frame: Mp3Frame): boolean {
  if (frame.layer !== 3) return false;
  const sideInfo = frame.version === 1 ? (frame.channels === 1 ? 17 : 32) : frame.channels === 1 ? 9 : 17;
  const at = pos + 4 + sideInfo;
  const tag = String.fromCharCode(...bytes.subarray(at, at + 4));
  return tag === "Xing" || tag === "Info";
}

/** A frame header whose successor is also a frame header (or the end): a lone 0xFFEx can occur in any data. */
function confirmedSync(bytes: Uint8Array, pos: number): boolean {
  const f = mp3FrameAt(bytes, pos);
  if (!f) return false;
  const next = pos + f.length;
  return next >= bytes.length || mp3FrameAt(bytes, next) !== undefined;
}

export function readMp3Info(bytes: Uint8Array): MediaInfo {
  let pos = id3v2Length(bytes);
  // Skip junk before the first frame, but only a little: a file with no frame near the start is not mp3.
  const searchEnd = Math.min(bytes.length, pos + 65536);
  while (pos < searchEnd && !confirmedSync(bytes, pos)) pos++;
  const first = mp3FrameAt(bytes, pos);
  if (!first) throw new CorruptDataError("mp3", "no MPEG audio frame header found", { offset: pos });
  let frames = 0;
  let samples = 0;
  let p = pos;
  if (isXingFrame(bytes, p, first)) p += first.length;
  for (;;) {
    const f = mp3FrameAt(bytes, p);
    if (!f || p + f.length > bytes.length) break;
    frames++;
    samples += f.samples;
    p += f.length;
  }
  return {
    compression: "mp3",
    shape: [samples, first.channels],
    dtype: "float32",
    details: { sampleRate: first.sampleRate, channels: first.channels, frames, mpegVersion: first.version, layer: first.layer, estimated: true },
  };
}
