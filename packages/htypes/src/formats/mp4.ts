/**
 * MP4 / QuickTime boxes: width and height from the video track's `tkhd`, frame count from its `stsz`/`stz2`.
 * Shape is `(frames, height, width, 3)` as Deep Lake reports videos.
 * @module
 */
import { CorruptDataError } from "@shoal/core";
import type { MediaInfo } from "../types.ts";

interface Box {
  type: string;
  start: number;
  end: number;
}

function* boxes(v: DataView, start: number, end: number): Generator<Box> {
  let pos = start;
  while (pos + 8 <= end) {
    let size = v.getUint32(pos);
    const type = String.fromCharCode(v.getUint8(pos + 4), v.getUint8(pos + 5), v.getUint8(pos + 6), v.getUint8(pos + 7));
    let header = 8;
    if (size === 1) {
      if (pos + 16 > end) throw new CorruptDataError("mp4", `truncated 64-bit size of box ${type}`, { offset: pos });
      size = Number(v.getBigUint64(pos + 8));
      header = 16;
    } else if (size === 0) size = end - pos;
    if (size < header || pos + size > end) throw new CorruptDataError("mp4", `box ${JSON.stringify(type)} of ${size} bytes overruns its parent`, { offset: pos });
    yield { type, start: pos + header, end: pos + size };
    pos += size;
  }
}

function child(v: DataView, parent: Box, type: string): Box | undefined {
  for (const b of boxes(v, parent.start, parent.end)) if (b.type === type) return b;
  return undefined;
}

function path(v: DataView, parent: Box, types: string[]): Box | undefined {
  let cur: Box | undefined = parent;
  for (const t of types) {
    cur = cur && child(v, cur, t);
    if (!cur) return undefined;
  }
  return cur;
}

export function readMp4Info(bytes: Uint8Array): MediaInfo {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const top = [...boxes(v, 0, bytes.length)];
  if (!top.some((b) => b.type === "ftyp" || b.type === "moov")) throw new CorruptDataError("mp4", "no ftyp or moov box", { offset: 0 });
  const moov = top.find((b) => b.type === "moov");
  if (!moov) throw new CorruptDataError("mp4", "no moov box (the index may be missing or the file truncated)");
  for (const trak of boxes(v, moov.start, moov.end)) {
    if (trak.type !== "trak") continue;
    const hdlr = path(v, trak, ["mdia", "hdlr"]);
    if (!hdlr || hdlr.start + 12 > hdlr.end) continue;
    const handler = String.fromCharCode(...bytes.subarray(hdlr.start + 8, hdlr.start + 12));
    if (handler !== "vide") continue;
    const tkhd = child(v, trak, "tkhd");
    if (!tkhd) throw new CorruptDataError("mp4", "video track without tkhd", { offset: trak.start });
    const widthAt = tkhd.start + (v.getUint8(tkhd.start) === 1 ? 88 : 76);
    if (widthAt + 8 > tkhd.end) throw new CorruptDataError("mp4", "truncated tkhd", { offset: tkhd.start });
    // 16.16 fixed point.
    const width = v.getUint32(widthAt) >>> 16;
    const height = v.getUint32(widthAt + 4) >>> 16;
    const stbl = path(v, trak, ["mdia", "minf", "stbl"]);
    const stsz = stbl && (child(v, stbl, "stsz") ?? child(v, stbl, "stz2"));
    const frames = stsz && stsz.start + 12 <= stsz.end ? v.getUint32(stsz.start + 8) : 0;
    const mdhd = path(v, trak, ["mdia", "mdhd"]);
    let durationSeconds: number | undefined;
    if (mdhd) {
      const long = v.getUint8(mdhd.start) === 1;
      const timescale = v.getUint32(mdhd.start + (long ? 20 : 12));
      const duration = long ? Number(v.getBigUint64(mdhd.start + 24)) : v.getUint32(mdhd.start + 16);
      if (timescale > 0) durationSeconds = duration / timescale;
    }
    return { compression: "mp4", shape: [frames, height, width, 3], dtype: "uint8", details: { width, height, frames, durationSeconds } };
  }
  throw new CorruptDataError("mp4", "no video track");
}
