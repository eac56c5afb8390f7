/**
 * Chunk-index segments (FORMAT.md §5): which chunk holds which samples, plus the tile layout of tiled samples.
 * @module
 */
import { CorruptChunkError } from "./errors.ts";
import { hexToId, idToHex } from "./ids.ts";
import { xxh32 } from "@shoal/codecs";

const INDEX_MAGIC = 0x58494853; // "SHIX"
const ROW_BYTES = 32;
const TILED = 1;

export interface TileLayout {
  readonly shape: readonly number[];
  readonly tileShape: readonly number[];
  /** Tile chunk ids (hex) in C order of the tile grid. */
  readonly ids: readonly string[];
}

export interface IndexRow {
  /** Chunk id (hex); "" for a tiled row. */
  readonly id: string;
  readonly count: number;
  /** The chunk's header length and object length, so a reader fetches the header in one exact range request. */
  readonly headerLength: number;
  readonly objectLength: number;
  readonly tiles?: TileLayout;
}

export function encodeIndexSegment(rows: readonly IndexRow[]): Uint8Array {
  let tileBytes = 0;
  let tileCount = 0;
  for (const r of rows) {
    if (!r.tiles) continue;
    tileCount++;
    tileBytes += 8 + 8 * r.tiles.shape.length + 16 * r.tiles.ids.length;
  }
  const out = new Uint8Array(16 + ROW_BYTES * rows.length + tileBytes + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, INDEX_MAGIC, true);
  view.setUint8(4, 1);
  view.setUint32(8, rows.length, true);
  view.setUint32(12, tileCount, true);
  let p = 16;
  for (const r of rows) {
    if (!r.tiles) out.set(hexToId(r.id), p);
    view.setUint32(p + 16, r.count, true);
    view.setUint32(p + 20, r.tiles ? TILED : 0, true);
    view.setUint32(p + 24, r.headerLength, true);
    view.setUint32(p + 28, r.objectLength, true);
    p += ROW_BYTES;
  }
  rows.forEach((r, i) => {
    if (!r.tiles) return;
    const d = r.tiles.shape.length;
    view.setUint32(p, i, true);
    view.setUint8(p + 4, d);
    p += 8;
    for (const v of r.tiles.shape) (view.setUint32(p, v, true), (p += 4));
    for (const v of r.tiles.tileShape) (view.setUint32(p, v, true), (p += 4));
    for (const id of r.tiles.ids) (out.set(hexToId(id), p), (p += 16));
  });
  view.setUint32(p, xxh32(out, 0, p), true);
  return out;
}

export function decodeIndexSegment(bytes: Uint8Array, key: string): IndexRow[] {
  if (bytes.byteLength < 20) throw new CorruptChunkError(key, 0, "index segment shorter than its header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== INDEX_MAGIC) throw new CorruptChunkError(key, 0, "bad magic (expected SHIX)");
  if (view.getUint8(4) !== 1) throw new CorruptChunkError(key, 4, `unsupported index version ${view.getUint8(4)}`);
  const end = bytes.byteLength - 4;
  if (xxh32(bytes, 0, end) !== view.getUint32(end, true)) throw new CorruptChunkError(key, end, "index checksum mismatch");
  const n = view.getUint32(8, true);
  const t = view.getUint32(12, true);
  if (16 + n * ROW_BYTES > end) throw new CorruptChunkError(key, 8, `row count ${n} overruns the segment`);
  const rows: IndexRow[] = [];
  const tiledAt: number[] = [];
  let p = 16;
  for (let i = 0; i < n; i++, p += ROW_BYTES) {
    const tiled = (view.getUint32(p + 20, true) & TILED) !== 0;
    rows.push({
      id: tiled ? "" : idToHex(bytes.subarray(p, p + 16)),
      count: view.getUint32(p + 16, true),
      headerLength: view.getUint32(p + 24, true),
      objectLength: view.getUint32(p + 28, true),
    });
    if (tiled) tiledAt.push(i);
  }
  for (let k = 0; k < t; k++) {
    if (p + 8 > end) throw new CorruptChunkError(key, p, "tile record overruns the segment");
    const row = view.getUint32(p, true);
    const d = view.getUint8(p + 4);
    p += 8;
    const shape: number[] = [];
    const tileShape: number[] = [];
    if (p + 8 * d > end) throw new CorruptChunkError(key, p, "tile record overruns the segment");
    for (let j = 0; j < d; j++, p += 4) shape.push(view.getUint32(p, true));
    for (let j = 0; j < d; j++, p += 4) tileShape.push(view.getUint32(p, true));
    let tiles = 1;
    for (let j = 0; j < d; j++) tiles *= tileShape[j]! === 0 ? 0 : Math.ceil(shape[j]! / tileShape[j]!);
    if (p + 16 * tiles > end || row >= n || tiledAt[k] !== row) throw new CorruptChunkError(key, p, "inconsistent tile record");
    const ids: string[] = [];
    for (let j = 0; j < tiles; j++, p += 16) ids.push(idToHex(bytes.subarray(p, p + 16)));
    rows[row] = { ...rows[row]!, tiles: { shape, tileShape, ids } };
  }
  if (tiledAt.length !== t) throw new CorruptChunkError(key, 12, "tiled rows and tile records disagree");
  return rows;
}
