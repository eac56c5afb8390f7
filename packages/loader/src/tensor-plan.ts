/**
 * How each selected tensor is loaded, decided once per loader: a dense column gathered with typed arrays, decoded
 * samples from `readMany`, stored bytes (`tobytes`), or compressed samples decoded by the codec (in workers).
 * @module
 */
import { type NDArray, UnsupportedError, dtypeInfo, shapeSize } from "@shoal/core";
import type { ColumnMeta, TensorColumn, TensorSource } from "@shoal/views";
import { isSampleCodec } from "./codecs.ts";
import { LoaderConfigError } from "./errors.ts";
import type { DecodeMethod } from "./types.ts";

export type TensorKind = "column" | "read" | "bytes" | "codec";

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
  readonly sampleShape: readonly number[];
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

/** The column holding the stored data (a view's base column), where capabilities like readBytes live. */
function baseColumn(source: TensorSource & { source?: TensorSource }, name: string): TensorColumn {
  const root = source.source;
  if (root && root.tensorNames().includes(name)) return root.tensor(name);
  return source.tensor(name);
}

export async function planTensor(
  source: TensorSource & { source?: TensorSource },
  name: string,
  method: DecodeMethod,
  useWorkers: boolean,
  signal: AbortSignal | undefined,
): Promise<TensorPlan> {
  const col = source.tensor(name);
  const base = baseColumn(source, name);
  const meta = col.meta;
  const allowed = allowedMethods(meta);
  if (!allowed.includes(method)) {
    throw new LoaderConfigError(`decode_method ${method} not supported for tensor ${name}. Supported methods for this tensor are ${allowed.join(", ")}`);
  }
  const common = { name, method, col, base, estimateBytes: estimate(meta) };
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
        return { ...common, kind: "column", codec: null, dense, sampleShape, estimateBytes: dtypeInfo(dense.dtype).itemSize };
      }
    }
  }
  const compression = meta.sampleCompression ?? null;
  if (useWorkers && compression && base.readBytes && (await isSampleCodec(compression))) {
    return { ...common, kind: "codec", codec: compression, dense: null, sampleShape: [] };
  }
  return { ...common, kind: "read", codec: null, dense: null, sampleShape: [] };
}
