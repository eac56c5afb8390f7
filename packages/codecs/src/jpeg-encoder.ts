/**
 * A baseline sequential JPEG encoder (ITU T.81: 8-bit DCT, Huffman, Annex K tables) on typed arrays. One
 * `JpegEncoder` keeps its quantisation tables per quality, its Huffman tables, colour planes and output buffer,
 * so encoding thousands of images pays table setup once and allocates only the returned bytes.
 * @module
 */
import { InvalidArgumentError, type NDArray } from "@shoal/core";
import {
  AC_CHROMA,
  AC_LUMA,
  CHROMA_QUANT,
  DC_CHROMA,
  DC_LUMA,
  type HuffmanCodes,
  type HuffmanSpec,
  LUMA_QUANT,
  ZIGZAG,
  huffmanCodes,
  scaledQuantTable,
} from "./jpeg-tables.ts";

export type ChromaSubsampling = "4:2:0" | "4:4:4";

export interface JpegEncodeOptions {
  /** Integer 1..100 scaling the Annex K tables as libjpeg does; default 90. */
  quality?: number;
  /** Colour input only: "4:2:0" (default, as libjpeg and Pillow) halves chroma both ways, "4:4:4" keeps it. */
  subsampling?: ChromaSubsampling;
  /** MCUs between restart markers (lets a decoder resynchronise after damage); 0 (default) writes none. */
  restartInterval?: number;
}

/** Quantisation for one quality: the DQT bytes (zigzag order) and, per row-major index, 1 / (step × AAN scale). */
interface QuantTables {
  lumaZigzag: Uint8Array;
  chromaZigzag: Uint8Array;
  lumaScale: Float32Array;
  chromaScale: Float32Array;
}

/**
 * The AAN DCT leaves coefficient (u, v) multiplied by s[u]·s[v]·8 with s[0] = 1, s[k] = √2·cos(kπ/16); folding
 * that into the quantiser costs nothing per block.
 */
const AAN_SCALE = new Float64Array(8).map((_, k) => (k === 0 ? 1 : Math.SQRT2 * Math.cos((k * Math.PI) / 16)));

/** Worst case of one Huffman-coded block: 64 codes of at most 16 + 11 bits, every byte stuffed. */
const BLOCK_WORST_BYTES = 440;

let huffman: { dcLuma: HuffmanCodes; acLuma: HuffmanCodes; dcChroma: HuffmanCodes; acChroma: HuffmanCodes } | undefined;

function huffmanTables(): NonNullable<typeof huffman> {
  huffman ??= { dcLuma: huffmanCodes(DC_LUMA), acLuma: huffmanCodes(AC_LUMA), dcChroma: huffmanCodes(DC_CHROMA), acChroma: huffmanCodes(AC_CHROMA) };
  return huffman;
}

function quantTables(quality: number): QuantTables {
  const luma = scaledQuantTable(LUMA_QUANT, quality);
  const chroma = scaledQuantTable(CHROMA_QUANT, quality);
  const lumaZigzag = new Uint8Array(64);
  const chromaZigzag = new Uint8Array(64);
  const lumaScale = new Float32Array(64);
  const chromaScale = new Float32Array(64);
  for (let k = 0; k < 64; k++) {
    lumaZigzag[k] = luma[ZIGZAG[k]!]!;
    chromaZigzag[k] = chroma[ZIGZAG[k]!]!;
  }
  for (let i = 0; i < 64; i++) {
    const aan = AAN_SCALE[i >> 3]! * AAN_SCALE[i & 7]! * 8;
    lumaScale[i] = 1 / (luma[i]! * aan);
    chromaScale[i] = 1 / (chroma[i]! * aan);
  }
  return { lumaZigzag, chromaZigzag, lumaScale, chromaScale };
}

interface Settings {
  quality: number;
  subsampling: ChromaSubsampling;
  restartInterval: number;
}

interface Checked extends Settings {
  height: number;
  width: number;
  channels: number;
  subsampled: boolean;
}

