/**
 * The `lz4` and `lz4-frame` byte codecs. `lz4` is the Deep Lake / numcodecs / python-lz4 `lz4.block` layout:
 * a 4-byte little-endian uncompressed size followed by one LZ4 block. Like Deep Lake's `decompress_bytes`, its
 * decoder also accepts a whole LZ4 frame (recognised by its magic) and treats empty input as an empty payload.
 * @module
 */
import { CorruptDataError } from "@shoal/core";
import { assertBytes, assertLength } from "./bytes.ts";
import { lz4BlockBound, lz4CompressBlock, lz4DecompressBlock } from "./lz4-block.ts";
import { isLz4Frame, lz4FrameDecode, lz4FrameEncode } from "./lz4-frame.ts";
import type { BytesCodec } from "./types.ts";

/** LZ4 block with a 4-byte little-endian size prefix (python-lz4 `lz4.block.compress(store_size=True)`). */
export function lz4Encode(data: Uint8Array): Uint8Array {
  assertBytes(data, "lz4.encode");
  // Deep Lake writes nothing at all for an empty payload.
  if (data.length === 0) return new Uint8Array(0);
  const n = data.length;
  const out = new Uint8Array(4 + lz4BlockBound(n));
  out[0] = n & 0xff;
  out[1] = (n >>> 8) & 0xff;
  out[2] = (n >>> 16) & 0xff;
  out[3] = (n >>> 24) & 0xff;
  const end = lz4CompressBlock(data, out, 4);
  // Keep the oversized buffer only when trimming would save little; otherwise copy to release the slack.
  return end > out.length - (out.length >>> 3) ? out.subarray(0, end) : out.slice(0, end);
}

/** Inverse of `lz4Encode`; also decodes LZ4 frames and the empty payloads Deep Lake writes. */
export function lz4Decode(data: Uint8Array, opts?: { outLength?: number }): Uint8Array {
  assertBytes(data, "lz4.decode");
  assertLength(opts?.outLength, "outLength", "lz4.decode");
  if (data.length === 0) return new Uint8Array(0);
  if (isLz4Frame(data)) return lz4FrameDecode(data, { outLength: opts?.outLength, codec: "lz4" });
  if (data.length < 5) throw new CorruptDataError("lz4", `input of ${data.length} bytes is shorter than a size prefix plus a block`, { offset: 0 });
  const n = (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) >>> 0;
  if (opts?.outLength !== undefined && opts.outLength !== n) {
    throw new CorruptDataError("lz4", `size prefix says ${n} bytes, caller expects ${opts.outLength}`, { offset: 0 });
  }
  if (n > (data.length - 4) * 255 + 16) throw new CorruptDataError("lz4", `implausible size prefix ${n} for ${data.length} bytes of input`, { offset: 0 });
  const out = new Uint8Array(n);
  const end = lz4DecompressBlock(data, 4, data.length, out, 0, n);
  if (end !== n) throw new CorruptDataError("lz4", `decoded ${end} bytes, size prefix says ${n}`, { offset: data.length });
  return out;
}

export const lz4: BytesCodec = {
  kind: "bytes",
  name: "lz4",
  encode: (data) => lz4Encode(data),
  decode: (data, opts) => lz4Decode(data, opts),
};

export const lz4Frame: BytesCodec = {
  kind: "bytes",
  name: "lz4-frame",
  encode: (data) => lz4FrameEncode(data),
  decode: (data, opts) => lz4FrameDecode(data, { outLength: opts?.outLength }),
};
