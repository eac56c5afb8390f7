/**
 * The per-tensor index objects: the chunk-id encoder (`chunks_index/unsharded`: which chunk holds which global
 * samples) and the tile encoder (`tiles_index/unsharded`: which samples are split into tiles, and how).
 * @module
 */
import { compareVersions, dataView, readVersionHeader, searchLast } from "./binary.ts";
import { DeepLakeFormatError } from "./errors.ts";

export interface ChunkIdTable {
  /** Chunk name of each row: the id in lowercase hex, not zero-padded (`97a4ba`). */
  readonly names: readonly string[];
  /** Last global sample index of each row; tile rows repeat their sample's index. */
  readonly last: Float64Array;
  readonly rows: number;
  /** 4 (hub 2.x) or 8 (deeplake 3.x) bytes per id. */
  readonly idBytes: 4 | 8;
}

/** Encoders written before this version have no dtype byte and always hold uint32 ids. */
const DTYPE_BYTE_SINCE = "2.7.6";

export function parseChunkIds(bytes: Uint8Array, key: string): ChunkIdTable {
  const header = readVersionHeader(bytes, key);
  let at = header.end;
  let idBytes: 4 | 8 = 4;
  if (compareVersions(header.version, DTYPE_BYTE_SINCE) >= 0) {
    const w = bytes[at];
    if (w !== 4 && w !== 8) throw new DeepLakeFormatError(key, `chunk-id width byte is ${w}, expected 4 or 8`, { offset: at });
    idBytes = w;
    at++;
  }
  const rowBytes = 2 * idBytes;
  const body = bytes.length - at;
  if (body % rowBytes !== 0) throw new DeepLakeFormatError(key, `${body} bytes of chunk-id rows is not a multiple of ${rowBytes}`, { offset: at });
  const rows = body / rowBytes;
  const view = dataView(bytes);
  const names = new Array<string>(rows);
  const last = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = at + r * rowBytes;
    if (idBytes === 8) {
      names[r] = view.getBigUint64(o, true).toString(16);
      last[r] = Number(view.getBigUint64(o + 8, true));
    } else {
      names[r] = view.getUint32(o, true).toString(16);
      last[r] = view.getUint32(o + 4, true);
    }
    if (r > 0 && last[r]! < last[r - 1]!) throw new DeepLakeFormatError(key, `row ${r} ends at sample ${last[r]}, before row ${r - 1} (${last[r - 1]})`, { offset: o });
  }
  return { names, last, rows, idBytes };
}

export interface ChunkRows {
  /** First chunk-id row of the sample; tiled samples continue over the following rows with the same last index. */
  row: number;
  /** Rows holding the sample (1 unless tiled). */
  count: number;
  /** Index of the sample inside the first row's chunk. */
  local: number;
}

/** Which chunk-id rows hold global sample `i` (undefined when `i` is past the last row). */
export function locateSample(table: ChunkIdTable, i: number): ChunkRows | undefined {
  const row = searchLast(table.last, 1, table.rows, i);
  if (row >= table.rows) return undefined;
  const first = row === 0 ? 0 : table.last[row - 1]! + 1;
  let count = 1;
  while (row + count < table.rows && table.last[row + count] === i) count++;
  return { row, count, local: i - first };
}

export interface TileLayout {
  readonly sampleShape: readonly number[];
  readonly tileShape: readonly number[];
}

/** Global sample index → tile layout, for the samples that are tiled. */
export type TileTable = ReadonlyMap<number, TileLayout>;

export function parseTiles(bytes: Uint8Array, key: string): TileTable {
  try {
    const header = readVersionHeader(bytes, key);
    return readTileEntries(bytes, header.end, true, key);
  } catch (e) {
    // Very old encoders were written big-endian without a version header.
    try {
      return readTileEntries(bytes, 0, false, key);
    } catch {
      throw e;
    }
  }
}

function readTileEntries(bytes: Uint8Array, at: number, le: boolean, key: string): TileTable {
  const view = dataView(bytes);
  const u64 = (o: number): number => {
    if (o + 8 > bytes.length) throw new DeepLakeFormatError(key, "tile encoder ends inside an entry", { offset: o });
    const v = view.getBigUint64(o, le);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DeepLakeFormatError(key, `tile encoder value ${v} is too large`, { offset: o });
    return Number(v);
  };
  const out = new Map<number, TileLayout>();
  const n = u64(at);
  at += 8;
  if (n === 0) {
    if (at !== bytes.length) throw new DeepLakeFormatError(key, `${bytes.length - at} bytes after an empty tile encoder`, { offset: at });
    return out;
  }
  const d = u64(at);
  at += 8;
  if (d === 0 || d > 32 || at + n * (1 + 2 * d) * 8 !== bytes.length) throw new DeepLakeFormatError(key, `tile encoder of ${n} entries × ${d} dims does not match its ${bytes.length} bytes`, { offset: at });
  for (let e = 0; e < n; e++) {
    const index = u64(at);
    at += 8;
    const sampleShape: number[] = [];
    const tileShape: number[] = [];
    for (let k = 0; k < d; k++, at += 8) sampleShape.push(u64(at));
    for (let k = 0; k < d; k++, at += 8) tileShape.push(u64(at));
    if (tileShape.some((t) => t === 0)) throw new DeepLakeFormatError(key, `tile shape of sample ${index} has a zero dimension`, { offset: at });
    out.set(index, { sampleShape, tileShape });
  }
  return out;
}

/** Tiles per dimension: `ceil(sampleShape / tileShape)`. */
export function tileGrid(layout: TileLayout): number[] {
  return layout.sampleShape.map((s, k) => Math.ceil(s / layout.tileShape[k]!));
}
