/**
 * `@shoal/codecs`: the codec registry (`getCodec("lz4")`, `getSampleCodec("jpeg")`, …) with lazily loaded byte
 * codecs (lz4, lz4-frame, deflate, zlib, gzip) and sample codecs (jpeg, png, wav), plus the pure-TypeScript LZ4
 * block and frame functions and the reusable `JpegEncoder`. Zip containers live in the `@shoal/codecs/zip` entry.
 * @module
 */
export type { BytesCodec, Codec, SampleCodec, SampleEncodeOptions, SampleInfo } from "./types.ts";
export { codecNames, getBytesCodec, getCodec, getSampleCodec, registerCodec } from "./registry.ts";
export { CodecKindError, UnsafeZipEntryError } from "./errors.ts";
export { LZ4_MAX_INPUT_SIZE, type Lz4Cursor, lz4BlockBound, lz4CompressBlock, lz4Cursor, lz4DecodeUntil, lz4DecompressBlock } from "./lz4-block.ts";
export { LZ4_FRAME_MAGIC, type Lz4FrameOptions, isLz4Frame, lz4FrameDecode, lz4FrameEncode } from "./lz4-frame.ts";
export { lz4Decode, lz4Encode } from "./lz4.ts";
export { xxh32 } from "@shoal/core";
export { adler32, crc32 } from "./checksums.ts";
export { type ChromaSubsampling, type JpegEncodeOptions, JpegEncoder } from "./jpeg-encoder.ts";
