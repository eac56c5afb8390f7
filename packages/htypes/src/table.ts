/**
 * Every htype of Deep Lake 3.x with its defaults and rules (`htype.py`: HTYPE_CONFIGURATIONS,
 * HTYPE_SUPPORTED_COMPRESSIONS), as one frozen table.
 * @module
 */
import type { DType } from "@shoal/core";
import {
  ALL_COMPRESSIONS, AUDIO_COMPRESSIONS, BYTE_COMPRESSIONS, DICOM_COMPRESSIONS, IMAGE_COMPRESSIONS, MESH_COMPRESSIONS,
  NIFTI_COMPRESSIONS, POINT_CLOUD_COMPRESSIONS, VIDEO_COMPRESSIONS,
} from "./compressions.ts";
import type { HtypeArgSpec, HtypeSpec } from "./types.ts";

const INTEGER_DTYPES: readonly DType[] = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"];
const ARRAY_CHUNK = [...BYTE_COMPRESSIONS, ...IMAGE_COMPRESSIONS];

const classNames: HtypeArgSpec = { option: "classNames", infoKey: "class_names", default: [], required: false };

type Base = Omit<HtypeSpec, "name">;

function arrayHtype(over: Partial<Base> & Pick<Base, "dims">): Base {
  return {
    kind: "array",
    defaultDtype: null,
    defaultSampleCompression: null,
    defaultChunkCompression: null,
    sampleCompressions: BYTE_COMPRESSIONS,
    chunkCompressions: BYTE_COMPRESSIONS,
    compressionRequired: false,
    recompress: true,
    args: [],
    ...over,
  };
}

function mediaHtype(compressions: readonly string[], over: Partial<Base> & Pick<Base, "dims">): Base {
  return arrayHtype({
    kind: "media",
    sampleCompressions: compressions,
    chunkCompressions: [],
    compressionRequired: true,
    recompress: false,
    ...over,
  });
}

const image = arrayHtype({
  defaultDtype: "uint8",
  sampleCompressions: [...IMAGE_COMPRESSIONS, ...BYTE_COMPRESSIONS],
  chunkCompressions: ARRAY_CHUNK,
  compressionRequired: true,
  rank: { ranks: [2, 3] },
  dims: "(height, width, channels) or (height, width)",
});

const textLike = (dtype: "str" | "Any" | "List", kind: "text" | "json" | "list", dims: string): Base =>
  arrayHtype({ kind, defaultDtype: dtype, dims });

const base: Record<string, Base> = {
  generic: arrayHtype({ sampleCompressions: ALL_COMPRESSIONS, chunkCompressions: ARRAY_CHUNK, dims: "any" }),
  image: { ...image, args: [{ option: "intrinsics", infoKey: "intrinsics", default: undefined, required: false }] },
  "image.rgb": { ...image, rank: { ranks: [2, 3] } },
  "image.gray": { ...image, rank: { ranks: [2, 3] } },
  video: mediaHtype(VIDEO_COMPRESSIONS, { defaultDtype: "uint8", rank: { ranks: [3, 4] }, dims: "(frames, height, width, channels) or (frames, height, width)" }),
  audio: mediaHtype(AUDIO_COMPRESSIONS, { defaultDtype: "float64", rank: { ranks: [1, 2] }, dims: "(samples, channels) or (samples,)" }),
  class_label: arrayHtype({
    defaultDtype: "uint32", allowedDtypes: INTEGER_DTYPES, args: [classNames], rank: { ranks: [1] }, dims: "(labels,)",
  }),
  bbox: arrayHtype({
    defaultDtype: "float32",
    args: [{ option: "coords", infoKey: "coords", default: {}, required: false }],
    rank: { ranks: [2], fixedDims: [{ axis: -1, size: [4] }] },
    dims: "(boxes, 4)",
  }),
  "bbox.3d": arrayHtype({
    defaultDtype: "float32",
    args: [{ option: "coords", infoKey: "coords", default: {}, required: false }],
    rank: { ranks: [2, 3] },
    dims: "(boxes, 9) for center mode, (boxes, 8, 3) for vertex mode",
  }),
  intrinsics: arrayHtype({
    defaultDtype: "float32",
    rank: { ranks: [2, 3], fixedDims: [{ axis: -1, size: [3] }, { axis: -2, size: [3] }] },
    dims: "(3, 3) or (matrices, 3, 3)",
  }),
  segment_mask: arrayHtype({
    defaultDtype: "uint32", allowedDtypes: INTEGER_DTYPES, args: [classNames], rank: { ranks: [2, 3] }, dims: "(height, width)",
  }),
  binary_mask: arrayHtype({
    defaultDtype: "bool", allowedDtypes: ["bool", "uint8"], rank: { ranks: [2, 3] }, dims: "(height, width, objects)",
  }),
  keypoints_coco: arrayHtype({
    defaultDtype: "int32",
    args: [
      { option: "keypoints", infoKey: "keypoints", default: [], required: false },
      { option: "connections", infoKey: "connections", default: [], required: false },
    ],
    rank: { ranks: [2] },
    dims: "(3 × keypoints, objects)",
  }),
  point: arrayHtype({
    defaultDtype: "int32", rank: { ranks: [2], fixedDims: [{ axis: -1, size: [2, 3] }] }, dims: "(points, 2) or (points, 3)",
  }),
  polygon: arrayHtype({ kind: "polygon", defaultDtype: "float32", dims: "(polygons, points per polygon, coordinates)" }),
  point_cloud: mediaHtype(POINT_CLOUD_COMPRESSIONS, { defaultDtype: "float32", rank: { ranks: [2] }, dims: "(points, 3); las files (points, fields)" }),
  mesh: mediaHtype(MESH_COMPRESSIONS, {
    defaultSampleCompression: "ply", compressionRequired: false, rank: { ranks: [2] }, dims: "(points, 3)",
  }),
  nifti: mediaHtype(NIFTI_COMPRESSIONS, { rank: { ranks: [3, 4] }, dims: "(height, width, slices) or (height, width, slices, time)" }),
  dicom: mediaHtype(DICOM_COMPRESSIONS, {
    defaultSampleCompression: "dcm", compressionRequired: false, rank: { ranks: [2, 3, 4] }, dims: "(rows, columns, samples)",
  }),
  embedding: arrayHtype({ defaultDtype: "float32", rank: { ranks: [1] }, dims: "(elements,)" }),
  instance_label: arrayHtype({ defaultDtype: "uint32", allowedDtypes: INTEGER_DTYPES, rank: { ranks: [1] }, dims: "(labels,)" }),
  text: textLike("str", "text", "(1,)"),
  json: textLike("Any", "json", "(1,)"),
  list: textLike("List", "list", "(items,)"),
  tag: textLike("List", "list", "(tags,)"),
};

/** The htype table, keyed by name. */
export const HTYPES: Readonly<Record<string, HtypeSpec>> = Object.freeze(
  Object.fromEntries(Object.entries(base).map(([name, spec]) => [name, Object.freeze({ name, ...spec })])),
);

export const HTYPE_NAMES: readonly string[] = Object.keys(HTYPES);
