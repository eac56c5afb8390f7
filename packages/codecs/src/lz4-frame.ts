/**
 * The LZ4 frame format (what the `lz4` command line tool and python-lz4's `lz4.frame` write): magic, frame
 * descriptor with an xxHash32 header checksum, size-prefixed blocks (compressed or stored), an end mark and an
 * optional content checksum. Reads linked and independent blocks, block checksums, skippable frames and
 * concatenated frames; writes independent blocks.
 * @module
 */
import { CorruptDataError, InvalidArgumentError, UnsupportedError } from "@shoal/core";
import { lz4BlockBound, lz4CompressBlock, lz4DecompressBlock } from "./lz4-block.ts";
import { assertBytes, assertLength } from "./bytes.ts";
import { xxh32 } from "@shoal/core";

const CODEC = "lz4-frame";
export const LZ4_FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_SIZES: Record<number, number> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

export interface Lz4FrameOptions {
  /** Maximum uncompressed bytes per block: 65536, 262144, 1048576 or 4194304 (default, as the `lz4` CLI). */
  blockSize?: number;
  /** Append an xxHash32 of the whole content (default true, as the `lz4` CLI). */
  contentChecksum?: boolean;
  /** Append an xxHash32 to every block (default false). */
  blockChecksum?: boolean;
  /** Record the content size in the header (default true). */
  contentSize?: boolean;
}

function blockSizeId(blockSize: number): number {
  for (const [id, size] of Object.entries(BLOCK_SIZES)) if (size === blockSize) return Number(id);
  throw new InvalidArgumentError(`[shoal] lz4-frame: blockSize must be one of ${Object.values(BLOCK_SIZES).join(", ")}, got ${blockSize}`);
}

function write32(a: Uint8Array, i: number, v: number): void {
  a[i] = v & 0xff;
  a[i + 1] = (v >>> 8) & 0xff;
  a[i + 2] = (v >>> 16) & 0xff;
  a[i + 3] = (v >>> 24) & 0xff;
}

function read32(a: Uint8Array, i: number): number {
  return (a[i]! | (a[i + 1]! << 8) | (a[i + 2]! << 16) | (a[i + 3]! << 24)) >>> 0;
}

/** Compresses `data` as one LZ4 frame with independent blocks. */
export function lz4FrameEncode(data: Uint8Array, opts: Lz4FrameOptions = {}): Uint8Array {
  assertBytes(data, "lz4-frame.encode");
  const blockSize = opts.blockSize ?? 4 << 20;
  const bd = blockSizeId(blockSize);
  const contentChecksum = opts.contentChecksum ?? true;
  const blockChecksum = opts.blockChecksum ?? false;
  const contentSize = opts.contentSize ?? true;
  const n = data.length;
  const blocks = Math.ceil(n / blockSize);
  const bound = 4 + 3 + (contentSize ? 8 : 0) + blocks * (4 + (blockChecksum ? 4 : 0)) + lz4BlockBound(n) + blocks * 16 + 4 + 4;
  const out = new Uint8Array(bound);
  write32(out, 0, LZ4_FRAME_MAGIC);
  out[4] = 0x40 | 0x20 | (blockChecksum ? 0x10 : 0) | (contentSize ? 0x08 : 0) | (contentChecksum ? 0x04 : 0);
  out[5] = bd << 4;
  let op = 6;
  if (contentSize) {
    write32(out, 6, n >>> 0);
    write32(out, 10, Math.floor(n / 0x100000000));
    op = 14;
  }
  out[op] = (xxh32(out, 4, op) >>> 8) & 0xff;
  op++;
  for (let start = 0; start < n; start += blockSize) {
    const src = data.subarray(start, Math.min(n, start + blockSize));
    const sizePos = op;
    const end = lz4CompressBlock(src, out, op + 4);
    let blockLen = end - op - 4;
    if (blockLen >= src.length) {
      // Incompressible: a stored block is smaller and decodes with a plain copy.
      out.set(src, op + 4);
      blockLen = src.length;
      write32(out, sizePos, (blockLen | 0x80000000) >>> 0);
    } else {
      write32(out, sizePos, blockLen);
    }
    op += 4 + blockLen;
    if (blockChecksum) {
      write32(out, op, xxh32(out, sizePos + 4, op));
      op += 4;
    }
  }
  write32(out, op, 0);
  op += 4;
  if (contentChecksum) {
    write32(out, op, xxh32(data));
    op += 4;
  }
  return out.subarray(0, op);
}

/** True when `data` starts with the LZ4 frame magic number. */
export function isLz4Frame(data: Uint8Array): boolean {
  return data.length >= 4 && read32(data, 0) === LZ4_FRAME_MAGIC;
}

/**
 * Decompresses one or more concatenated LZ4 frames (skippable frames are skipped). `outLength`, when known,
 * sizes the output up front; otherwise it grows as blocks arrive.
 */
