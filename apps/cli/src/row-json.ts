import type { DatasetView, NDArray, Tensor } from "shoal";

/** How many elements an array may have before `query --json` summarises it (without --full). */
const INLINE_ELEMENTS = 16;

function isNDArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v;
}

const scalar = (v: number | bigint | boolean) => (typeof v === "bigint" ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v);

/** A small array as nested lists in its shape (a bbox `[4]` → `[x, y, w, h]`). */
function nested(a: NDArray): unknown {
  const data = a.data as ArrayLike<number | bigint | boolean>;
  if (a.shape.length === 0) return scalar(data[0]!);
  let at = 0;
  const build = (dim: number): unknown[] => {
    const out: unknown[] = [];
    for (let i = 0; i < a.shape[dim]!; i++) out.push(dim === a.shape.length - 1 ? scalar(data[at++]!) : build(dim + 1));
    return out;
  };
  return build(0);
}

interface Column {
  name: string;
  tensor: Tensor;
  classNames?: readonly string[];
  /** Stored as a media file (jpeg, png, wav…): summarised from its stored bytes, never decoded, unless --full. */
  media: string | null;
}

function columnsOf(view: DatasetView, names: string[]): Column[] {
  return names.map((name) => {
    const tensor = view.tensor(name);
    const meta = tensor.meta;
    const compression = meta.sampleCompression ?? null;
    const media = compression && meta.encoding === "array" && !["lz4", "deflate", "zlib", "gzip"].includes(compression) ? compression : null;
    return { name, tensor, media, ...(meta.htype === "class_label" && meta.classNames ? { classNames: meta.classNames } : {}) };
  });
}

function valueJson(v: unknown, col: Column, full: boolean): unknown {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map((x) => valueJson(x, col, full));
  if (!isNDArray(v)) return v;
  if (col.classNames) {
    const names = Array.from(v.data as ArrayLike<number>, (i) => col.classNames![Number(i)] ?? Number(i));
    return v.shape.length === 0 || (v.shape.length === 1 && v.shape[0] === 1) ? names[0] ?? null : names;
  }
  if (v.data.length === 1 && v.shape.every((d) => d === 1)) return scalar((v.data as ArrayLike<number | bigint | boolean>)[0]!);
  if (full || v.data.length <= INLINE_ELEMENTS) return nested(v);
  return { shape: [...v.shape], dtype: v.dtype };
}

/**
 * The rows at `positions` of a view as plain JSON objects, one per row: class labels by name, small arrays inline,
 * large arrays and media summarised (`{ shape, dtype, compression, bytes }`) unless `full`.
 */
export async function rowsAsJson(view: DatasetView, names: string[], positions: number[], full: boolean): Promise<Record<string, unknown>[]> {
  const columns = columnsOf(view, names);
  const rows: Record<string, unknown>[] = positions.map((p) => ({ index: view.sampleIndices[p] }));
  for (const col of columns) {
    if (col.media && !full) {
      const picked = col.tensor.slice(positions);
      const shapes = await picked.shapes();
      const dtype = col.tensor.dtype;
      const stored = await picked.readBytesMany(positions.map((_, r) => r));
      for (let r = 0; r < positions.length; r++) {
        rows[r]![col.name] = { shape: shapes[r], dtype, compression: col.media, bytes: stored[r]!.bytes.byteLength };
      }
      continue;
    }
    const values = await col.tensor.readMany(positions);
    for (let r = 0; r < positions.length; r++) rows[r]![col.name] = valueJson(values[r], col, full);
  }
  return rows;
}
