/**
 * The `png` sample codec. Decoding uses upng-js; shapes are [height, width, channels] with gray 1, gray+alpha 2,
 * RGB 3, RGBA 4 and palette expanded to RGB (RGBA when it has transparency). 16-bit files give uint16 (PNG
 * stores them big-endian; values come out native). Sub-8-bit gray is scaled to 0..255. Encoding is done here
 * (upng-js's encoder always emits RGBA or a palette): one filter per row chosen by the usual minimum-sum
 * heuristic, then zlib via fflate.
 * @module
 */
import { CorruptDataError, InvalidArgumentError, type NDArray, ndarray } from "@shoal/core";
import { zlibSync } from "fflate";
import type { Image as UpngImage } from "upng-js";
import UPNG from "upng-js";
import { assertBytes } from "./bytes.ts";
import { crc32 } from "./checksums.ts";
import type { SampleCodec, SampleInfo } from "./types.ts";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };
const VALID_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
  /** Whether a tRNS chunk precedes the image data (turns a palette image into RGBA). */
  hasTransparency: boolean;
}

function read32(a: Uint8Array, i: number): number {
  return ((a[i]! << 24) | (a[i + 1]! << 16) | (a[i + 2]! << 8) | a[i + 3]!) >>> 0;
}

function typeAt(a: Uint8Array, i: number): string {
  return String.fromCharCode(a[i]!, a[i + 1]!, a[i + 2]!, a[i + 3]!);
}

/** Parses IHDR, then hops over chunk headers (no payloads) up to the first IDAT to see whether tRNS is present. */
export function readPngHeader(data: Uint8Array): PngHeader {
  assertBytes(data, "png.readInfo");
  for (let i = 0; i < 8; i++) if (data[i] !== SIGNATURE[i]) throw new CorruptDataError("png", "bad signature", { offset: i });
  if (data.length < 33 || read32(data, 8) !== 13 || typeAt(data, 12) !== "IHDR") throw new CorruptDataError("png", "missing IHDR chunk", { offset: 8 });
  const header: PngHeader = {
    width: read32(data, 16),
    height: read32(data, 20),
    bitDepth: data[24]!,
    colorType: data[25]!,
    interlaced: data[28] === 1,
    hasTransparency: false,
  };
  if (crc32(data.subarray(12, 29)) !== read32(data, 29)) throw new CorruptDataError("png", "IHDR CRC mismatch", { offset: 29 });
  if (header.width === 0 || header.height === 0) throw new CorruptDataError("png", `zero image size ${header.width}x${header.height}`, { offset: 16 });
  if (!VALID_DEPTHS[header.colorType]?.includes(header.bitDepth)) {
    throw new CorruptDataError("png", `invalid bit depth ${header.bitDepth} for color type ${header.colorType}`, { offset: 24 });
  }
  let p = 33;
  while (p + 8 <= data.length) {
    const type = typeAt(data, p + 4);
    if (type === "IDAT" || type === "IEND") break;
    if (type === "tRNS") header.hasTransparency = true;
    p += 12 + read32(data, p);
  }
  return header;
}

function channelsOf(h: PngHeader): number {
  return h.colorType === 3 && h.hasTransparency ? 4 : CHANNELS[h.colorType]!;
}

function infoOf(h: PngHeader): SampleInfo {
  return { shape: [h.height, h.width, channelsOf(h)], dtype: h.bitDepth === 16 ? "uint16" : "uint8" };
}

/** zlib's deflate expands at most ~1032:1, so image data can never inflate past this many bytes per stored byte. */
const MAX_INFLATE_RATIO = 1040;

/**
 * Walks every chunk up to IEND before anything is decoded: each declared length must fit in the file (upng-js
 * trusts them and loops over a 4 GiB "IDAT" byte by byte), and the size the header declares must be reachable from
 * the IDAT bytes present, so a forged width × height is refused before its buffer is allocated.
 */
