/**
 * The `wav` sample codec: RIFF/WAVE with PCM 8/16/24/32-bit or IEEE float 32/64 (plain or WAVE_FORMAT_EXTENSIBLE).
 * Decodes to [frames, channels]: 8-bit → uint8 (unsigned, as stored), 16 → int16, 24 → int32 (scaled to full
 * range, i.e. shifted left by 8, as soundfile does), 32 → int32, float → float32/float64.
 * @module
 */
import { CorruptDataError, type DType, InvalidArgumentError, type NDArray, ndarray, viewAs } from "@shoal/core";
import { assertBytes } from "./bytes.ts";
import type { SampleCodec, SampleInfo } from "./types.ts";

export interface WavHeader {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** 1 = integer PCM, 3 = IEEE float. */
  format: 1 | 3;
  frames: number;
  /** Byte offset and length of the sample data. */
  dataOffset: number;
  dataLength: number;
}

function tag(a: Uint8Array, i: number): string {
  return String.fromCharCode(a[i]!, a[i + 1]!, a[i + 2]!, a[i + 3]!);
}

/** Parses the RIFF header, the `fmt ` chunk and the location of the `data` chunk. */
export function readWavHeader(data: Uint8Array): WavHeader {
  assertBytes(data, "wav.readInfo");
  if (data.length < 12 || tag(data, 0) !== "RIFF" || tag(data, 8) !== "WAVE") throw new CorruptDataError("wav", "not a RIFF/WAVE file", { offset: 0 });
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let p = 12;
  let fmt: Omit<WavHeader, "frames" | "dataOffset" | "dataLength"> & { blockAlign: number } | undefined;
  while (p + 8 <= data.length) {
    const id = tag(data, p);
    const size = view.getUint32(p + 4, true);
    const body = p + 8;
    if (id === "fmt ") {
      if (size < 16 || body + 16 > data.length) throw new CorruptDataError("wav", "truncated fmt chunk", { offset: p });
      let format = view.getUint16(body, true);
      const channels = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const blockAlign = view.getUint16(body + 12, true);
      const bitsPerSample = view.getUint16(body + 14, true);
      if (format === 0xfffe) {
        if (size < 40 || body + 26 > data.length) throw new CorruptDataError("wav", "truncated WAVE_FORMAT_EXTENSIBLE fmt chunk", { offset: p });
        // The sub-format GUID starts with the plain format code.
        format = view.getUint16(body + 24, true);
      }
      if (format !== 1 && format !== 3) throw new CorruptDataError("wav", `unsupported format code ${format} (only PCM and IEEE float)`, { offset: body });
      const validBits = format === 1 ? [8, 16, 24, 32] : [32, 64];
      if (!validBits.includes(bitsPerSample)) throw new CorruptDataError("wav", `unsupported ${bitsPerSample}-bit ${format === 1 ? "PCM" : "float"}`, { offset: body + 14 });
      if (channels === 0 || blockAlign !== channels * (bitsPerSample / 8)) throw new CorruptDataError("wav", `inconsistent fmt chunk: ${channels} channels, block align ${blockAlign}`, { offset: body });
      fmt = { channels, sampleRate, bitsPerSample, format, blockAlign };
    } else if (id === "data") {
      if (!fmt) throw new CorruptDataError("wav", "data chunk before fmt chunk", { offset: p });
      const available = data.length - body;
      // Streaming writers leave the size as 0 or 0xFFFFFFFF; then the data runs to the end of the file.
      let length = size === 0xffffffff || size === 0 ? available : size;
      if (length > available) throw new CorruptDataError("wav", `data chunk announces ${size} bytes, only ${available} present`, { offset: p + 4 });
      length -= length % fmt.blockAlign;
      const { blockAlign: _, ...rest } = fmt;
      return { ...rest, frames: length / fmt.blockAlign, dataOffset: body, dataLength: length };
    }
    p = body + size + (size & 1);
  }
  throw new CorruptDataError("wav", fmt ? "no data chunk" : "no fmt chunk", { offset: data.length });
}

function dtypeOf(h: WavHeader): DType {
  if (h.format === 3) return h.bitsPerSample === 64 ? "float64" : "float32";
  return h.bitsPerSample === 8 ? "uint8" : h.bitsPerSample === 16 ? "int16" : "int32";
}

function infoOf(h: WavHeader): SampleInfo {
  return { shape: [h.frames, h.channels], dtype: dtypeOf(h) };
}

/** Decodes WAV samples to [frames, channels] (no copy when the data is aligned, except 24-bit). */
export function wavDecode(data: Uint8Array): NDArray {
  const h = readWavHeader(data);
  const bytes = data.subarray(h.dataOffset, h.dataOffset + h.dataLength);
  const shape = [h.frames, h.channels];
  const dtype = dtypeOf(h);
  if (h.bitsPerSample !== 24) return ndarray(dtype, shape, viewAs(dtype, bytes));
  const n = h.frames * h.channels;
  const out = new Int32Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 3) out[i] = (bytes[j]! << 8) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 24);
  return ndarray("int32", shape, out);
}

const BITS: Partial<Record<DType, [bits: number, format: 1 | 3]>> = {
  uint8: [8, 1],
  int16: [16, 1],
  int32: [32, 1],
  float32: [32, 3],
  float64: [64, 3],
};

/** Encodes [frames] or [frames, channels] of uint8/int16/int32/float32/float64 as a WAV file (default 44100 Hz). */
export function wavEncode(array: NDArray, opts: { sampleRate?: number } = {}): Uint8Array {
  const spec = BITS[array?.dtype];
  if (!spec) throw new InvalidArgumentError(`[shoal] wav.encode: dtype must be uint8, int16, int32, float32 or float64, got ${array?.dtype}`);
  const [bits, format] = spec;
  if (array.shape.length < 1 || array.shape.length > 2) throw new InvalidArgumentError(`[shoal] wav.encode: expected shape [frames] or [frames, channels], got [${array.shape.join(", ")}]`);
  const frames = array.shape[0]!;
  const channels = array.shape[1] ?? 1;
  const sampleRate = opts.sampleRate ?? 44100;
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) throw new InvalidArgumentError(`[shoal] wav.encode: sampleRate must be a positive integer, got ${sampleRate}`);
  if (channels < 1 || channels > 65535) throw new InvalidArgumentError(`[shoal] wav.encode: channels must be 1..65535, got ${channels}`);
  const blockAlign = channels * (bits / 8);
  const dataLength = frames * blockAlign;
  if (array.data?.byteLength !== dataLength) throw new InvalidArgumentError(`[shoal] wav.encode: data has ${array.data?.byteLength} bytes, shape needs ${dataLength}`);
  if (dataLength > 0xffffffff - 36) throw new InvalidArgumentError(`[shoal] wav.encode: ${dataLength} bytes of samples exceed the 4 GiB RIFF limit`);
  const out = new Uint8Array(44 + dataLength + (dataLength & 1));
  const v = new DataView(out.buffer);
  const ascii = (p: number, s: string): void => {
    for (let i = 0; i < 4; i++) out[p + i] = s.charCodeAt(i);
  };
  ascii(0, "RIFF");
  v.setUint32(4, out.length - 8, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, format, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * blockAlign, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, bits, true);
  ascii(36, "data");
  v.setUint32(40, dataLength, true);
  out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, dataLength), 44);
  return out;
}

export const wav: SampleCodec = {
  kind: "sample",
  name: "wav",
  readInfo: (data) => infoOf(readWavHeader(data)),
  decode: (data) => wavDecode(data),
  encode: (array, opts) => wavEncode(array, opts),
};
