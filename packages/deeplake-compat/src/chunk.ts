/**
 * One Deep Lake chunk: version header, run-length shape and byte-position encoders over chunk-local sample
 * indices, then the data region (deeplake-format.md §2.1–2.2).
 * @module
 */
import { dataView, readUint32s, readVersionHeader, searchLast } from "./binary.ts";
import { DeepLakeFormatError } from "./errors.ts";

export interface ParsedChunk {
  readonly key: string;
  readonly version: string;
  /** Rows of `[dim_0 … dim_{n-1}, last_local_index]`. */
  readonly shapes: Uint32Array;
  readonly shapeCols: number;
  readonly shapeRows: number;
  /** Rows of `[bytes_per_sample, start_byte, last_local_index]`. */
  readonly bps: Uint32Array;
  readonly bpsRows: number;
  /** Bytes after the header: raw samples, compressed samples, or one compressed block (chunk compression). */
  readonly data: Uint8Array;
  /** Byte offset of `data` within the chunk object. */
  readonly dataOffset: number;
}

export function parseChunk(bytes: Uint8Array, key: string): ParsedChunk {
  const header = readVersionHeader(bytes, key);
  const view = dataView(bytes);
  let at = header.end;
  const need = (n: number): void => {
    if (at + n > bytes.length) throw new DeepLakeFormatError(key, `chunk header needs ${n} more bytes but the object has ${bytes.length - at} left`, { offset: at });
  };
  need(8);
  const shapeRows = view.getInt32(at, true);
  const shapeCols = view.getInt32(at + 4, true);
  if (shapeRows < 0 || shapeCols < 0 || (shapeRows > 0 && shapeCols < 1)) throw new DeepLakeFormatError(key, `shape encoder of ${shapeRows} × ${shapeCols} is invalid`, { offset: at });
  at += 8;
  need(shapeRows * shapeCols * 4);
  const shapes = readUint32s(bytes, at, shapeRows * shapeCols, key);
  at += shapeRows * shapeCols * 4;
  need(4);
  const bpsRows = view.getInt32(at, true);
  if (bpsRows < 0) throw new DeepLakeFormatError(key, `byte-position encoder of ${bpsRows} rows is invalid`, { offset: at });
  at += 4;
  need(bpsRows * 12);
  const bps = readUint32s(bytes, at, bpsRows * 3, key);
  at += bpsRows * 12;
  return { key, version: header.version, shapes, shapeCols, shapeRows, bps, bpsRows, data: bytes.subarray(at), dataOffset: at };
}

/** Samples in the chunk (the chunk-id encoder is the authority; this is for checks). */
export function chunkSampleCount(chunk: ParsedChunk): number {
  if (chunk.shapeRows > 0) return chunk.shapes[chunk.shapeRows * chunk.shapeCols - 1]! + 1;
  if (chunk.bpsRows > 0) return chunk.bps[chunk.bpsRows * 3 - 1]! + 1;
  return 0;
}

/** The shape of local sample `local`; an empty shape encoder means only empty samples were written. */
export function chunkSampleShape(chunk: ParsedChunk, local: number, ndim: number): number[] {
  if (chunk.shapeRows === 0) return new Array<number>(ndim).fill(0);
  const cols = chunk.shapeCols;
  const row = searchLast(chunk.shapes, cols, chunk.shapeRows, local);
  if (row >= chunk.shapeRows) throw new DeepLakeFormatError(chunk.key, `shape encoder has no row for local sample ${local}`);
  return Array.from(chunk.shapes.subarray(row * cols, row * cols + cols - 1));
}

/** `[start, end)` of local sample `local` in the (decompressed) data region. */
export function chunkByteRange(chunk: ParsedChunk, local: number): [number, number] {
  if (chunk.bpsRows === 0) return [0, 0];
  const row = searchLast(chunk.bps, 3, chunk.bpsRows, local);
  if (row >= chunk.bpsRows) throw new DeepLakeFormatError(chunk.key, `byte-position encoder has no row for local sample ${local}`);
  const bias = row === 0 ? 0 : chunk.bps[row * 3 - 1]! + 1;
  const each = chunk.bps[row * 3]!;
  const start = chunk.bps[row * 3 + 1]! + (local - bias) * each;
  return [start, start + each];
}