function checkChunks(data: Uint8Array, h: PngHeader): void {
  let p = 33;
  let idat = 0;
  for (;;) {
    if (p + 12 > data.length) throw new CorruptDataError("png", "truncated: no IEND chunk", { offset: p });
    const len = read32(data, p);
    const type = typeAt(data, p + 4);
    if (p + 12 + len > data.length) throw new CorruptDataError("png", `chunk ${JSON.stringify(type)} declares ${len} bytes but the file holds ${data.length - p - 12}`, { offset: p });
    if (type === "IDAT") idat += len;
    if (type === "IEND") break;
    p += 12 + len;
  }
  // A lower bound of the inflated scanlines (pixel bits alone, no filter bytes), true for interlaced files too.
  const raw = Math.floor((h.width * h.height * h.bitDepth * CHANNELS[h.colorType]!) / 8);
  if (raw > idat * MAX_INFLATE_RATIO + 1024) {
    throw new CorruptDataError("png", `header declares ${h.width}x${h.height} (at least ${raw} bytes of pixels) but ${idat} bytes of image data cannot inflate to that`, { offset: 16 });
  }
}

/** Decodes a PNG (first frame of an APNG) to a uint8 or uint16 NDArray. */
export function pngDecode(data: Uint8Array): NDArray<"uint8" | "uint16"> {
  const header = readPngHeader(data);
  checkChunks(data, header);
  const { width, height, bitDepth, colorType } = header;
  const channels = channelsOf(header);
  let image: UpngImage;
  try {
    image = UPNG.decode(data as unknown as ArrayBuffer);
  } catch (e) {
    throw new CorruptDataError("png", `decode failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const raw = image.data as unknown as Uint8Array | undefined;
  const pixels = width * height * channels;
  if (!(raw instanceof Uint8Array)) throw new CorruptDataError("png", "truncated: no image data before the end of the input", { offset: data.length });
  if (bitDepth === 16) {
    if (raw.length < pixels * 2) throw new CorruptDataError("png", `image data has ${raw.length} bytes, needs ${pixels * 2}`);
    const out = new Uint16Array(pixels);
    for (let i = 0, j = 0; i < pixels; i++, j += 2) out[i] = (raw[j]! << 8) | raw[j + 1]!;
    return ndarray("uint16", [height, width, channels], out);
  }
  if (bitDepth === 8 && colorType !== 3) {
    if (raw.length < pixels) throw new CorruptDataError("png", `image data has ${raw.length} bytes, needs ${pixels}`);
    return ndarray("uint8", [height, width, channels], raw.length === pixels ? raw : raw.subarray(0, pixels));
  }
  // Palette and sub-8-bit gray: let upng expand to RGBA8, then keep the channels the file has.
  let rgba: Uint8Array;
  try {
    const frame = UPNG.toRGBA8(image)[0];
    if (!frame) throw new Error("no frame");
    rgba = new Uint8Array(frame);
  } catch (e) {
    throw new CorruptDataError("png", `expanding pixels failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (rgba.length < width * height * 4) throw new CorruptDataError("png", `image data too short for ${width}x${height}`);
  if (channels === 4) return ndarray("uint8", [height, width, 4], rgba.length === pixels ? rgba : rgba.subarray(0, pixels));
  const out = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i += channels, j += 4) {
    for (let c = 0; c < channels; c++) out[i + c] = rgba[j + c]!;
  }
  return ndarray("uint8", [height, width, channels], out);
}

const COLOR_TYPE_OF_CHANNELS: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };

