/**
 * The codec contract of @shoal/codecs (FORMAT.md §4.2 names), restated so the engine compiles before that package
 * publishes its registry, and resolved lazily at runtime.
 * @module
 */
import type { DType, NDArray } from "@shoal/core";

export interface BytesCodec {
  readonly kind: "bytes";
  readonly name: string;
  encode(data: Uint8Array, opts?: { level?: number }): Uint8Array;
  decode(data: Uint8Array, opts?: { outLength?: number }): Uint8Array;
}

export interface SampleCodec {
  readonly kind: "sample";
  readonly name: string;
  readInfo(data: Uint8Array): { shape: number[]; dtype: DType };
  decode(data: Uint8Array): NDArray;
  encode?(array: NDArray, opts?: { quality?: number }): Uint8Array;
}

export type Codec = BytesCodec | SampleCodec;
