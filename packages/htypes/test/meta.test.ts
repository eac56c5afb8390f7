import { isShoalError } from "@shoal/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { getHtype, parseHtype } from "../src/parse.ts";
import { resolveTensorMeta } from "../src/meta.ts";
import { HTYPES, HTYPE_NAMES } from "../src/table.ts";
import { normalizeCompression } from "../src/compressions.ts";

const code = (c: string) => (e: unknown) => isShoalError(e, c);

test("the table holds every Deep Lake htype", () => {
  const expected = ["generic", "image", "image.rgb", "image.gray", "video", "audio", "class_label", "bbox", "bbox.3d", "intrinsics",
    "segment_mask", "binary_mask", "keypoints_coco", "point", "polygon", "point_cloud", "mesh", "nifti", "dicom", "embedding",
    "instance_label", "text", "json", "list", "tag"];
  assert.equal([...HTYPE_NAMES].sort(), [...expected].sort());
  for (const name of HTYPE_NAMES) assert.is(HTYPES[name]!.name, name);
});

test("defaults follow the reference table", () => {
  const cases: [string, unknown][] = [["generic", null], ["image", "uint8"], ["video", "uint8"], ["audio", "float64"], ["class_label", "uint32"],
    ["bbox", "float32"], ["bbox.3d", "float32"], ["intrinsics", "float32"], ["segment_mask", "uint32"], ["binary_mask", "bool"],
    ["keypoints_coco", "int32"], ["point", "int32"], ["polygon", "float32"], ["text", "str"], ["json", "Any"], ["list", "List"],
    ["instance_label", "uint32"]];
  for (const [name, dtype] of cases) assert.is(getHtype(name).defaultDtype, dtype, name);
  assert.is(getHtype("dicom").defaultSampleCompression, "dcm");
  assert.is(getHtype("mesh").defaultSampleCompression, "ply");
});

test("parseHtype unwraps sequence[] and link[] in either order", () => {
  assert.equal({ ...parseHtype("sequence[image]"), spec: undefined }, { htype: "image", spec: undefined, isSequence: true, isLink: false });
  const both = parseHtype("link[sequence[video]]");
  assert.is(both.htype, "video");
  assert.ok(both.isLink && both.isSequence);
  assert.ok(parseHtype("sequence[link[image]]").isLink);
  assert.is(parseHtype("sequence").htype, "generic");
  assert.is(getHtype("link[bbox]").name, "bbox");
});

test("unknown and malformed htypes are typed errors", () => {
  for (const bad of ["imagez", "link", "sequence[sequence[image]]", "link[link[image]]", "sequence[tag]", "sequence[nope]", "__proto__", ""]) {
    assert.throws(() => parseHtype(bad), code("UnknownHtypeError"), bad);
  }
  assert.throws(() => resolveTensorMeta({ htype: "imgae" }), /unknown htype "imgae"/);
  assert.throws(() => parseHtype(3 as unknown as string), code("UnknownHtypeError"));
  assert.is(parseHtype("link[image]"), parseHtype("link[image]"));
});

test("resolveTensorMeta fills defaults and moves htype args to info", () => {
  const m = resolveTensorMeta({ name: "labels", htype: "class_label", classNames: ["cat", "dog"], chunkCompression: "lz4" });
  assert.equal(m, {
    name: "labels", htype: "class_label", dtype: "uint32", sampleCompression: null, chunkCompression: "lz4", maxChunkSize: null,
    tilingThreshold: null, isSequence: false, isLink: false, hidden: false, verify: true, info: { class_names: ["cat", "dog"] },
  });
  const g = resolveTensorMeta();
  assert.is(g.htype, "generic");
  assert.is(g.dtype, null);
  assert.equal(resolveTensorMeta({ htype: "bbox" }).info, { coords: {} });
  assert.equal(resolveTensorMeta({ htype: "keypoints_coco", keypoints: ["a", "b"], connections: [[0, 1]] }).info, { keypoints: ["a", "b"], connections: [[0, 1]] });
  const img = resolveTensorMeta({ htype: "image", sampleCompression: "JPG", dtype: "<u2" });
  assert.is(img.sampleCompression, "jpeg");
  assert.is(img.dtype, "uint16");
  const seq = resolveTensorMeta({ htype: "sequence[image]", sampleCompression: "png" });
  assert.ok(seq.isSequence);
  assert.is(seq.htype, "image");
  assert.is(resolveTensorMeta({ htype: "dicom" }).sampleCompression, "dcm");
  assert.is(resolveTensorMeta({ htype: "text", sampleCompression: "lz4" }).sampleCompression, "lz4");
  assert.is(resolveTensorMeta({ htype: "json", dtype: "Dict[str, int]" }).dtype, "Dict[str, int]");
  assert.is(resolveTensorMeta({ tilingThreshold: -1, maxChunkSize: 8_000_000 }).tilingThreshold, -1);
  // Link tensors keep the compression as a hint but do not require it.
  assert.is(resolveTensorMeta({ htype: "link[image]" }).sampleCompression, null);
});

test("resolveTensorMeta: compression required, allowed, exclusive", () => {
  assert.throws(() => resolveTensorMeta({ htype: "image" }), (e: unknown) => isShoalError(e, "HtypeArgumentError") && /required/.test((e as Error).message));
  assert.is(resolveTensorMeta({ htype: "image", sampleCompression: null }).sampleCompression, null);
  assert.throws(() => resolveTensorMeta({ htype: "video", sampleCompression: "jpeg" }), code("UnsupportedCompressionError"));
  assert.throws(() => resolveTensorMeta({ htype: "audio", sampleCompression: "mp3", chunkCompression: "lz4" }), code("UnsupportedCompressionError"));
  assert.throws(() => resolveTensorMeta({ htype: "bbox", sampleCompression: "png" }), code("UnsupportedCompressionError"));
  assert.throws(() => resolveTensorMeta({ htype: "image", sampleCompression: "dcm" }), code("UnsupportedCompressionError"));
  assert.throws(() => resolveTensorMeta({ sampleCompression: "zstdx" }), code("UnknownCompressionError"));
  assert.throws(() => resolveTensorMeta({ htype: "image", sampleCompression: "png", chunkCompression: "lz4" }), code("HtypeArgumentError"));
  assert.throws(() => normalizeCompression("rar"), code("UnknownCompressionError"));
});

test("resolveTensorMeta: bad dtype and args", () => {
  const bad: Parameters<typeof resolveTensorMeta>[0][] = [
    { dtype: "float128" },
    { htype: "class_label", dtype: "float32" },
    { htype: "text", dtype: "int32" },
    { htype: "json", dtype: "Dict[str" },
    { htype: "list", dtype: "Dict[str, int]" },
    { htype: "class_label", classNames: [1, 2] as unknown as string[] },
    { htype: "bbox", coords: { type: "pixel", mode: "XYXY" } },
    { htype: "bbox", coords: { type: "meters" } },
    { htype: "bbox.3d", coords: { mode: "corner" } },
    { htype: "keypoints_coco", keypoints: ["a", "b"], connections: [[0, 5]] },
    { htype: "image", sampleCompression: "png", intrinsics: [[1, 0], [0, 1]] },
    { htype: "bbox", classNames: ["a"] },
    { maxChunkSize: 0 },
    { tilingThreshold: -2 },
    { hidden: "yes" as unknown as boolean },
    { colour: "red" } as never,
  ];
  for (const opts of bad) assert.throws(() => resolveTensorMeta(opts), code("HtypeArgumentError"), JSON.stringify(opts));
});

test.run();
