/**
 * Messages between the loader and its decode workers. One message per batch: the batch's compressed samples of
 * each worker-decoded tensor, packed into one buffer (one transfer), and back one stacked buffer per tensor.
 * @module
 */
import type { DType, TypedArray } from "@shoal/core";

export interface DecodeJob {
  tensor: string;
  codec: string;
  method: "numpy" | "image";
  /** All samples' bytes back to back; sample i is bytes[offsets[i], offsets[i+1]). */
  bytes: Uint8Array;
  offsets: Uint32Array;
}

export interface DecodeRequest {
  type: "decode";
  id: number;
  jobs: DecodeJob[];
}

export interface DecodedTensor {
  tensor: string;
  /** Stacked: one array of shape [n, ...sampleShape] (failed samples zero-filled). */
  stacked: { dtype: DType; shape: number[]; data: TypedArray } | null;
  /** Ragged: one array per sample (null where decoding failed). */
  ragged: ({ dtype: DType; shape: number[]; data: TypedArray } | null)[] | null;
  /** Positions in the batch that failed, with the reason. */
  failed: { at: number; message: string }[];
}

export interface DecodeReply {
  type: "decoded";
  id: number;
  tensors: DecodedTensor[];
}

export interface FailReply {
  type: "failed";
  id: number;
  message: string;
}
