/**
 * Workers encode array samples with the tensor's own sample codec (jpeg, png…) before sending them back: encoding
 * is most of an image ingest, and done in the parent it would run on one core whatever the worker count. The
 * dataset keeps bytes whose compression matches its tensor as they are.
 * @module
 */
import type { NDArray } from "@shoal/core";
import { type SampleCodec, getSampleCodec } from "@shoal/codecs";
import type { Columns } from "./output.ts";

function isNDArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v && ArrayBuffer.isView((v as NDArray).data);
}

export async function loadEncoders(encode: Record<string, string>): Promise<Map<string, { codec: SampleCodec; compression: string }>> {
  const out = new Map<string, { codec: SampleCodec; compression: string }>();
  for (const [tensor, compression] of Object.entries(encode)) {
    try {
      const codec = await getSampleCodec(compression);
      if (typeof codec.encode === "function") out.set(tensor, { codec, compression });
    } catch {
      // A codec this runtime cannot load (or a bytes codec): the parent's dataset encodes those samples itself.
    }
  }
  return out;
}

/**
 * Replaces array samples by `{ bytes, compression }` where an encoder exists; anything else is left to the dataset.
 * Returns the buffers it made, which alone are safe to transfer: a transform's own arrays may be reused by it.
 */
export function encodeColumns(columns: Columns, encoders: ReadonlyMap<string, { codec: SampleCodec; compression: string }>): ArrayBuffer[] {
  const made: ArrayBuffer[] = [];
  for (const [tensor, enc] of encoders) {
    const column = columns[tensor];
    if (!column) continue;
    for (let i = 0; i < column.length; i++) {
      const s = column[i];
      if (!isNDArray(s)) continue;
      try {
        const bytes = enc.codec.encode!(s);
        column[i] = { bytes, compression: enc.compression };
        if (bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) made.push(bytes.buffer);
      } catch {
        // Left as an array: the dataset's own append then raises the typed error naming tensor and sample.
      }
    }
  }
  return made;
}
