/**
 * image.rgb / image.gray conversion: gray → rgb by replication, rgb → gray by ITU-R 601 luma (PIL's "L"
 * weights, so results match Deep Lake), alpha dropped. Inputs are [h, w] or [h, w, c].
 * @module
 */
import { type NDArray, ShapeError, type TypedArray, allocTyped, dtypeInfo, ndarray } from "@shoal/core";

function channelsOf(a: NDArray): number {
  if (a.shape.length !== 2 && a.shape.length !== 3) {
    throw new ShapeError(`[shoal] images are [height, width] or [height, width, channels]; got [${a.shape.join(", ")}]`);
  }
  const c = a.shape.length === 2 ? 1 : a.shape[2]!;
  if (c === 0) throw new ShapeError(`[shoal] image has 0 channels: [${a.shape.join(", ")}]`);
  return c;
}

/** [h, w] → [h, w, 1]: Deep Lake stores every image with a channel axis. */
export function withChannelAxis(a: NDArray): NDArray {
  return a.shape.length === 2 ? ndarray(a.dtype, [a.shape[0]!, a.shape[1]!, 1], a.data) : a;
}

export function toRgb(a: NDArray): NDArray {
  const c = channelsOf(a);
  if (c === 3) return a;
  const [h, w] = a.shape as [number, number];
  const n = h * w;
  const src = a.data as TypedArray;
  const out = allocTyped(a.dtype, n * 3) as TypedArray;
  for (let i = 0; i < n; i++) {
    const o = i * 3;
    if (c >= 3) {
      // RGBA (or more channels): keep the first three, drop the rest.
      out[o] = src[i * c]!;
      out[o + 1] = src[i * c + 1]!;
      out[o + 2] = src[i * c + 2]!;
    } else {
      // Gray or gray+alpha: replicate the gray value.
      const g = src[i * c]!;
      out[o] = g;
      out[o + 1] = g;
      out[o + 2] = g;
    }
  }
  return ndarray(a.dtype, [h, w, 3], out as never);
}

export function toGray(a: NDArray): NDArray {
  const c = channelsOf(a);
  const [h, w] = a.shape as [number, number];
  if (c === 1) return withChannelAxis(a);
  const n = h * w;
  const src = a.data as TypedArray;
  const out = allocTyped(a.dtype, n) as TypedArray;
  if (c === 2) {
    for (let i = 0; i < n; i++) out[i] = src[i * 2]!;
    return ndarray(a.dtype, [h, w, 1], out as never);
  }
  const info = dtypeInfo(a.dtype);
  if (a.dtype === "uint8") {
    // PIL's fixed-point form of 0.299 R + 0.587 G + 0.114 B, rounding half up.
    for (let i = 0; i < n; i++) {
      const o = i * c;
      out[i] = ((src[o] as number) * 19595 + (src[o + 1] as number) * 38470 + (src[o + 2] as number) * 7471 + 0x8000) >> 16;
    }
  } else {
    const round = info.kind !== "float";
    for (let i = 0; i < n; i++) {
      const o = i * c;
      const y = Number(src[o]!) * 0.299 + Number(src[o + 1]!) * 0.587 + Number(src[o + 2]!) * 0.114;
      const v = round ? Math.round(y) : y;
      (out as unknown as (number | bigint)[])[i] = info.bigint ? BigInt(v) : v;
    }
  }
  return ndarray(a.dtype, [h, w, 1], out as never);
}