function checkOptions(where: string, opts: JpegEncodeOptions): Settings {
  const quality = opts.quality ?? 90;
  if (typeof quality !== "number" || !Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new InvalidArgumentError(`[shoal] ${where}: quality must be an integer 1..100, got ${String(quality)}`);
  }
  const subsampling = opts.subsampling ?? "4:2:0";
  if (subsampling !== "4:2:0" && subsampling !== "4:4:4") {
    throw new InvalidArgumentError(`[shoal] ${where}: subsampling must be "4:2:0" or "4:4:4", got ${JSON.stringify(subsampling)}`);
  }
  const restartInterval = opts.restartInterval ?? 0;
  if (typeof restartInterval !== "number" || !Number.isInteger(restartInterval) || restartInterval < 0 || restartInterval > 65535) {
    throw new InvalidArgumentError(`[shoal] ${where}: restartInterval must be an integer 0..65535, got ${String(restartInterval)}`);
  }
  return { quality, subsampling, restartInterval };
}

function checkImage(where: string, image: NDArray, settings: Settings): Checked {
  if (image?.dtype !== "uint8") throw new InvalidArgumentError(`[shoal] ${where}: expected a uint8 array, got ${image?.dtype}`);
  const shape = image.shape;
  const [height = 0, width = 0, channels = 1] = shape;
  if (shape.length < 2 || shape.length > 3 || ![1, 3, 4].includes(channels) || !(height >= 1 && height <= 65535) || !(width >= 1 && width <= 65535)) {
    throw new InvalidArgumentError(`[shoal] ${where}: expected shape [h, w] or [h, w, 1|3|4] with 1..65535 pixels per side, got [${shape.join(", ")}]`);
  }
  const data = image.data;
  if (!(data instanceof Uint8Array) || data.length !== height * width * channels) {
    throw new InvalidArgumentError(`[shoal] ${where}: data must be a Uint8Array of ${height * width * channels} elements for shape [${shape.join(", ")}], got ${data?.length}`);
  }
  return { ...settings, height, width, channels, subsampled: channels !== 1 && settings.subsampling === "4:2:0" };
}

/**
 * Encodes uint8 images as baseline JPEG, reusing its tables and buffers between calls (not safe to share between
 * concurrent workers; make one per worker).
 * @example
 * const encoder = new JpegEncoder({ quality: 90 });
 * const bytes = encoder.encode({ dtype: "uint8", shape: [224, 224, 3], data: pixels });
 */
export class JpegEncoder {
  readonly #defaults: JpegEncodeOptions;
  readonly #quant = new Map<number, QuantTables>();
  #y = new Float32Array(0);
  #cb = new Float32Array(0);
  #cr = new Float32Array(0);
  readonly #block = new Float32Array(64);
  readonly #coefficients = new Int32Array(64);
  #out = new Uint8Array(1 << 16);
  #pos = 0;
  /** Pending bits, the newest in the low `#bitCount` bits. */
  #bits = 0;
  #bitCount = 0;

  /** `defaults` apply to every `encode` call unless that call overrides them. */
  constructor(defaults: JpegEncodeOptions = {}) {
    checkOptions("JpegEncoder", defaults);
    this.#defaults = { ...defaults };
  }

