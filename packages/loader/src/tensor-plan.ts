/**
 * How each selected tensor is loaded, decided once per loader: a dense column gathered with typed arrays, fixed-shape
 * samples copied straight into the batch (`readManyInto`), decoded samples from `readMany`, stored bytes (`tobytes`),
 * or compressed samples decoded by the codec (in workers).
 * @module
 */
import { type DType, type NDArray, UnsupportedError, dtypeInfo, equalShapes, shapeSize } from "@shoal/core";
import type { ColumnMeta, TensorColumn, TensorSource } from "@shoal/views";
import { isSampleCodec } from "./codecs.ts";
import { LoaderConfigError } from "./errors.ts";
import { SamplePool } from "./sample-pool.ts";
import type { DecodeMethod } from "./types.ts";

/**
 * `into`: read with `readManyInto` straight into the batch when it is cut. `pooled`: chunk-compressed fixed-shape
 * samples under a shuffle buffer, read chunk by chunk with `readManyInto` into recycled sample arrays that wait in the
 * buffer (see `intoShape`). `ranged`: raw fixed-shape samples read ahead run by run with `readBytesMany` (one request
 * per chunk), waiting as views of that read until their batch copies them once.
 */
export type TensorKind = "column" | "into" | "pooled" | "ranged" | "read" | "bytes" | "codec";

export interface TensorPlan {
  readonly name: string;
  readonly kind: TensorKind;
  readonly method: DecodeMethod;
  readonly col: TensorColumn;
  /** The stored column under the view (root-row indices), where `readBytes`/`readBytesMany` live. */
  readonly base: TensorColumn;
  /** Sample codec name for `codec` tensors. */
  readonly codec: string | null;
  /** The whole column in view order, for `column` tensors. */
  readonly dense: NDArray | null;
  /** Element type of `column` and `into` tensors. */
  readonly dtype: DType | null;
  /** Sample shape of `column` and `into` tensors. */
  readonly sampleShape: readonly number[];
  /** Recycled sample arrays of a `pooled` tensor, kept across epochs. */
  readonly pool: SamplePool | null;
  /** Throws when the view went stale; `into` reads go to the base column, past the view's own check. */
  readonly assertValid: () => void;
  /** Estimated bytes per sample (for run sizing and fixed-size buffer accounting). */
  readonly estimateBytes: number;
}

const TEXT_LIKE = new Set(["json", "list", "tag", "text"]);
const IMAGE_CODECS = new Set(["jpeg", "png"]);

export function allowedMethods(meta: ColumnMeta): DecodeMethod[] {
  if (TEXT_LIKE.has(meta.htype)) return ["numpy"];
  if (meta.sampleCompression && IMAGE_CODECS.has(meta.sampleCompression)) return ["numpy", "tobytes", "image"];
  return ["numpy", "tobytes"];
}

function estimate(meta: ColumnMeta): number {
  if (!meta.dtype || !meta.maxShape) return 64 * 1024;
  return Math.max(1, shapeSize(meta.maxShape) * dtypeInfo(meta.dtype).itemSize);
}

/** What the loader needs of a view (a plain source has none of it). */
type ViewLike = TensorSource & { source?: TensorSource; subSampleIndex?: readonly unknown[]; assertValid?: () => void };

/** The column holding the stored data (a view's base column), where capabilities like readBytes live. */
function baseColumn(source: ViewLike, name: string): TensorColumn {
  const root = source.source;
  if (root && root.tensorNames().includes(name)) return root.tensor(name);
  return source.tensor(name);
}

/**
 * Fixed-shape numeric samples that need no codec (raw or chunk-compressed), read from the stored column by root row,
 * so the view's samples must be whole root samples (no sub-sample index).
 */
function fixedShape(source: ViewLike, col: TensorColumn): readonly number[] | null {
  const m = col.meta;
  if (!m.dtype || m.sampleCompression) return null;
  if (!m.minShape || !m.maxShape || !equalShapes(m.minShape, m.maxShape)) return null;
  if ((source.subSampleIndex?.length ?? 0) > 0) return null;
  return m.maxShape;
}

export async function planTensor(
  source: ViewLike,
  name: string,
  method: DecodeMethod,
  useWorkers: boolean,
  reads: { buffered: boolean; batchReads: boolean | undefined },
  signal: AbortSignal | undefined,
): Promise<TensorPlan> {
  const col = source.tensor(name);
  const base = baseColumn(source, name);
  const meta = col.meta;
  const allowed = allowedMethods(meta);
  if (!allowed.includes(method)) {
    throw new LoaderConfigError(`decode_method ${method} not supported for tensor ${name}. Supported methods for this tensor are ${allowed.join(", ")}`);
  }
  const assertValid = (): void => source.assertValid?.();
  const common = { name, method, col, base, estimateBytes: estimate(meta), dtype: null, pool: null, assertValid };
  if (method === "tobytes" || method === "image") {
    if (!base.readBytes) throw new UnsupportedError("readBytes", `[shoal] tensor ${name} does not expose its stored bytes, needed by decode method ${method}`);
    if (method === "tobytes") return { ...common, kind: "bytes", codec: null, dense: null, sampleShape: [] };
    return { ...common, kind: "codec", codec: meta.sampleCompression!, dense: null, sampleShape: [] };
  }
  if (col.column && source.length > 0) {
    const dense = await col.column({ signal });
    if (dense && dense.shape[0] === col.length) {
      const sampleShape = await col.shape(0, { signal });
      if (shapeSize(sampleShape) === 1) {
        return { ...common, kind: "column", codec: null, dense, dtype: dense.dtype, sampleShape, estimateBytes: dtypeInfo(dense.dtype).itemSize };
      }
    }
  }
  const fixed = fixedShape(source, col);
  if (fixed) {
    const fixedPlan = { ...common, codec: null, dense: null, dtype: meta.dtype!, sampleShape: fixed };
    // Batch reads make one small ranged read per chunk and batch: right where a request costs microseconds, a
    // round trip each on S3 or HTTP, where whole runs read ahead keep the requests few and large.
    const batchReads = reads.batchReads ?? base.remote !== true;
    if (typeof base.readManyInto === "function") {
      // Chunk-compressed samples are read into the batch only without a shuffle buffer: a batch cut from the buffer
      // draws on every chunk the buffer spans, far more than a decoded-chunk cache holds, and each miss decodes a
      // whole chunk again (measured 15-30x slower). Under a buffer they are read chunk by chunk and wait there decoded.
      if (meta.chunkCompression && reads.buffered) return { ...fixedPlan, kind: "pooled", pool: new SamplePool(meta.dtype!, shapeSize(fixed)) };
      if (meta.chunkCompression || batchReads) return { ...fixedPlan, kind: "into" };
    }
    // Read ahead: the stored bytes of a run with one request per chunk, kept as views of it (no copy per sample).
    if (!meta.chunkCompression && !batchReads && base.readBytesMany && base.readBytes) return { ...fixedPlan, kind: "ranged" };
  }
  const compression = meta.sampleCompression ?? null;
  if (useWorkers && compression && base.readBytes && (await isSampleCodec(compression))) {
    return { ...common, kind: "codec", codec: compression, dense: null, sampleShape: [] };
  }
  return { ...common, kind: "read", codec: null, dense: null, sampleShape: [] };
}
