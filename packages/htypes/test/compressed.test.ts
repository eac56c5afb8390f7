import { readFileSync } from "node:fs";
import { getSampleCodec } from "@shoal/codecs";
import { ndarray } from "@shoal/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { normalizer } from "./normalize-helpers.ts";
import { sampleFromBytes } from "../src/sniff.ts";
import type { NormalizedSample } from "../src/index.ts";
import { dicomFile, lasFile, mp3File, mp4File, plyFile } from "./builders.ts";

const ctx = { tensor: "media", index: 0 };
const { norm, rejects } = normalizer(ctx);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

async function png(h: number, w: number, c: number, dtype: "uint8" | "uint16" = "uint8"): Promise<Uint8Array> {
  const codec = await getSampleCodec("png");
  const data = dtype === "uint8" ? new Uint8Array(h * w * c) : new Uint16Array(h * w * c);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 251;
  return codec.encode!(ndarray(dtype, [h, w, c], data as never));
}



test("an image already in the tensor's compression is kept byte for byte", async () => {
  const bytes = await png(3, 4, 3);
  const out = await norm({ htype: "image", sampleCompression: "png" }, sampleFromBytes(bytes));
  assert.is(out.kind, "compressed");
  const c = out as Extract<NormalizedSample, { kind: "compressed" }>;
  assert.is(c.bytes, bytes);
  assert.equal([c.compression, c.shape, c.dtype], ["png", [3, 4, 3], "uint8"]);
  const gray = await norm({ htype: "image", sampleCompression: "png" }, sampleFromBytes(await png(3, 4, 1)));
  assert.equal((gray as Extract<NormalizedSample, { kind: "compressed" }>).shape, [3, 4, 1]);
});

test("other compressions are decoded for the engine to re-encode; rgb/gray convert", async () => {
  const rgb = await png(2, 2, 3);
  const asJpegTensor = await norm({ htype: "image", sampleCompression: "jpeg" }, sampleFromBytes(rgb));
  assert.is(asJpegTensor.kind, "array");
  const decoded = (await getSampleCodec("png")).decode(rgb);
  assert.equal([...(asJpegTensor as { array: { data: Uint8Array } }).array.data], [...decoded.data]);
  const gray = await norm({ htype: "image.gray", sampleCompression: "png" }, sampleFromBytes(rgb));
  assert.is(gray.kind, "array");
  assert.equal((gray as Extract<NormalizedSample, { kind: "array" }>).array.shape, [2, 2, 1]);
  const keptGray = await norm({ htype: "image.gray", sampleCompression: "png" }, sampleFromBytes(await png(2, 2, 1)));
  assert.is(keptGray.kind, "compressed");
  const raw = await norm({ htype: "image", sampleCompression: null }, sampleFromBytes(rgb));
  assert.equal((raw as Extract<NormalizedSample, { kind: "array" }>).array.shape, [2, 2, 3]);
});

test("corrupt, mismatched and undecodable image files are typed sample errors", async () => {
  const bytes = await png(3, 4, 3);
  const broken = bytes.slice(0, 20);
  await rejects({ htype: "image", sampleCompression: "png" }, { bytes: broken, compression: "png" }, "CorruptSampleError");
  await rejects({ htype: "image", sampleCompression: "png" }, sampleFromBytes(await png(2, 2, 3, "uint16")), "SampleDtypeError", /uint16/);
  await rejects({ htype: "image", sampleCompression: "png" }, { bytes: new Uint8Array(8), compression: "gif" }, "SampleTypeError", /gif/);
  await rejects({ htype: "image", sampleCompression: "png" }, { bytes, compression: "rar" }, "SampleTypeError", /unknown sample compression/);
  await rejects({ htype: "image", sampleCompression: "png" }, sampleFromBytes(mp3File(2)), "SampleTypeError", /do not take mp3/);
});

test("media files are stored as-is with header shapes, never recompressed", async () => {
  const video = await norm({ htype: "video", sampleCompression: "mp4" }, sampleFromBytes(mp4File(32, 24, 10)));
  assert.equal((video as Extract<NormalizedSample, { kind: "compressed" }>).shape, [10, 24, 32, 3]);
  const audio = await norm({ htype: "audio", sampleCompression: "wav" }, sampleFromBytes(fixture("tiny.wav")));
  assert.equal((audio as Extract<NormalizedSample, { kind: "compressed" }>).shape, [10, 2]);
  const cloud = await norm({ htype: "point_cloud", sampleCompression: "las" }, sampleFromBytes(lasFile({ points: 100, format: 0, recordLength: 20 })));
  assert.equal((cloud as Extract<NormalizedSample, { kind: "compressed" }>).shape, [100, 15]);
  const mesh = await norm({ htype: "mesh" }, sampleFromBytes(plyFile(100, 200)));
  assert.equal((mesh as Extract<NormalizedSample, { kind: "compressed" }>).shape, [100, 3]);
  const scan = await norm({ htype: "dicom" }, sampleFromBytes(dicomFile({ rows: 8, columns: 9, syntax: "implicit" })));
  assert.equal((scan as Extract<NormalizedSample, { kind: "compressed" }>).shape, [8, 9, 1]);
  const vol = await norm({ htype: "nifti", sampleCompression: "nii.gz" }, sampleFromBytes(fixture("tiny.nii.gz")));
  assert.equal((vol as Extract<NormalizedSample, { kind: "compressed" }>).shape, [2, 3, 4]);
  await rejects({ htype: "audio", sampleCompression: "mp3" }, sampleFromBytes(fixture("tiny.wav")), "SampleTypeError", /never recompressed/);
  await rejects({ htype: "video", sampleCompression: "mp4" }, sampleFromBytes(mp3File(2)), "SampleTypeError");
  await rejects({ htype: "video", sampleCompression: "mp4" }, { bytes: mp4File(32, 24, 10).subarray(0, 50), compression: "mp4" }, "CorruptSampleError");
  await rejects({ htype: "dicom" }, { bytes: new Uint8Array(140), compression: "dcm" }, "CorruptSampleError");
});

test("sequence[image]: each item is kept or decoded on its own", async () => {
  const a = await png(2, 2, 3);
  const seq = await norm({ htype: "sequence[image]", sampleCompression: "png" }, [sampleFromBytes(a), ndarray("uint8", [2, 2, 3])]);
  assert.equal((seq as Extract<NormalizedSample, { kind: "sequence" }>).items.map((i) => i.kind), ["compressed", "array"]);
  await rejects({ htype: "sequence[image]", sampleCompression: "png" }, [sampleFromBytes(a), { bytes: a.subarray(0, 30), compression: "png" }], "CorruptSampleError", /item 1/);
});

test("generic tensors keep any file whose compression they were created with", async () => {
  const out = await norm({ sampleCompression: "las" }, sampleFromBytes(lasFile({ points: 3, format: 0, recordLength: 20 })));
  assert.is(out.kind, "compressed");
});

test.run();
