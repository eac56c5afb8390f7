/**
 * The `jpeg` sample codec: baseline and progressive Huffman JPEG via jpeg-js. Decodes to [height, width, 3]
 * uint8 RGB (CMYK/YCCK are converted), or [height, width, 1] for grayscale files.
 * @module
 */
import { CorruptDataError, InvalidArgumentError, type NDArray, UnsupportedError, ndarray } from "@shoal/core";
import jpegJs from "jpeg-js";
import { assertBytes } from "./bytes.ts";
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

/** Encodes uint8 [h, w], [h, w, 1], [h, w, 3] or [h, w, 4] (alpha dropped) as a baseline JPEG, quality 1..100 (default 90). */
export function jpegEncode(array: NDArray, opts: { quality?: number } = {}): Uint8Array {
  const quality = opts.quality ?? 90;
  if (typeof quality !== "number" || !(quality >= 1 && quality <= 100)) throw new InvalidArgumentError(`[shoal] jpeg.encode: quality must be 1..100, got ${String(quality)}`);
  if (array?.dtype !== "uint8") throw new InvalidArgumentError(`[shoal] jpeg.encode: expected a uint8 array, got ${array?.dtype}`);
  const [height = 0, width = 0, channels = 1] = array.shape;
  if (array.shape.length < 2 || array.shape.length > 3 || ![1, 3, 4].includes(channels) || height < 1 || width < 1 || height > 65535 || width > 65535) {
    throw new InvalidArgumentError(`[shoal] jpeg.encode: expected shape [h, w] or [h, w, 1|3|4] with 1..65535 pixels per side, got [${array.shape.join(", ")}]`);
  }
  const src = array.data as Uint8Array;
  if (src?.length !== height * width * channels) throw new InvalidArgumentError(`[shoal] jpeg.encode: data has ${src?.length} elements, shape [${array.shape.join(", ")}] needs ${height * width * channels}`);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; j < rgba.length; i += channels, j += 4) {
    const r = src[i]!;
    rgba[j] = r;
    rgba[j + 1] = channels === 1 ? r : src[i + 1]!;
    rgba[j + 2] = channels === 1 ? r : src[i + 2]!;
    rgba[j + 3] = 255;
  }
  const out = jpegJs.encode({ data: rgba, width, height }, quality).data;
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export const jpeg: SampleCodec = {
  kind: "sample",
  name: "jpeg",
  readInfo: (data) => infoOf(readJpegHeader(data)),
  decode: (data) => jpegDecode(data),
  encode: (array, opts) => jpegEncode(array, opts),
};
