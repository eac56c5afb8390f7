// Small format writers for tests: each builds a file from the format's specification with DataView.

const enc = new TextEncoder();

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** LAS 1.2 (or 1.4) with `points` zero records of point format `format`. */
export function lasFile(opts: { points: number; format: number; recordLength: number; minor?: number }): Uint8Array {
  const minor = opts.minor ?? 2;
  const headerSize = minor >= 4 ? 375 : 227;
  const out = new Uint8Array(headerSize + opts.points * opts.recordLength);
  const v = new DataView(out.buffer);
  out.set(enc.encode("LASF"), 0);
  v.setUint8(24, 1);
  v.setUint8(25, minor);
  v.setUint16(94, headerSize, true);
  v.setUint32(96, headerSize, true);
  v.setUint32(100, 0, true);
  v.setUint8(104, opts.format);
  v.setUint16(105, opts.recordLength, true);
  v.setUint32(107, minor >= 4 ? 0 : opts.points, true);
  for (let i = 0; i < 3; i++) v.setFloat64(131 + 8 * i, 0.01, true);
  if (minor >= 4) v.setBigUint64(247, BigInt(opts.points), true);
  return out;
}

export function plyFile(vertices: number, faces: number, format = "binary_little_endian"): Uint8Array {
  const header = `ply\nformat ${format} 1.0\ncomment made by a test\nelement vertex ${vertices}\nproperty float x\nproperty float y\nproperty float z\nelement face ${faces}\nproperty list uchar int vertex_indices\nend_header\n`;
  return concat(enc.encode(header), new Uint8Array(vertices * 12 + faces * 13));
}

export function niftiFile(dims: number[], datatype: number, bitpix: number, little = true): Uint8Array {
  const voxels = dims.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(352 + voxels * (bitpix / 8));
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, little);
  v.setInt16(40, dims.length, little);
  dims.forEach((d, i) => v.setInt16(42 + 2 * i, d, little));
  v.setInt16(70, datatype, little);
  v.setInt16(72, bitpix, little);
  v.setFloat32(108, 352, little);
  out.set(enc.encode("n+1\0"), 344);
  return out;
}

type El = { group: number; element: number; vr: string; value: Uint8Array; undefinedLength?: boolean };

const LONG = new Set(["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]);

export function us(n: number, little = true): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, n, little);
  return b;
}

export function str(s: string): Uint8Array {
  return enc.encode(s.length % 2 ? `${s}\0` : s);
}

function element(e: El, explicit: boolean, little: boolean): Uint8Array {
  const long = !explicit || LONG.has(e.vr);
  const head = new Uint8Array(explicit ? (long ? 12 : 8) : 8);
  const v = new DataView(head.buffer);
  v.setUint16(0, e.group, little);
  v.setUint16(2, e.element, little);
  const len = e.undefinedLength ? 0xffffffff : e.value.length;
  if (explicit) {
    head.set(enc.encode(e.vr), 4);
    if (long) v.setUint32(8, len, little);
    else v.setUint16(6, len, little);
  } else v.setUint32(4, len, little);
  return concat(head, e.value);
}

function tagOnly(group: number, el: number, length: number, little: boolean): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint16(0, group, little);
  v.setUint16(2, el, little);
  v.setUint32(4, length, little);
  return b;
}

/**
 * A DICOM Part 10 file with a 128-byte preamble, group-2 meta, a sequence of undefined length (to be skipped),
 * the image pixel module and pixel data.
 */
export function dicomFile(opts: { rows: number; columns: number; samples?: number; bits?: number; frames?: number; syntax: "explicit" | "implicit" | "big" }): Uint8Array {
  const syntax = { explicit: "1.2.840.10008.1.2.1", implicit: "1.2.840.10008.1.2", big: "1.2.840.10008.1.2.2" }[opts.syntax];
  const explicit = opts.syntax !== "implicit";
  const little = opts.syntax !== "big";
  const meta = element({ group: 2, element: 0x10, vr: "UI", value: str(syntax) }, true, true);
  const metaLength = element({ group: 2, element: 0, vr: "UL", value: new Uint8Array([meta.length, 0, 0, 0]) }, true, true);
  // A sequence with undefined length holding one item of undefined length with one element.
  const nested = element({ group: 0x0008, element: 0x0100, vr: "SH", value: str("CODE") }, explicit, little);
  const sequence = concat(
    element({ group: 0x0008, element: 0x1140, vr: "SQ", value: new Uint8Array(0), undefinedLength: true }, explicit, little),
    tagOnly(0xfffe, 0xe000, 0xffffffff, little),
    nested,
    tagOnly(0xfffe, 0xe00d, 0, little),
    tagOnly(0xfffe, 0xe0dd, 0, little),
  );
  const pixels = (opts.samples ?? 1) * opts.rows * opts.columns * (opts.frames ?? 1) * ((opts.bits ?? 16) / 8);
  const body = concat(
    element({ group: 0x0008, element: 0x0060, vr: "CS", value: str("CT") }, explicit, little),
    sequence,
    element({ group: 0x0028, element: 0x0002, vr: "US", value: us(opts.samples ?? 1, little) }, explicit, little),
    element({ group: 0x0028, element: 0x0004, vr: "CS", value: str((opts.samples ?? 1) === 3 ? "RGB" : "MONOCHROME2") }, explicit, little),
    ...(opts.frames ? [element({ group: 0x0028, element: 0x0008, vr: "IS", value: str(String(opts.frames)) }, explicit, little)] : []),
    element({ group: 0x0028, element: 0x0010, vr: "US", value: us(opts.rows, little) }, explicit, little),
    element({ group: 0x0028, element: 0x0011, vr: "US", value: us(opts.columns, little) }, explicit, little),
    element({ group: 0x0028, element: 0x0100, vr: "US", value: us(opts.bits ?? 16, little) }, explicit, little),
    element({ group: 0x0028, element: 0x0103, vr: "US", value: us(0, little) }, explicit, little),
    element({ group: 0x7fe0, element: 0x0010, vr: "OW", value: new Uint8Array(pixels) }, explicit, little),
  );
  return concat(new Uint8Array(128), enc.encode("DICM"), metaLength, meta, body);
}

