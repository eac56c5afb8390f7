/**
 * The `jpeg` sample codec. Decodes baseline and progressive Huffman JPEG via jpeg-js to [height, width, 3] uint8
 * RGB (CMYK/YCCK are converted), or [height, width, 1] for grayscale files; encodes with our own baseline encoder.
 * @module
 */
import { CorruptDataError, type NDArray, UnsupportedError, ndarray } from "@shoal/core";
import jpegJs from "jpeg-js";
import { assertBytes } from "./bytes.ts";
import { type JpegEncodeOptions, JpegEncoder } from "./jpeg-encoder.ts";
import type { SampleCodec, SampleInfo } from "./types.ts";

export interface JpegHeader {
  width: number;
  height: number;
  components: number;
  /** Sample precision in bits (8 for everything jpeg-js decodes). */
  precision: number;
  progressive: boolean;
}

/** Parses markers up to the frame header (SOFn) without touching entropy-coded data. */
export function readJpegHeader(data: Uint8Array): JpegHeader {
  assertBytes(data, "jpeg.readInfo");
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) throw new CorruptDataError("jpeg", "missing SOI marker", { offset: 0 });
  let p = 2;
  while (p + 4 <= data.length) {
    if (data[p] !== 0xff) throw new CorruptDataError("jpeg", `expected a marker, found 0x${data[p]!.toString(16)}`, { offset: p });
    const marker = data[p + 1]!;
    // 0xFF fill bytes may precede a marker; standalone markers carry no length.
    if (marker === 0xff) {
      p++;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) throw new CorruptDataError("jpeg", "no frame header (SOF) before the scan", { offset: p });
    const length = (data[p + 2]! << 8) | data[p + 3]!;
    if (length < 2) throw new CorruptDataError("jpeg", `bad segment length ${length}`, { offset: p + 2 });
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (p + 10 > data.length) break;
      if (marker > 0xc2) throw new UnsupportedError("jpeg-sof", `[shoal] jpeg: SOF${marker - 0xc0} (lossless/arithmetic/hierarchical) JPEGs are not supported`);
      const header = {
        precision: data[p + 4]!,
        height: (data[p + 5]! << 8) | data[p + 6]!,
        width: (data[p + 7]! << 8) | data[p + 8]!,
        components: data[p + 9]!,
        progressive: marker === 0xc2,
      };
      if (header.width === 0 || header.height === 0) throw new CorruptDataError("jpeg", `zero image size ${header.width}x${header.height}`, { offset: p + 5 });
      if (![1, 3, 4].includes(header.components)) throw new CorruptDataError("jpeg", `unsupported component count ${header.components}`, { offset: p + 9 });
      return header;
    }
    p += 2 + length;
  }
  throw new CorruptDataError("jpeg", "truncated before the frame header (SOF)", { offset: data.length });
}

function infoOf(h: JpegHeader): SampleInfo {
  return { shape: [h.height, h.width, h.components === 1 ? 1 : 3], dtype: "uint8" };
}

/** Decodes a JPEG to an RGB (or single-channel) uint8 NDArray. */
export function jpegDecode(data: Uint8Array): NDArray<"uint8"> {
  const header = readJpegHeader(data);
  let rgb: Uint8Array;
  try {
    rgb = jpegJs.decode(data, { useTArray: true, formatAsRGBA: false }).data;
  } catch (e) {
    throw new CorruptDataError("jpeg", `decode failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const { width, height } = header;
  if (rgb.length !== width * height * 3) throw new CorruptDataError("jpeg", `decoder produced ${rgb.length} bytes for ${width}x${height}x3`);
  if (header.components !== 1) return ndarray("uint8", [height, width, 3], rgb);
  // jpeg-js expands gray to RGB; keep one channel so the shape matches the file.
  const gray = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < gray.length; i++, j += 3) gray[i] = rgb[j]!;
  return ndarray("uint8", [height, width, 1], gray);
}

let sharedEncoder: JpegEncoder | undefined;

/**
 * Encodes uint8 [h, w] or [h, w, 1] (grayscale), [h, w, 3] or [h, w, 4] (alpha dropped) as a baseline JPEG with
 * our own encoder; one shared instance keeps the tables of every quality used so far.
 */
export function jpegEncode(array: NDArray, opts: JpegEncodeOptions = {}): Uint8Array {
  sharedEncoder ??= new JpegEncoder();
  return sharedEncoder.encode(array, opts);
}

export const jpeg: SampleCodec = {
  kind: "sample",
  name: "jpeg",
  readInfo: (data) => infoOf(readJpegHeader(data)),
  decode: (data) => jpegDecode(data),
  encode: (array, opts) => jpegEncode(array, opts),
};
