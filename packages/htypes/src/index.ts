/**
 * `@shoal/htypes`: every Deep Lake htype with its defaults and rules, create-tensor option resolution, and
 * validation/normalisation of appended samples (including header readers for media files).
 * @module
 */
export type * from "./types.ts";
export * from "./errors.ts";
export { HTYPES, HTYPE_NAMES } from "./table.ts";
export { getHtype, parseHtype } from "./parse.ts";
export { resolveTensorMeta } from "./meta.ts";
export { normalizeSample, normalizeSamples, type NormalizeSamplesOptions } from "./normalize.ts";
export {
  ALL_COMPRESSIONS, AUDIO_COMPRESSIONS, BYTE_COMPRESSIONS, COMPRESSION_ALIASES, DICOM_COMPRESSIONS, IMAGE_COMPRESSIONS,
  MESH_COMPRESSIONS, NIFTI_COMPRESSIONS, POINT_CLOUD_COMPRESSIONS, VIDEO_COMPRESSIONS, normalizeCompression,
} from "./compressions.ts";
export { isCompressedSample, sampleFromBytes, sniffCompression } from "./sniff.ts";
export { FORMAT_SUPPORT, readMediaInfo } from "./media-info.ts";
export { link, isLinkSample } from "./htypes/link.ts";
export { decodePolygons, encodePolygons } from "./htypes/polygon.ts";
export { toGray, toRgb } from "./htypes/image.ts";
export { toNDArray } from "./cast.ts";
export { checkJsonSchema, parseJsonSchema, type JsonSchema } from "./schema.ts";
export { readLasInfo } from "./formats/las.ts";
export { readPlyInfo } from "./formats/ply.ts";
export { readNiftiInfo } from "./formats/nifti.ts";
export { readDicomInfo } from "./formats/dicom.ts";
export { readMp3Info } from "./formats/mp3.ts";
export { readFlacInfo } from "./formats/flac.ts";
export { readMp4Info } from "./formats/mp4.ts";
export { readAviInfo } from "./formats/avi.ts";