function writeChunk(out: Uint8Array, p: number, type: string, payload: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(p, payload.length);
  for (let i = 0; i < 4; i++) out[p + 4 + i] = type.charCodeAt(i);
  out.set(payload, p + 8);
  view.setUint32(p + 8 + payload.length, crc32(out.subarray(p + 4, p + 8 + payload.length)));
  return p + 12 + payload.length;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Filters every row with each of the 5 PNG filters and keeps the one with the smallest sum of |signed bytes|. */
function filterRows(raw: Uint8Array, height: number, rowBytes: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * (rowBytes + 1));
  const candidate = new Uint8Array(rowBytes);
  const zero = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const row = raw.subarray(y * rowBytes, (y + 1) * rowBytes);
    const prev = y > 0 ? raw.subarray((y - 1) * rowBytes, y * rowBytes) : zero;
    let bestSum = Number.POSITIVE_INFINITY;
    const dst = y * (rowBytes + 1);
    for (let f = 0; f < 5; f++) {
      let sum = 0;
      for (let i = 0; i < rowBytes; i++) {
        const a = i >= bpp ? row[i - bpp]! : 0;
        const b = prev[i]!;
        const c = i >= bpp ? prev[i - bpp]! : 0;
        const x = row[i]!;
        const v = (f === 0 ? x : f === 1 ? x - a : f === 2 ? x - b : f === 3 ? x - ((a + b) >>> 1) : x - paeth(a, b, c)) & 0xff;
        candidate[i] = v;
        sum += v < 128 ? v : 256 - v;
      }
      if (sum < bestSum) {
        bestSum = sum;
        out[dst] = f;
        out.set(candidate, dst + 1);
      }
    }
  }
  return out;
}

/** Encodes uint8 or uint16 [h, w] or [h, w, 1|2|3|4] as a non-interlaced PNG; `level` 0..9 is the zlib level (default 6). */
export function pngEncode(array: NDArray, opts: { level?: number } = {}): Uint8Array {
  if (array?.dtype !== "uint8" && array?.dtype !== "uint16") throw new InvalidArgumentError(`[shoal] png.encode: expected uint8 or uint16, got ${array?.dtype}`);
  const [height = 0, width = 0, channels = 1] = array.shape;
  const colorType = COLOR_TYPE_OF_CHANNELS[channels];
  if (array.shape.length < 2 || array.shape.length > 3 || colorType === undefined || height < 1 || width < 1 || height > 0x7fffffff || width > 0x7fffffff) {
    throw new InvalidArgumentError(`[shoal] png.encode: expected shape [h, w] or [h, w, 1|2|3|4], got [${array.shape.join(", ")}]`);
  }
  if (array.data?.length !== height * width * channels) throw new InvalidArgumentError(`[shoal] png.encode: data has ${array.data?.length} elements, shape [${array.shape.join(", ")}] needs ${height * width * channels}`);
  const level = opts.level ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new InvalidArgumentError(`[shoal] png.encode: level must be 0..9, got ${level}`);
  const depth = array.dtype === "uint16" ? 16 : 8;
  const bpp = channels * (depth / 8);
  let raw: Uint8Array;
  if (depth === 8) {
    raw = array.data as Uint8Array;
  } else {
    const src = array.data as Uint16Array;
    raw = new Uint8Array(src.length * 2);
    for (let i = 0, j = 0; i < src.length; i++, j += 2) {
      raw[j] = src[i]! >>> 8;
      raw[j + 1] = src[i]! & 0xff;
    }
  }
  const idat = zlibSync(filterRows(raw, height, width * bpp, bpp), { level: level as 0 });
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = depth;
  ihdr[9] = colorType;
  const out = new Uint8Array(8 + 25 + 12 + idat.length + 12);
  out.set(SIGNATURE, 0);
  let p = writeChunk(out, 8, "IHDR", ihdr);
  p = writeChunk(out, p, "IDAT", idat);
  writeChunk(out, p, "IEND", new Uint8Array(0));
  return out;
}

export const png: SampleCodec = {
  kind: "sample",
  name: "png",
  readInfo: (data) => infoOf(readPngHeader(data)),
  decode: (data) => pngDecode(data),
  encode: (array, opts) => pngEncode(array, opts),
};
