/**
 * NumPy `.npy` (format 1.0) writer and reader, for `exportSample` of raw array tensors.
 * @module
 */
import { CorruptDataError, InvalidArgumentError, type DType, type NDArray, type TypedArray, bytesOf, dtypeInfo, viewAs } from "@shoal/core";

const DESCR: Record<DType, string> = {
  bool: "|b1", int8: "|i1", int16: "<i2", int32: "<i4", int64: "<i8", uint8: "|u1", uint16: "<u2", uint32: "<u4", uint64: "<u8",
  float16: "<f2", float32: "<f4", float64: "<f8",
};

/** Encodes an NDArray as a `.npy` file (C order, little-endian). */
export function toNpy(array: NDArray): Uint8Array {
  if (typeof array !== "object" || array === null || !(array.dtype in DESCR) || !Array.isArray(array.shape) || !ArrayBuffer.isView(array.data)) {
    throw new InvalidArgumentError("[shoal] toNpy: expected an NDArray { dtype, shape, data }");
  }
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(", ")})`;
  let header = `{'descr': '${DESCR[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64 bytes.
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const body = bytesOf(array.data as TypedArray);
  const out = new Uint8Array(10 + header.length + body.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(body, 10 + header.length);
  return out;
}

/** Decodes a `.npy` file written by `toNpy` (or NumPy: version 1–3, little-endian, C order). */
export function fromNpy(bytes: Uint8Array): NDArray {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(`[shoal] fromNpy: expected the bytes of a .npy file (Uint8Array), got ${bytes === null ? "null" : typeof bytes}`);
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) throw new CorruptDataError("npy", "missing the \\x93NUMPY magic");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new CorruptDataError("npy", `unsupported format version ${major}`, { offset: 6 });
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new CorruptDataError("npy", "truncated header length", { offset: 8 });
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + hlen > bytes.length) throw new CorruptDataError("npy", `header declares ${hlen} bytes but the file holds ${bytes.length - start}`, { offset: 8 });
  const header = new TextDecoder().decode(bytes.subarray(start, start + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const dtype = (Object.keys(DESCR) as DType[]).find((d) => DESCR[d] === descr);
  if (!dtype) throw new CorruptDataError("npy", `unsupported descr ${JSON.stringify(descr)}`);
  if (/'fortran_order':\s*True/.test(header)) throw new CorruptDataError("npy", "fortran order is not supported");
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? "";
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new CorruptDataError("npy", `bad shape (${shapeText})`);
  const raw = bytes.slice(start + hlen);
  const n = shape.reduce((a, b) => a * b, 1);
  if (raw.byteLength !== n * dtypeInfo(dtype).itemSize) throw new CorruptDataError("npy", `body has ${raw.byteLength} bytes, shape (${shape.join(", ")}) needs ${n * dtypeInfo(dtype).itemSize}`);
  return { dtype, shape, data: viewAs(dtype, raw) } as NDArray;
}