  /**
   * A JFIF file of `image`: uint8 [h, w] or [h, w, 1] → 1-component grayscale, [h, w, 3] RGB or [h, w, 4] RGBA
   * (alpha dropped) → YCbCr. Bad input → InvalidArgumentError.
   */
  encode(image: NDArray, opts: JpegEncodeOptions = {}): Uint8Array {
    const c = checkImage("jpeg.encode", image, checkOptions("jpeg.encode", {
      quality: opts.quality ?? this.#defaults.quality,
      subsampling: opts.subsampling ?? this.#defaults.subsampling,
      restartInterval: opts.restartInterval ?? this.#defaults.restartInterval,
    }));
    let tables = this.#quant.get(c.quality);
    if (!tables) {
      tables = quantTables(c.quality);
      this.#quant.set(c.quality, tables);
    }
    const gray = c.channels === 1;
    const mcuSize = c.subsampled ? 16 : 8;
    const mcusX = Math.ceil(c.width / mcuSize);
    const mcusY = Math.ceil(c.height / mcuSize);
    const stride = mcusX * mcuSize;
    this.#toPlanes(image.data as Uint8Array, c, stride, mcusY * mcuSize);
    this.#pos = 0;
    this.#bits = 0;
    this.#bitCount = 0;
    this.#reserve(1024);
    this.#writeHeaders(c, tables);
    const blocksPerMcu = gray ? 1 : c.subsampled ? 6 : 3;
    const { dcLuma, acLuma, dcChroma, acChroma } = huffmanTables();
    const y = this.#y;
    const cb = this.#cb;
    const cr = this.#cr;
    let predY = 0;
    let predCb = 0;
    let predCr = 0;
    let restartsLeft = c.restartInterval;
    let marker = 0;
    for (let my = 0; my < mcusY; my++) {
      for (let mx = 0; mx < mcusX; mx++) {
        if (c.restartInterval > 0) {
          if (restartsLeft === 0) {
            this.#restart(marker);
            marker = (marker + 1) & 7;
            restartsLeft = c.restartInterval;
            predY = predCb = predCr = 0;
          }
          restartsLeft--;
        }
        this.#reserve(blocksPerMcu * BLOCK_WORST_BYTES + 2);
        const x0 = mx * mcuSize;
        const y0 = my * mcuSize;
        if (gray) {
          predY = this.#codeBlock(y, stride, x0, y0, false, tables.lumaScale, predY, dcLuma, acLuma);
        } else if (c.subsampled) {
          predY = this.#codeBlock(y, stride, x0, y0, false, tables.lumaScale, predY, dcLuma, acLuma);
          predY = this.#codeBlock(y, stride, x0 + 8, y0, false, tables.lumaScale, predY, dcLuma, acLuma);
          predY = this.#codeBlock(y, stride, x0, y0 + 8, false, tables.lumaScale, predY, dcLuma, acLuma);
          predY = this.#codeBlock(y, stride, x0 + 8, y0 + 8, false, tables.lumaScale, predY, dcLuma, acLuma);
          predCb = this.#codeBlock(cb, stride, x0, y0, true, tables.chromaScale, predCb, dcChroma, acChroma);
          predCr = this.#codeBlock(cr, stride, x0, y0, true, tables.chromaScale, predCr, dcChroma, acChroma);
        } else {
          predY = this.#codeBlock(y, stride, x0, y0, false, tables.lumaScale, predY, dcLuma, acLuma);
          predCb = this.#codeBlock(cb, stride, x0, y0, false, tables.chromaScale, predCb, dcChroma, acChroma);
          predCr = this.#codeBlock(cr, stride, x0, y0, false, tables.chromaScale, predCr, dcChroma, acChroma);
        }
      }
    }
    this.#flushBits();
    this.#reserve(2);
    this.#out[this.#pos++] = 0xff;
    this.#out[this.#pos++] = 0xd9;
    return this.#out.slice(0, this.#pos);
  }

  /**
   * Level-shifted planes (value − 128) of size stride × rows, edges replicated into the padding so partial MCUs
   * do not ring. Colour goes through the JFIF RGB → YCbCr matrix; chroma stays full size (4:2:0 averages later).
   */
  #toPlanes(src: Uint8Array, c: Checked, stride: number, rows: number): void {
    const size = stride * rows;
    const gray = c.channels === 1;
    if (this.#y.length < size) this.#y = new Float32Array(size);
    if (!gray && this.#cb.length < size) {
      this.#cb = new Float32Array(size);
      this.#cr = new Float32Array(size);
    }
    const { width, height, channels } = c;
    const y = this.#y;
    const cb = this.#cb;
    const cr = this.#cr;
    for (let row = 0; row < height; row++) {
      let s = row * width * channels;
      let d = row * stride;
      const end = d + width;
      if (gray) {
        for (; d < end; d++, s++) y[d] = src[s]! - 128;
      } else {
        for (; d < end; d++, s += channels) {
          const r = src[s]!;
          const g = src[s + 1]!;
          const b = src[s + 2]!;
          y[d] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
          cb[d] = -0.168736 * r - 0.331264 * g + 0.5 * b;
          cr[d] = 0.5 * r - 0.418688 * g - 0.081312 * b;
        }
      }
      const last = d - 1;
      const rowEnd = row * stride + stride;
      if (d < rowEnd) {
        y.fill(y[last]!, d, rowEnd);
        if (!gray) {
          cb.fill(cb[last]!, d, rowEnd);
          cr.fill(cr[last]!, d, rowEnd);
        }
      }
    }
    const lastRow = (height - 1) * stride;
    for (let row = height; row < rows; row++) {
      y.copyWithin(row * stride, lastRow, lastRow + stride);
      if (!gray) {
        cb.copyWithin(row * stride, lastRow, lastRow + stride);
        cr.copyWithin(row * stride, lastRow, lastRow + stride);
      }
    }
  }