export function lz4FrameDecode(data: Uint8Array, opts: { outLength?: number; codec?: string } = {}): Uint8Array {
  const codec = opts.codec ?? CODEC;
  assertBytes(data, `${codec}.decode`);
  assertLength(opts.outLength, "outLength", `${codec}.decode`);
  const fail = (what: string, at: number): never => {
    throw new CorruptDataError(codec, what, { offset: at });
  };
  let out = new Uint8Array(opts.outLength ?? Math.max(64, data.length * 2));
  let op = 0;
  const ensure = (extra: number): void => {
    if (op + extra <= out.length) return;
    const grown = new Uint8Array(Math.max(out.length * 2, op + extra));
    grown.set(out.subarray(0, op));
    out = grown;
  };
  const hardLimit = opts.outLength ?? Number.POSITIVE_INFINITY;
  let ip = 0;
  if (data.length < 4) fail("input too short for an LZ4 frame", 0);
  while (ip < data.length) {
    if (data.length - ip < 4) fail("truncated frame magic", ip);
    const magic = read32(data, ip);
    if ((magic & 0xfffffff0) >>> 0 === SKIPPABLE_MAGIC) {
      if (data.length - ip < 8) fail("truncated skippable frame", ip);
      const size = read32(data, ip + 4);
      if (size > data.length - ip - 8) fail("skippable frame runs past the end of the input", ip);
      ip += 8 + size;
      continue;
    }
    if (magic !== LZ4_FRAME_MAGIC) fail(`bad magic 0x${magic.toString(16).padStart(8, "0")}`, ip);
    ip = decodeFrame(data, ip + 4);
  }
  if (opts.outLength !== undefined && op !== opts.outLength) fail(`decoded ${op} bytes, expected ${opts.outLength}`, data.length);
  return op === out.length ? out : out.subarray(0, op);

  function decodeFrame(src: Uint8Array, at: number): number {
    if (src.length - at < 3) fail("truncated frame descriptor", at);
    const flg = src[at]!;
    const bd = src[at + 1]!;
    if (flg >>> 6 !== 1) fail(`unsupported frame version ${flg >>> 6}`, at);
    if (flg & 0x02 || bd & 0x8f) fail("reserved bits set in the frame descriptor", at);
    const independent = (flg & 0x20) !== 0;
    const hasBlockChecksum = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const hasContentChecksum = (flg & 0x04) !== 0;
    const hasDictId = (flg & 0x01) !== 0;
    const maxBlock = BLOCK_SIZES[(bd >>> 4) & 7];
    if (maxBlock === undefined) fail(`invalid block size id ${(bd >>> 4) & 7}`, at + 1);
    const descriptorLength = 2 + (hasContentSize ? 8 : 0) + (hasDictId ? 4 : 0);
    if (src.length - at < descriptorLength + 1) fail("truncated frame descriptor", at);
    const expectedHc = (xxh32(src, at, at + descriptorLength) >>> 8) & 0xff;
    if (src[at + descriptorLength] !== expectedHc) fail("bad header checksum", at + descriptorLength);
    if (hasDictId) throw new UnsupportedError("lz4-dictionary", `[shoal] ${codec}: frames compressed with a dictionary are not supported (byte ${at + 10})`);
    let contentSize = -1;
    if (hasContentSize) {
      contentSize = read32(src, at + 2) + read32(src, at + 6) * 0x100000000;
      // LZ4 expands at most ~255×, so a larger claim is corrupt; checking first avoids a huge allocation.
      if (contentSize > (src.length - at) * 255 + 64 || contentSize > hardLimit - op) fail(`implausible content size ${contentSize}`, at + 2);
      ensure(contentSize);
    }
    let ip = at + descriptorLength + 1;
    const frameStart = op;
    const frameLimit = contentSize >= 0 ? frameStart + contentSize : Number.POSITIVE_INFINITY;
    for (;;) {
      if (src.length - ip < 4) fail("truncated block header (missing end mark)", ip);
      const header = read32(src, ip);
      ip += 4;
      if (header === 0) break;
      const stored = header >= 0x80000000;
      const size = header & 0x7fffffff;
      if (size > maxBlock!) fail(`block of ${size} bytes exceeds the frame's maximum ${maxBlock}`, ip - 4);
      if (size > src.length - ip) fail(`truncated block: ${size} bytes announced, ${src.length - ip} left`, ip);
      if (hasBlockChecksum) {
        if (src.length - ip - size < 4) fail("truncated block checksum", ip + size);
        if (xxh32(src, ip, ip + size) !== read32(src, ip + size)) fail("bad block checksum", ip + size);
      }
      // Blocks never write past what the header or the caller announced, so a lying block fails instead of growing.
      const limit = Math.min(op + maxBlock!, frameLimit, hardLimit);
      if (stored) {
        if (size > limit - op) fail(`stored block of ${size} bytes runs past the announced content size`, ip);
        ensure(size);
        out.set(src.subarray(ip, ip + size), op);
        op += size;
      } else {
        ensure(limit - op);
        op = lz4DecompressBlock(src, ip, ip + size, out, op, limit, independent ? op : frameStart, codec);
      }
      ip += size + (hasBlockChecksum ? 4 : 0);
    }
    if (contentSize >= 0 && op - frameStart !== contentSize) fail(`frame content is ${op - frameStart} bytes, header says ${contentSize}`, ip);
    if (hasContentChecksum) {
      if (src.length - ip < 4) fail("truncated content checksum", ip);
      if (xxh32(out, frameStart, op) !== read32(src, ip)) fail("bad content checksum", ip);
      ip += 4;
    }
    return ip;
  }
}
