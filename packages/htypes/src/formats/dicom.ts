/**
 * DICOM Part 10 files: rows, columns, samples per pixel, frames and bits allocated from the dataset, in explicit
 * VR little endian, implicit VR little endian and explicit VR big endian. Sequences of undefined length are
 * skipped item by item. The shape matches what pydicom's `pixel_array` gives Deep Lake (a 2-D frame gets a
 * trailing 1).
 * @module
 */
import { CorruptDataError, type DType } from "@shoal/core";
import type { MediaInfo } from "../types.ts";

const LONG_VRS = new Set(["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]);
const UNDEFINED = 0xffffffff;
const IMPLICIT_LE = "1.2.840.10008.1.2";
const EXPLICIT_BE = "1.2.840.10008.1.2.2";
const DEFLATED = "1.2.840.10008.1.2.1.99";

interface Cursor {
  view: DataView;
  bytes: Uint8Array;
  explicit: boolean;
  little: boolean;
}

interface Element {
  tag: number;
  vr: string;
  valueOffset: number;
  length: number;
}

function fail(message: string, offset: number): never {
  throw new CorruptDataError("dcm", message, { offset });
}

function isVR(bytes: Uint8Array, at: number): boolean {
  const a = bytes[at];
  const b = bytes[at + 1];
  return a !== undefined && b !== undefined && a >= 0x41 && a <= 0x5a && b >= 0x41 && b <= 0x5a;
}

/** Reads one element header at `pos`; item and delimiter tags (group FFFE) always use the implicit layout. */
function readHeader(c: Cursor, pos: number): Element {
  if (pos + 8 > c.bytes.length) fail("truncated element header", pos);
  const group = c.view.getUint16(pos, c.little);
  const element = c.view.getUint16(pos + 2, c.little);
  const tag = ((group << 16) | element) >>> 0;
  if (group === 0xfffe || !c.explicit) {
    return { tag, vr: "", valueOffset: pos + 8, length: c.view.getUint32(pos + 4, c.little) };
  }
  const vr = String.fromCharCode(c.bytes[pos + 4]!, c.bytes[pos + 5]!);
  if (!isVR(c.bytes, pos + 4)) fail(`bad VR ${JSON.stringify(vr)} for tag ${tag.toString(16).padStart(8, "0")}`, pos + 4);
  if (LONG_VRS.has(vr)) {
    if (pos + 12 > c.bytes.length) fail("truncated element header", pos);
    return { tag, vr, valueOffset: pos + 12, length: c.view.getUint32(pos + 8, c.little) };
  }
  return { tag, vr, valueOffset: pos + 8, length: c.view.getUint16(pos + 6, c.little) };
}

/** Position after a value of undefined length (a sequence or encapsulated pixel data), found by walking its items. */
function skipUndefined(c: Cursor, pos: number, depth: number): number {
  if (depth > 32) fail("sequences nested deeper than 32", pos);
  for (;;) {
    const item = readHeader({ ...c, explicit: false }, pos);
    if (item.tag === 0xfffee0dd) return item.valueOffset;
    if (item.tag !== 0xfffee000) fail(`expected an item tag, got ${item.tag.toString(16)}`, pos);
    if (item.length !== UNDEFINED) {
      pos = item.valueOffset + item.length;
      continue;
    }
    pos = walk(c, item.valueOffset, c.bytes.length, depth + 1, () => true);
  }
}

/**
 * Walks elements from `pos`, calling `visit` for each; stops when `visit` returns false, at an item delimiter
 * (returning the position after it) or at `end`.
 */
function walk(c: Cursor, pos: number, end: number, depth: number, visit: (e: Element) => boolean): number {
  while (pos < end) {
    const e = readHeader(c, pos);
    if (e.tag === 0xfffee00d) return e.valueOffset;
    if (!visit(e)) return pos;
    if (e.length === UNDEFINED) pos = skipUndefined(c, e.valueOffset, depth);
    else {
      pos = e.valueOffset + e.length;
      if (pos > c.bytes.length) fail(`element ${e.tag.toString(16).padStart(8, "0")} runs past the end of the file`, e.valueOffset);
    }
  }
  return pos;
}

function text(c: Cursor, e: Element): string {
  return new TextDecoder("latin1").decode(c.bytes.subarray(e.valueOffset, e.valueOffset + e.length)).replace(/[\0 ]+$/, "").trim();
}

export function readDicomInfo(bytes: Uint8Array): MediaInfo {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let transferSyntax = IMPLICIT_LE;
  const hasPreamble = bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
  if (hasPreamble) {
    pos = 132;
    // The file meta group is always explicit VR little endian, whatever the dataset after it uses; check the
    // group before parsing a header so the first dataset element is not read with the wrong layout.
    const meta: Cursor = { view, bytes, explicit: true, little: true };
    while (pos + 8 <= bytes.length && view.getUint16(pos, true) === 0x0002) {
      const e = readHeader(meta, pos);
      if (e.length === UNDEFINED) fail("undefined length in the file meta group", pos);
      if (e.tag === 0x00020010) transferSyntax = text(meta, e);
      pos = e.valueOffset + e.length;
    }
  } else if (bytes.length >= 8 && isVR(bytes, 4)) {
    transferSyntax = "1.2.840.10008.1.2.1";
  }
  if (transferSyntax === DEFLATED) fail("deflated transfer syntax is not supported", pos);
  const c: Cursor = { view, bytes, explicit: transferSyntax !== IMPLICIT_LE, little: transferSyntax !== EXPLICIT_BE };
  const found = new Map<number, Element>();
  let pixelData = false;
  walk(c, pos, bytes.length, 0, (e) => {
    if (e.tag === 0x7fe00010) {
      pixelData = true;
      return false;
    }
    if (e.tag >>> 16 === 0x0028) found.set(e.tag, e);
    return true;
  });
  const us = (tag: number): number | undefined => {
    const e = found.get(tag);
    return e && e.length >= 2 ? c.view.getUint16(e.valueOffset, c.little) : undefined;
  };
  const rows = us(0x00280010);
  const columns = us(0x00280011);
  if (rows === undefined || columns === undefined) fail("no Rows/Columns (0028,0010/0011): not an image DICOM", pos);
  const samplesPerPixel = us(0x00280002) ?? 1;
  const bitsAllocated = us(0x00280100) ?? 8;
  const signed = us(0x00280103) === 1;
  const framesElement = found.get(0x00280008);
  const frames = framesElement ? Number.parseInt(text(c, framesElement), 10) || 1 : 1;
  const photometric = found.get(0x00280004);
  let dtype: DType;
  if (bitsAllocated <= 8) dtype = signed ? "int8" : "uint8";
  else if (bitsAllocated <= 16) dtype = signed ? "int16" : "uint16";
  else if (bitsAllocated <= 32) dtype = signed ? "int32" : "uint32";
  else dtype = "float64";
  const shape = frames > 1 ? [frames, rows, columns, ...(samplesPerPixel > 1 ? [samplesPerPixel] : [])] : [rows, columns, samplesPerPixel];
  return {
    compression: "dcm",
    shape,
    dtype,
    details: {
      transferSyntax, rows, columns, samplesPerPixel, bitsAllocated, frames, pixelData,
      photometricInterpretation: photometric ? text(c, photometric) : undefined,
    },
  };
}
