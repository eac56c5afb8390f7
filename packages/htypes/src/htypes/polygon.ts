/**
 * Polygons: a sample is a list of polygons, each a [points, dims] array; polygons may differ in point count but
 * not in dims. Stored flat (see `encodePolygons`) since the sample is ragged.
 * @module
 */
import { type DType, type NDArray, type TypedArray, allocTyped, bytesOf, dtypeInfo, ndarray, viewAs } from "@shoal/core";
import { CorruptDataError } from "@shoal/core";
import { isNDArray, toNDArray } from "../cast.ts";
import { SampleShapeError, type SampleErrorWhere, SampleTypeError } from "../errors.ts";

export interface PolygonsSample {
  points: NDArray;
  counts: Uint32Array;
  shape: number[];
}

export function normalizePolygons(input: unknown, dtype: DType, at: SampleErrorWhere): PolygonsSample {
  let polygons: NDArray[];
  if (isNDArray(input)) {
    // A uniform [polygons, points, dims] array: every polygon has the same point count.
    const a = toNDArray(input, dtype, at);
    if (a.shape.length !== 3) throw new SampleShapeError(at, `polygon arrays are (polygons, points, dims); got [${a.shape.join(", ")}]`);
    const [n, k, d] = a.shape as [number, number, number];
    const counts = new Uint32Array(n).fill(k);
    return { points: ndarray(a.dtype, [n * k, d], a.data), counts, shape: [n, k, d] };
  }
  if (!Array.isArray(input)) throw new SampleTypeError(at, "polygon samples are lists of polygons ([points, dims] arrays)");
  polygons = input.map((p) => toNDArray(p, dtype, at));
  let dims = -1;
  let total = 0;
  let maxPoints = 0;
  polygons.forEach((p, i) => {
    if (p.shape.length !== 2) throw new SampleShapeError(at, `polygon ${i} must be (points, dims); got [${p.shape.join(", ")}]`);
    const [k, d] = p.shape as [number, number];
    if (dims === -1) dims = d;
    else if (d !== dims) throw new SampleShapeError(at, `polygon ${i} has ${d}-D points, polygon 0 has ${dims}-D; all points of a sample need the same dims`);
    total += k;
    maxPoints = Math.max(maxPoints, k);
  });
  if (dims === -1) dims = 2;
  const out = allocTyped(dtype, total * dims) as TypedArray;
  const counts = new Uint32Array(polygons.length);
  let offset = 0;
  polygons.forEach((p, i) => {
    out.set(p.data as never, offset);
    offset += p.data.length;
    counts[i] = p.shape[0]!;
  });
  return { points: ndarray(dtype, [total, dims], out as never), counts, shape: [polygons.length, maxPoints, dims] };
}

/**
 * Byte form of a polygon sample: `u32 LE count n`, `u32 LE dims`, `n × u32 LE points per polygon`, then all points
 * as little-endian elements of the tensor dtype, polygon after polygon. (Deep Lake uses u16 counts; u32 lifts the
 * 65 535-point limit.)
 */
export function encodePolygons(sample: PolygonsSample): Uint8Array {
  const dims = sample.points.shape[1] ?? 0;
  const header = 8 + 4 * sample.counts.length;
  const body = bytesOf(sample.points.data as TypedArray);
  const out = new Uint8Array(header + body.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, sample.counts.length, true);
  v.setUint32(4, dims, true);
  for (let i = 0; i < sample.counts.length; i++) v.setUint32(8 + 4 * i, sample.counts[i]!, true);
  out.set(body, header);
  return out;
}

/** Inverse of `encodePolygons`: one [points, dims] array per polygon (views into a copy of the bytes). */
export function decodePolygons(bytes: Uint8Array, dtype: DType): NDArray[] {
  if (bytes.length < 8) throw new CorruptDataError("polygon", `sample of ${bytes.length} bytes is shorter than its 8-byte header`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = v.getUint32(0, true);
  const dims = v.getUint32(4, true);
  const header = 8 + 4 * n;
  if (bytes.length < header) throw new CorruptDataError("polygon", `header claims ${n} polygons but the sample has ${bytes.length} bytes`);
  const counts: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const k = v.getUint32(8 + 4 * i, true);
    counts.push(k);
    total += k;
  }
  const itemSize = dtypeInfo(dtype).itemSize;
  if (bytes.length !== header + total * dims * itemSize) {
    throw new CorruptDataError("polygon", `expected ${header + total * dims * itemSize} bytes for ${total} ${dims}-D ${dtype} points, got ${bytes.length}`);
  }
  const data = viewAs(dtype, bytes.slice(header)) as TypedArray;
  const out: NDArray[] = [];
  let offset = 0;
  for (const k of counts) {
    out.push(ndarray(dtype, [k, dims], data.subarray(offset, offset + k * dims) as never));
    offset += k * dims;
  }
  return out;
}
