/**
 * The bridge between @shoal/htypes and the htype-agnostic chunk engine: which engine encoding an htype uses, how a
 * normalized sample is handed to the engine, and how a stored value reads back (polygons, links, sequences).
 * @module
 */
import { type DType, type NDArray, type TypedArray, allocTyped, equalShapes, isDType, ndarray, shapeSize } from "@shoal/core";
import type { TensorMeta } from "@shoal/chunks";
import { type NormalizedSample, SampleShapeError, SampleTypeError, type TensorMetaLike, getHtype } from "@shoal/htypes";

export type Encoding = "array" | "text" | "json" | "list";

/** Engine encoding of a tensor: links are JSON `{url, credsKey}`, polygons and non-array sequences JSON lists. */
export function encodingFor(htype: string, isSequence: boolean, isLink: boolean): Encoding {
  if (isLink) return "json";
  const kind = getHtype(htype).kind;
  if (kind === "polygon") return "list";
  if (kind === "text" || kind === "json" || kind === "list") return isSequence ? "list" : kind;
  return "array";
}

/** What @shoal/htypes reads of a stored tensor meta. */
export function metaLike(meta: TensorMeta): TensorMetaLike {
  const schema = meta.htypeArgs.schemaDtype;
  return {
    htype: meta.htype,
    dtype: meta.dtype ?? (typeof schema === "string" ? schema : null),
    sampleCompression: meta.sampleCompression,
    chunkCompression: meta.chunkCompression,
    isSequence: meta.isSequence,
    isLink: meta.isLink,
    info: meta.info,
  };
}

function itemValue(item: NormalizedSample): unknown {
  switch (item.kind) {
    case "text":
    case "json":
    case "list":
      return item.value;
    case "empty":
      return null;
    case "link":
      return { url: item.url, credsKey: item.credsKey };
    case "array":
      return Array.from(item.array.data as ArrayLike<number>, Number);
    default:
      return null;
  }
}

function polygonsValue(points: NDArray, counts: Uint32Array): number[][][] {
  const dims = points.shape[1] ?? 0;
  const data = points.data as ArrayLike<number>;
  const out: number[][][] = [];
  let at = 0;
  for (const c of counts) {
    const poly: number[][] = [];
    for (let p = 0; p < c; p++, at++) poly.push(Array.from({ length: dims }, (_, d) => Number(data[at * dims + d])));
    out.push(poly);
  }
  return out;
}

/** Stacks the items of a sequence sample into one array with a leading item axis (all items share a shape). */
function stackItems(items: NormalizedSample[], tensor: string, index: number): NDArray {
  const arrays = items.map((it, i) => {
    if (it.kind !== "array") throw new SampleTypeError({ tensor, index, item: i }, `sequence items of this tensor must be arrays (got ${it.kind}); compressed files inside sequences are not supported yet`);
    return it.array;
  });
  const first = arrays[0];
  if (!first) return ndarray("uint8", [0]);
  const out = allocTyped(first.dtype, shapeSize(first.shape) * arrays.length) as TypedArray;
  arrays.forEach((a, i) => {
    if (!equalShapes(a.shape, first.shape) || a.dtype !== first.dtype) {
      throw new SampleShapeError({ tensor, index, item: i }, `sequence items must share shape and dtype: item 0 is ${first.dtype}[${first.shape.join(", ")}], item ${i} is ${a.dtype}[${a.shape.join(", ")}]`);
    }
    (out as unknown as { set(a: ArrayLike<number | bigint>, o: number): void }).set(a.data as ArrayLike<number>, i * shapeSize(first.shape));
  });
  return ndarray(first.dtype, [arrays.length, ...first.shape], out as never);
}

/** A normalized sample in the form the engine stores for `encoding`. */
export function toEngineSample(s: NormalizedSample, encoding: Encoding, tensor: string, index: number): unknown {
  switch (s.kind) {
    case "polygons":
      return { kind: "list", value: polygonsValue(s.points, s.counts) };
    case "link":
      return { kind: "json", value: { url: s.url, credsKey: s.credsKey } };
    case "sequence":
      if (encoding === "list") return { kind: "list", value: s.items.map(itemValue) };
      return { kind: "array", array: stackItems(s.items, tensor, index) };
    default:
      return s;
  }
}

/** A stored value as users read it: polygons become one [points, dims] array per polygon. */
export function fromEngineValue(meta: TensorMeta, value: unknown): unknown {
  if (!meta.isLink && !meta.isSequence && getHtype(meta.htype).kind === "polygon" && Array.isArray(value)) {
    const dtype: DType = isDType(meta.dtype) ? meta.dtype : "float32";
    return (value as number[][][]).map((poly) => {
      const dims = poly[0]?.length ?? 0;
      const a = allocTyped(dtype, poly.length * dims) as TypedArray;
      poly.forEach((pt, p) => pt.forEach((v, d) => ((a as unknown as number[])[p * dims + d] = v)));
      return ndarray(dtype, [poly.length, dims], a as never);
    });
  }
  return value;
}