  /**
   * Transforms, quantises and Huffman-codes the 8×8 block at (x0, y0) of `plane` (with `half`, the 16×16 area
   * there averaged 2×2); returns the block's DC value, the next prediction.
   */
  #codeBlock(plane: Float32Array, stride: number, x0: number, y0: number, half: boolean, scale: Float32Array, pred: number, dc: HuffmanCodes, ac: HuffmanCodes): number {
    const blk = this.#block;
    // Pass 1: load each row and run the 1-D AAN DCT along it.
    for (let r = 0; r < 8; r++) {
      let d0: number, d1: number, d2: number, d3: number, d4: number, d5: number, d6: number, d7: number;
      if (half) {
        const a = (y0 + 2 * r) * stride + x0;
        const b = a + stride;
        d0 = (plane[a]! + plane[a + 1]! + plane[b]! + plane[b + 1]!) * 0.25;
        d1 = (plane[a + 2]! + plane[a + 3]! + plane[b + 2]! + plane[b + 3]!) * 0.25;
        d2 = (plane[a + 4]! + plane[a + 5]! + plane[b + 4]! + plane[b + 5]!) * 0.25;
        d3 = (plane[a + 6]! + plane[a + 7]! + plane[b + 6]! + plane[b + 7]!) * 0.25;
        d4 = (plane[a + 8]! + plane[a + 9]! + plane[b + 8]! + plane[b + 9]!) * 0.25;
        d5 = (plane[a + 10]! + plane[a + 11]! + plane[b + 10]! + plane[b + 11]!) * 0.25;
        d6 = (plane[a + 12]! + plane[a + 13]! + plane[b + 12]! + plane[b + 13]!) * 0.25;
        d7 = (plane[a + 14]! + plane[a + 15]! + plane[b + 14]! + plane[b + 15]!) * 0.25;
      } else {
        const a = (y0 + r) * stride + x0;
        d0 = plane[a]!;
        d1 = plane[a + 1]!;
        d2 = plane[a + 2]!;
        d3 = plane[a + 3]!;
        d4 = plane[a + 4]!;
        d5 = plane[a + 5]!;
        d6 = plane[a + 6]!;
        d7 = plane[a + 7]!;
      }
      dct8(blk, r * 8, 1, d0, d1, d2, d3, d4, d5, d6, d7);
    }
    // Pass 2: columns, in place.
    for (let col = 0; col < 8; col++) {
      dct8(blk, col, 8, blk[col]!, blk[col + 8]!, blk[col + 16]!, blk[col + 24]!, blk[col + 32]!, blk[col + 40]!, blk[col + 48]!, blk[col + 56]!);
    }
    // Quantise into zigzag order, noting the last non-zero coefficient so trailing zeros become one EOB.
    const zz = this.#coefficients;
    let last = 0;
    for (let k = 0; k < 64; k++) {
      const i = ZIGZAG[k]!;
      const q = Math.round(blk[i]! * scale[i]!);
      zz[k] = q;
      if (q !== 0) last = k;
    }

