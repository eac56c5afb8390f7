// SYNTHETIC: a tiny writer of the Deep Lake 3.x layout, built from /work/shared/research/deeplake-format.md alone,
// for the features no committed public dataset has (lz4 chunk compression, tiles, png, polygons, branches, chunk_set
// entries naming other commits). It is not Deep Lake's writer: it writes only what the notes specify.
import type { SuiteStore as Store } from "./store-types.ts";

const enc = new TextEncoder();

export const FIRST = "firstdbf9474d461a19e9333c2fd19b46115348f";
export const prefixOf = (commit: string): string => (commit === FIRST ? "" : `versions/${commit}/`);

export function versionHeader(version: string): Uint8Array {
  return concat([new Uint8Array([version.length]), enc.encode(version)]);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u32s(values: readonly number[]): Uint8Array {
  const b = new Uint8Array(values.length * 4);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setUint32(i * 4, x, true));
  return b;
}

function i32s(values: readonly number[]): Uint8Array {
  const b = new Uint8Array(values.length * 4);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setInt32(i * 4, x, true));
  return b;
}

export interface SampleSpec {
  /** Bytes as stored in the data region (raw LE elements, UTF-8, or one compressed file). */
  bytes: Uint8Array;
  shape: readonly number[];
}

export interface ChunkOptions {
  version?: string;
  /** Chunk compression of the data region as a whole (lz4 block, lz4 frame). */
  compress?: (data: Uint8Array) => Uint8Array;
  /** One bps row per sample even when lengths repeat (Deep Lake's text fast path). */
  bpsPerSample?: boolean;
  /** No bps rows: image chunk compression and tiles. */
  noBps?: boolean;
  /** Data region to write instead of the samples' bytes (an image canvas). */
  data?: Uint8Array;
}

/** §2.1: header, RLE shape rows `[dims…, last]`, RLE bps rows `[n, start, last]` (local indices), data. */
export function chunk(samples: readonly SampleSpec[], opts: ChunkOptions = {}): Uint8Array {
  const shapeRows: number[][] = [];
  const bpsRows: number[][] = [];
  let start = 0;
  samples.forEach((s, i) => {
    const lastShape = shapeRows.at(-1);
    if (lastShape && lastShape.slice(0, -1).join() === s.shape.join()) lastShape[lastShape.length - 1] = i;
    else shapeRows.push([...s.shape, i]);
    if (!opts.noBps) {
      const lastBps = bpsRows.at(-1);
      if (!opts.bpsPerSample && lastBps && lastBps[0] === s.bytes.length) lastBps[2] = i;
      else bpsRows.push([s.bytes.length, start, i]);
    }
    start += s.bytes.length;
  });
  const cols = shapeRows[0]?.length ?? 0;
  const raw = opts.data ?? concat(samples.map((s) => s.bytes));
  const data = opts.compress ? opts.compress(raw) : raw;
  return concat([
    versionHeader(opts.version ?? "3.9.52"),
    i32s([shapeRows.length, cols]),
    u32s(shapeRows.flat()),
    i32s([bpsRows.length]),
    u32s(bpsRows.flat()),
    data,
  ]);
}

/** §3.1: `[version][W][rows of (id, last)]`; `width: null` is the pre-2.7.6 layout (uint32, no W byte). */
export function chunkIds(rows: readonly [bigint, number][], width: 4 | 8 | null = 8, version = width === null ? "2.0.6" : "3.9.52"): Uint8Array {
  const w = width ?? 4;
  const body = new Uint8Array(rows.length * 2 * w);
  const v = new DataView(body.buffer);
  rows.forEach(([id, last], r) => {
    if (w === 8) {
      v.setBigUint64(r * 16, id, true);
      v.setBigUint64(r * 16 + 8, BigInt(last), true);
    } else {
      v.setUint32(r * 8, Number(id), true);
      v.setUint32(r * 8 + 4, last, true);
    }
  });
  return concat([versionHeader(version), width === null ? new Uint8Array(0) : new Uint8Array([w]), body]);
}

/** §3.5: `[version] u64 n [u64 d] n × {index, sample shape, tile shape}`. */
export function tilesIndex(entries: readonly { index: number; sampleShape: number[]; tileShape: number[] }[], version = "3.9.52"): Uint8Array {
  const d = entries[0]?.sampleShape.length ?? 0;
  const values = entries.length ? [entries.length, d, ...entries.flatMap((e) => [e.index, ...e.sampleShape, ...e.tileShape])] : [0];
  const b = new Uint8Array(values.length * 8);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setBigUint64(i * 8, BigInt(x), true));
  return concat([versionHeader(version), b]);
}

export function json(value: unknown): Uint8Array {
  return enc.encode(JSON.stringify(value, null, 4));
}

export interface TensorSpec {
  key: string;
  htype?: string | null;
  dtype?: string | null;
  length: number;
  minShape: number[];
  maxShape: number[];
  sampleCompression?: string | null;
  chunkCompression?: string | null;
  hidden?: boolean;
  info?: Record<string, unknown>;
  /** Chunk-id rows; chunk bytes go to `chunks` under the tensor's folder of `commit`. */
  ids: Uint8Array;
  chunks?: Record<string, Uint8Array>;
  tiles?: Uint8Array;
  extraMeta?: Record<string, unknown>;
}

/** Writes one tensor's meta, info, encoders and own chunks into commit `commit`'s folder. */
export async function writeTensor(store: Store, commit: string, t: TensorSpec): Promise<void> {
  const p = `${prefixOf(commit)}${t.key}`;
  const meta = {
    chunk_compression: t.chunkCompression ?? null, dtype: t.dtype ?? null, hidden: t.hidden ?? false, htype: t.htype === undefined ? "generic" : t.htype,
    is_link: false, is_sequence: false, length: t.length, links: {}, max_chunk_size: null, max_shape: t.maxShape, min_shape: t.minShape,
    name: t.key, sample_compression: t.sampleCompression ?? null, tiling_threshold: null, typestr: null, verify: true, version: "3.9.52", ...t.extraMeta,
  };
  await store.set(`${p}/tensor_meta.json`, json(meta));
  if (t.info) await store.set(`${p}/tensor_info.json`, json(t.info));
  await store.set(`${p}/chunks_index/unsharded`, t.ids);
  await store.set(`${p}/tiles_index/unsharded`, t.tiles ?? tilesIndex([]));
  for (const [name, bytes] of Object.entries(t.chunks ?? {})) await store.set(`${p}/chunks/${name}`, bytes);
}

export async function writeDatasetMeta(store: Store, commit: string, tensors: string[], opts: { names?: Record<string, string>; hidden?: string[]; groups?: string[]; version?: string } = {}): Promise<void> {
  await store.set(`${prefixOf(commit)}dataset_meta.json`, json({
    default_index: [{ start: null, step: null, stop: null }], groups: opts.groups ?? [], hidden_tensors: opts.hidden ?? [],
    tensor_names: opts.names ?? Object.fromEntries(tensors.map((k) => [k, k])), tensors, version: opts.version ?? "3.9.52",
  }));
}

export function le(dtype: "int16" | "uint16" | "int32" | "float32" | "float64", values: readonly number[]): Uint8Array {
  const C = { int16: Int16Array, uint16: Uint16Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[dtype];
  const a = new C(values);
  return new Uint8Array(a.buffer);
}
