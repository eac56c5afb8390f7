/**
 * Decoding one batch of one tensor, shared by the worker entries and the in-thread path: read every header first,
 * then decode straight into one batch buffer when all shapes agree (one allocation and one transfer per batch).
 * @module
 */
import { type DType, type TypedArray, allocTyped, equalShapes, shapeSize } from "@shoal/core";
import { getSampleCodec } from "../codecs.ts";
import type { DecodeJob, DecodedTensor } from "./protocol.ts";

/** Output shape of one decoded sample: RGBA images become [h, w, 4]. */
function outShape(shape: readonly number[], method: "numpy" | "image"): number[] {
  if (method === "numpy") return [...shape];
  return [shape[0] ?? 0, shape[1] ?? 0, 4];
}

/** Writes an [h, w, c] uint8 image as RGBA into `out` (c = 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
export function toRGBA(src: TypedArray, channels: number, out: Uint8Array | Uint8ClampedArray): void {
  const pixels = out.length >> 2;
  if (channels === 4) {
    out.set(src as Uint8Array);
    return;
  }
  for (let p = 0, s = 0, o = 0; p < pixels; p++, o += 4) {
    if (channels >= 3) {
      out[o] = src[s] as number;
      out[o + 1] = src[s + 1] as number;
      out[o + 2] = src[s + 2] as number;
      out[o + 3] = 255;
    } else {
      const v = src[s] as number;
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
      out[o + 3] = channels === 2 ? (src[s + 1] as number) : 255;
    }
    s += channels;
  }
}

export async function decodeJob(job: DecodeJob): Promise<DecodedTensor> {
  const codec = await getSampleCodec(job.codec);
  const n = job.offsets.length - 1;
  const failed: { at: number; message: string }[] = [];
  const sample = (i: number): Uint8Array => job.bytes.subarray(job.offsets[i], job.offsets[i + 1]);
  const infos: ({ shape: number[]; dtype: DType } | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    try {
      const info = codec.readInfo(sample(i));
      infos[i] = { shape: outShape(info.shape, job.method), dtype: job.method === "image" ? "uint8" : info.dtype };
    } catch (e) {
      infos[i] = null;
      failed.push({ at: i, message: e instanceof Error ? e.message : String(e) });
    }
  }
  const first = infos.find((x) => x !== null);
  const uniform = first !== undefined && infos.every((x) => x === null || (x.dtype === first.dtype && equalShapes(x.shape, first.shape)));
  const each = first ? shapeSize(first.shape) : 0;
  const batch = uniform && first ? allocTyped(first.dtype, each * n) : null;
  const ragged: DecodedTensor["ragged"] = batch ? null : new Array(n).fill(null);
  for (let i = 0; i < n; i++) {
    const info = infos[i];
    if (!info) continue;
    try {
      const decoded = codec.decode(sample(i));
      if (!equalShapes(outShape(decoded.shape, job.method), info.shape)) throw new Error(`decoded shape [${decoded.shape.join(", ")}] disagrees with the header`);
      const channels = decoded.shape[2] ?? 1;
      if (batch) {
        const slot = batch.subarray(i * each, (i + 1) * each);
        if (job.method === "image") toRGBA(decoded.data, channels, slot as Uint8Array);
        else slot.set(decoded.data as never);
      } else if (job.method === "image") {
        const out = new Uint8Array(shapeSize(info.shape));
        toRGBA(decoded.data, channels, out);
        ragged![i] = { dtype: "uint8", shape: info.shape, data: out };
      } else {
        ragged![i] = { dtype: decoded.dtype, shape: [...decoded.shape], data: decoded.data };
      }
    } catch (e) {
      failed.push({ at: i, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return {
    tensor: job.tensor,
    stacked: batch && first ? { dtype: first.dtype, shape: [n, ...first.shape], data: batch } : null,
    ragged,
    failed,
  };
}

/** Buffers to transfer back (each once). */
export function transferablesOf(tensors: DecodedTensor[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const t of tensors) {
    if (t.stacked) out.add(t.stacked.data.buffer as ArrayBuffer);
    for (const r of t.ragged ?? []) if (r) out.add(r.data.buffer as ArrayBuffer);
  }
  return [...out];
}