    // Entropy coding with the bit writer held in locals.
    const out = this.#out;
    let pos = this.#pos;
    let bits = this.#bits;
    let count = this.#bitCount;
    const dcValue = zz[0]!;
    const diff = dcValue - pred;
    let magnitude = diff < 0 ? -diff : diff;
    let category = magnitude === 0 ? 0 : 32 - Math.clz32(magnitude);
    // A code (≤ 16 bits) then the category's extra bits (≤ 11): two writes keep `bits` within 32 bits.
    bits = (bits << dc.size[category]!) | dc.code[category]!;
    count += dc.size[category]!;
    while (count >= 8) {
      count -= 8;
      const byte = (bits >>> count) & 0xff;
      out[pos++] = byte;
      if (byte === 0xff) out[pos++] = 0;
    }
    if (category > 0) {
      bits = (bits << category) | ((diff < 0 ? diff - 1 : diff) & ((1 << category) - 1));
      count += category;
      while (count >= 8) {
        count -= 8;
        const byte = (bits >>> count) & 0xff;
        out[pos++] = byte;
        if (byte === 0xff) out[pos++] = 0;
      }
    }
    const acCode = ac.code;
    const acSize = ac.size;
    let run = 0;
    for (let k = 1; k <= last; k++) {
      const v = zz[k]!;
      if (v === 0) {
        run++;
        continue;
      }
      while (run > 15) {
        // ZRL: sixteen zeros.
        bits = (bits << acSize[0xf0]!) | acCode[0xf0]!;
        count += acSize[0xf0]!;
        while (count >= 8) {
          count -= 8;
          const byte = (bits >>> count) & 0xff;
          out[pos++] = byte;
          if (byte === 0xff) out[pos++] = 0;
        }
        run -= 16;
      }
      magnitude = v < 0 ? -v : v;
      category = 32 - Math.clz32(magnitude);
      const symbol = (run << 4) | category;
      bits = (bits << acSize[symbol]!) | acCode[symbol]!;
      count += acSize[symbol]!;
      while (count >= 8) {
        count -= 8;
        const byte = (bits >>> count) & 0xff;
        out[pos++] = byte;
        if (byte === 0xff) out[pos++] = 0;
      }
      bits = (bits << category) | ((v < 0 ? v - 1 : v) & ((1 << category) - 1));
      count += category;
      while (count >= 8) {
        count -= 8;
        const byte = (bits >>> count) & 0xff;
        out[pos++] = byte;
        if (byte === 0xff) out[pos++] = 0;
      }
      run = 0;
    }
    if (last < 63) {
      bits = (bits << acSize[0]!) | acCode[0]!;
      count += acSize[0]!;
      while (count >= 8) {
        count -= 8;
        const byte = (bits >>> count) & 0xff;
        out[pos++] = byte;
        if (byte === 0xff) out[pos++] = 0;
      }
    }
    this.#pos = pos;
    this.#bits = bits;
    this.#bitCount = count;
    return dcValue;
  }

  /** Pads the last byte with 1-bits (F.1.2.3), so the entropy-coded segment ends on a byte boundary. */
  #flushBits(): void {
    if (this.#bitCount > 0) {
      const pad = 8 - this.#bitCount;
      const byte = ((this.#bits << pad) | ((1 << pad) - 1)) & 0xff;
      this.#out[this.#pos++] = byte;
      if (byte === 0xff) this.#out[this.#pos++] = 0;
    }
    this.#bits = 0;
    this.#bitCount = 0;
  }

  #restart(marker: number): void {
    this.#reserve(4);
    this.#flushBits();
    this.#out[this.#pos++] = 0xff;
    this.#out[this.#pos++] = 0xd0 + marker;
  }

  /** Grows the output buffer so `n` more bytes fit. */
  #reserve(n: number): void {
    if (this.#pos + n <= this.#out.length) return;
    const grown = new Uint8Array(Math.max(this.#out.length * 2, this.#pos + n));
    grown.set(this.#out.subarray(0, this.#pos));
    this.#out = grown;
  }

  #bytes(values: ArrayLike<number>): void {
    this.#out.set(values, this.#pos);
    this.#pos += values.length;
  }

  #u16(v: number): void {
    this.#out[this.#pos++] = v >>> 8;
    this.#out[this.#pos++] = v & 0xff;
  }

  #marker(code: number, length: number): void {
    this.#out[this.#pos++] = 0xff;
    this.#out[this.#pos++] = code;
    this.#u16(length);
  }

  #writeHeaders(c: Checked, tables: QuantTables): void {
    const gray = c.channels === 1;
    this.#bytes([0xff, 0xd8]);
    // APP0 JFIF 1.01, no density, no thumbnail: tells decoders the components are YCbCr (or gray).
    this.#marker(0xe0, 16);
    this.#bytes([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
    this.#marker(0xdb, gray ? 67 : 132);
    this.#out[this.#pos++] = 0;
    this.#bytes(tables.lumaZigzag);
    if (!gray) {
      this.#out[this.#pos++] = 1;
      this.#bytes(tables.chromaZigzag);
    }
    // SOF0: each component is id, sampling factors (H << 4 | V), quantisation table.
    this.#marker(0xc0, gray ? 11 : 17);
    this.#out[this.#pos++] = 8;
    this.#u16(c.height);
    this.#u16(c.width);
    if (gray) {
      this.#bytes([1, 1, 0x11, 0]);
    } else {
      this.#bytes([3, 1, c.subsampled ? 0x22 : 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]);
    }
    const specs: [number, HuffmanSpec][] = gray ? [[0x00, DC_LUMA], [0x10, AC_LUMA]] : [[0x00, DC_LUMA], [0x10, AC_LUMA], [0x01, DC_CHROMA], [0x11, AC_CHROMA]];
    let length = 2;
    for (const [, spec] of specs) length += 17 + spec.symbols.length;
    this.#marker(0xc4, length);
    for (const [classAndId, spec] of specs) {
      this.#out[this.#pos++] = classAndId;
      this.#bytes(spec.counts);
      this.#bytes(spec.symbols);
    }
    if (c.restartInterval > 0) {
      this.#marker(0xdd, 4);
      this.#u16(c.restartInterval);
    }
    // SOS: components with their (DC << 4 | AC) table ids, then spectral selection 0..63 and no approximation.
    this.#marker(0xda, gray ? 8 : 12);
    if (gray) this.#bytes([1, 1, 0x00]);
    else this.#bytes([3, 1, 0x00, 2, 0x11, 3, 0x11]);
    this.#bytes([0, 63, 0]);
  }
}