/** `frames` MPEG-1 Layer III frames at 128 kbps / 44.1 kHz (417 bytes each without padding). */
export function mp3File(frames: number, mono = false, id3 = true): Uint8Array {
  const frame = new Uint8Array(417);
  frame.set([0xff, 0xfb, 0x90, mono ? 0xc0 : 0x00]);
  const tag = id3 ? concat(enc.encode("ID3"), new Uint8Array([3, 0, 0, 0, 0, 0, 20]), new Uint8Array(20)) : new Uint8Array(0);
  return concat(tag, ...Array.from({ length: frames }, () => frame));
}

export function flacFile(opts: { sampleRate: number; channels: number; bits: number; total: number }): Uint8Array {
  const out = new Uint8Array(4 + 4 + 34 + 8);
  out.set(enc.encode("fLaC"));
  out[4] = 0x80; // last block, STREAMINFO
  out[7] = 34;
  const d = 8;
  out[d] = 0x10; // min block 4096
  out[d + 2] = 0x10;
  const sr = opts.sampleRate;
  out[d + 10] = (sr >> 12) & 0xff;
  out[d + 11] = (sr >> 4) & 0xff;
  out[d + 12] = ((sr & 0xf) << 4) | ((opts.channels - 1) << 1) | ((opts.bits - 1) >> 4);
  out[d + 13] = (((opts.bits - 1) & 0xf) << 4) | Math.floor(opts.total / 2 ** 32);
  new DataView(out.buffer).setUint32(d + 14, opts.total % 2 ** 32);
  return out;
}

function box(type: string, ...children: Uint8Array[]): Uint8Array {
  const body = concat(...children);
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, 8 + body.length);
  head.set(enc.encode(type), 4);
  return concat(head, body);
}

export function mp4File(width: number, height: number, frames: number): Uint8Array {
  const tkhd = new Uint8Array(84);
  const tv = new DataView(tkhd.buffer);
  tv.setUint32(76, width << 16);
  tv.setUint32(80, height << 16);
  const hdlr = new Uint8Array(24);
  hdlr.set(enc.encode("vide"), 8);
  const mdhd = new Uint8Array(24);
  new DataView(mdhd.buffer).setUint32(12, 1000);
  new DataView(mdhd.buffer).setUint32(16, 2000);
  const stsz = new Uint8Array(12);
  new DataView(stsz.buffer).setUint32(8, frames);
  const soundHdlr = new Uint8Array(24);
  soundHdlr.set(enc.encode("soun"), 8);
  const audioTrak = box("trak", box("tkhd", new Uint8Array(84)), box("mdia", box("hdlr", soundHdlr)));
  const trak = box("trak", box("tkhd", tkhd), box("mdia", box("mdhd", mdhd), box("hdlr", hdlr), box("minf", box("stbl", box("stsz", stsz)))));
  return concat(box("ftyp", enc.encode("isom"), new Uint8Array(4)), box("moov", audioTrak, trak), box("mdat", new Uint8Array(16)));
}

export function aviFile(width: number, height: number, frames: number): Uint8Array {
  const out = new Uint8Array(32 + 56);
  const v = new DataView(out.buffer);
  out.set(enc.encode("RIFF"), 0);
  v.setUint32(4, out.length - 8, true);
  out.set(enc.encode("AVI LIST"), 8);
  v.setUint32(16, 4 + 8 + 56, true);
  out.set(enc.encode("hdrlavih"), 20);
  v.setUint32(28, 56, true);
  v.setUint32(32, 40000, true);
  v.setUint32(48, frames, true);
  v.setUint32(64, width, true);
  v.setUint32(68, height, true);
  return out;
}
