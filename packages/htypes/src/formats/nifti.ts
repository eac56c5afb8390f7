/**
 * NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers: dimensions and datatype. Either byte order.
 * `.nii.gz` files are gunzipped by the caller first.
 * @module
 */
import { CorruptDataError, type DType } from "@shoal/core";
import type { MediaInfo } from "../types.ts";

const DATATYPES: Record<number, { dtype: DType; channels?: number; name: string }> = {
  2: { dtype: "uint8", name: "uint8" },
  4: { dtype: "int16", name: "int16" },
  8: { dtype: "int32", name: "int32" },
  16: { dtype: "float32", name: "float32" },
  64: { dtype: "float64", name: "float64" },
  128: { dtype: "uint8", channels: 3, name: "rgb24" },
  256: { dtype: "int8", name: "int8" },
  512: { dtype: "uint16", name: "uint16" },
  768: { dtype: "uint32", name: "uint32" },
  1024: { dtype: "int64", name: "int64" },
  1280: { dtype: "uint64", name: "uint64" },
  2304: { dtype: "uint8", channels: 4, name: "rgba32" },
};

export function readNiftiInfo(bytes: Uint8Array, compression = "nii"): MediaInfo {
  if (bytes.length < 348) throw new CorruptDataError(compression, `header needs 348 bytes, got ${bytes.length}`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let little = true;
  let size = v.getInt32(0, true);
  if (size !== 348 && size !== 540) {
    little = false;
    size = v.getInt32(0, false);
  }
  if (size !== 348 && size !== 540) throw new CorruptDataError(compression, `sizeof_hdr is neither 348 nor 540`, { offset: 0 });
  const version = size === 348 ? 1 : 2;
  if (version === 2 && bytes.length < 540) throw new CorruptDataError(compression, `NIfTI-2 header needs 540 bytes, got ${bytes.length}`);
  const magicAt = version === 1 ? 344 : 4;
  const magic = String.fromCharCode(bytes[magicAt]!, bytes[magicAt + 1]!, bytes[magicAt + 2]!);
  if (!(magic === "n+1" || magic === "ni1" || magic === "n+2" || magic === "ni2")) {
    throw new CorruptDataError(compression, `bad magic ${JSON.stringify(magic)}`, { offset: magicAt });
  }
  const dim: number[] = [];
  for (let i = 0; i < 8; i++) dim.push(version === 1 ? v.getInt16(40 + 2 * i, little) : Number(v.getBigInt64(16 + 8 * i, little)));
  const ndim = dim[0]!;
  if (ndim < 1 || ndim > 7) throw new CorruptDataError(compression, `dim[0] = ${ndim} is outside 1..7`, { offset: version === 1 ? 40 : 16 });
  const code = version === 1 ? v.getInt16(70, little) : v.getInt16(12, little);
  const datatype = DATATYPES[code];
  if (!datatype) throw new CorruptDataError(compression, `unsupported datatype code ${code} (complex and float128 volumes have no dtype)`, { offset: version === 1 ? 70 : 12 });
  const shape = dim.slice(1, ndim + 1);
  if (shape.some((d) => d < 1)) throw new CorruptDataError(compression, `non-positive dimension in [${shape.join(", ")}]`);
  if (datatype.channels) shape.push(datatype.channels);
  const voxOffset = version === 1 ? v.getFloat32(108, little) : Number(v.getBigInt64(168, little));
  return {
    compression,
    shape,
    dtype: datatype.dtype,
    details: { version, littleEndian: little, datatype: datatype.name, voxOffset, magic },
  };
}