/**
 * One 8-point forward DCT (Arai, Agui and Nakajima's factorisation: 5 multiplications) of d0..d7, written to
 * `out[at + k·step]`, each output scaled by AAN_SCALE[k]·√8 (undone in the quantiser).
 */
function dct8(out: Float32Array, at: number, step: number, d0: number, d1: number, d2: number, d3: number, d4: number, d5: number, d6: number, d7: number): void {
  const s07 = d0 + d7;
  const t07 = d0 - d7;
  const s16 = d1 + d6;
  const t16 = d1 - d6;
  const s25 = d2 + d5;
  const t25 = d2 - d5;
  const s34 = d3 + d4;
  const t34 = d3 - d4;
  // Even half.
  const e0 = s07 + s34;
  const e3 = s07 - s34;
  const e1 = s16 + s25;
  const e2 = s16 - s25;
  out[at] = e0 + e1;
  out[at + 4 * step] = e0 - e1;
  const rot = (e2 + e3) * 0.707106781;
  out[at + 2 * step] = e3 + rot;
  out[at + 6 * step] = e3 - rot;
  // Odd half: a rotation shared between outputs 1/7 and 3/5.
  const o0 = t34 + t25;
  const o1 = t25 + t16;
  const o2 = t16 + t07;
  const z5 = (o0 - o2) * 0.382683433;
  const z2 = 0.5411961 * o0 + z5;
  const z4 = 1.306562965 * o2 + z5;
  const z3 = o1 * 0.707106781;
  const z11 = t07 + z3;
  const z13 = t07 - z3;
  out[at + 5 * step] = z13 + z2;
  out[at + 3 * step] = z13 - z2;
  out[at + step] = z11 + z4;
  out[at + 7 * step] = z11 - z4;
}
