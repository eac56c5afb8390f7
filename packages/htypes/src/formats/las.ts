/**
 * LAS (ASPRS LiDAR) public header: point count, point format and the fields each point carries.
 * Field names follow laspy's `dimension_names`, so shapes match Deep Lake (`(points, fields)`).
 * @module
 */
import { CorruptDataError } from "@shoal/core";
import type { MediaInfo } from "../types.ts";

const LEGACY = ["X", "Y", "Z", "intensity", "return_number", "number_of_returns", "scan_direction_flag", "edge_of_flight_line",
  "classification", "synthetic", "key_point", "withheld", "scan_angle_rank", "user_data", "point_source_id"];
const EXTENDED = ["X", "Y", "Z", "intensity", "return_number", "number_of_returns", "synthetic", "key_point", "withheld", "overlap",
  "scanner_channel", "scan_direction_flag", "edge_of_flight_line", "classification", "user_data", "scan_angle", "point_source_id", "gps_time"];
const RGB = ["red", "green", "blue"];
const WAVE = ["wavepacket_index", "wavepacket_offset", "wavepacket_size", "return_point_wave_location", "x_t", "y_t", "z_t"];

const FIELDS: Record<number, string[]> = {
  0: LEGACY,
  1: [...LEGACY, "gps_time"],
  2: [...LEGACY, ...RGB],
  3: [...LEGACY, "gps_time", ...RGB],
  4: [...LEGACY, "gps_time", ...WAVE],
  5: [...LEGACY, "gps_time", ...RGB, ...WAVE],
  6: EXTENDED,
  7: [...EXTENDED, ...RGB],
  8: [...EXTENDED, ...RGB, "nir"],
  9: [...EXTENDED, ...WAVE],
  10: [...EXTENDED, ...RGB, "nir", ...WAVE],
};

export function readLasInfo(bytes: Uint8Array): MediaInfo {
  if (bytes.length < 227) throw new CorruptDataError("las", `header needs at least 227 bytes, got ${bytes.length}`);
  if (bytes[0] !== 0x4c || bytes[1] !== 0x41 || bytes[2] !== 0x53 || bytes[3] !== 0x46) throw new CorruptDataError("las", "missing LASF signature", { offset: 0 });
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = v.getUint8(24);
  const minor = v.getUint8(25);
  const headerSize = v.getUint16(94, true);
  const pointOffset = v.getUint32(96, true);
  // The top two bits of the format byte flag LAZ compression; the format number is the rest.
  const formatByte = v.getUint8(104);
  const pointFormat = formatByte & 0x3f;
  const recordLength = v.getUint16(105, true);
  let pointCount = v.getUint32(107, true);
  if (major !== 1 || minor > 4) throw new CorruptDataError("las", `unsupported version ${major}.${minor}`, { offset: 24 });
  if (minor >= 4 && headerSize >= 375 && bytes.length >= 255) {
    const extended = v.getBigUint64(247, true);
    if (pointCount === 0 || BigInt(pointCount) !== extended) pointCount = Number(extended);
  }
  const fields = FIELDS[pointFormat];
  if (!fields) throw new CorruptDataError("las", `unknown point data format ${pointFormat}`, { offset: 104 });
  if (headerSize < 227 || pointOffset < headerSize) throw new CorruptDataError("las", `header size ${headerSize} / point offset ${pointOffset} are inconsistent`, { offset: 94 });
  const compressed = (formatByte & 0xc0) !== 0;
  if (!compressed && pointOffset + pointCount * recordLength > bytes.length) {
    throw new CorruptDataError("las", `${pointCount} points of ${recordLength} bytes do not fit in ${bytes.length} bytes`, { offset: pointOffset });
  }
  const scale = [v.getFloat64(131, true), v.getFloat64(139, true), v.getFloat64(147, true)];
  const offset = [v.getFloat64(155, true), v.getFloat64(163, true), v.getFloat64(171, true)];
  return {
    compression: "las",
    shape: [pointCount, fields.length],
    dtype: "float64",
    details: { version: `${major}.${minor}`, pointFormat, recordLength, pointCount, fields, scale, offset, laz: compressed },
  };
}
