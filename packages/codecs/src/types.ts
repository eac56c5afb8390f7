/**
 * The codec contract: whole-buffer byte codecs (chunk compression) and per-sample media codecs.
 * @module
 */
import type { DType, NDArray } from "@shoal/core";

/** A whole-buffer, synchronous byte compressor (lz4, deflate, zlib, gzip). */
export interface BytesCodec {
  readonly kind: "bytes";
  readonly name: string;
  encode(data: Uint8Array, opts?: { level?: number }): Uint8Array;
  /** `outLength`, when the caller knows it, lets the decoder preallocate. Corrupt/truncated input → CorruptDataError. */
  decode(data: Uint8Array, opts?: { outLength?: number }): Uint8Array;
}

/** Shape and dtype of one encoded sample, read from its header. */
export interface SampleInfo {
  shape: number[];
  dtype: DType;
}

/** A one-sample-per-blob media codec (jpeg, png, wav). */
export interface SampleCodec {
  readonly kind: "sample";
  readonly name: string;
  /** Cheap header parse: shape and dtype without decoding pixels/frames. */
  readInfo(data: Uint8Array): SampleInfo;
  /** Images: [height, width, channels] uint8 (uint16 for 16-bit PNG); wav: [frames, channels]. */
  decode(data: Uint8Array): NDArray;
  /**
   * `quality` 1..100, `subsampling` and `restartInterval` for jpeg, `level` 0..9 for png's zlib, `sampleRate` in Hz
   * for wav.
   */
  encode?(array: NDArray, opts?: SampleEncodeOptions): Uint8Array;
}

/** Options of `SampleCodec.encode`; each codec reads the ones that apply to it. */
export interface SampleEncodeOptions {
  quality?: number;
  /** jpeg colour input: "4:2:0" (default) or "4:4:4". */
  subsampling?: "4:2:0" | "4:4:4";
  /** jpeg: MCUs between restart markers, 0 (default) for none. */
  restartInterval?: number;
  level?: number;
  sampleRate?: number;
}

export type Codec = BytesCodec | SampleCodec;
