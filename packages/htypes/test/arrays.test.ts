import { type NDArray, fromValues, isShoalError, ndarray } from "@shoal/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { resolveTensorMeta } from "../src/meta.ts";
import { toGray, toRgb } from "../src/htypes/image.ts";
import { toNDArray } from "../src/cast.ts";
import { normalizeSample, normalizeSamples } from "../src/normalize.ts";
import type { CreateTensorOptions, NormalizedSample, SampleInput } from "../src/index.ts";

const ctx = { tensor: "t", index: 7 };

async function arrayOf(opts: CreateTensorOptions, sample: SampleInput): Promise<NDArray> {
  const r = await normalizeSample(resolveTensorMeta(opts), sample, ctx);
  assert.is(r.sample.kind, "array");
  return (r.sample as Extract<NormalizedSample, { kind: "array" }>).array;
}

async function rejects(opts: CreateTensorOptions, sample: SampleInput, codeName: string, message?: RegExp): Promise<void> {
  try {
    await normalizeSample(resolveTensorMeta(opts), sample, ctx);
  } catch (e) {
    assert.ok(isShoalError(e, codeName), `expected ${codeName}, got ${String(e)}`);
    assert.match((e as Error).message, /tensor "t", sample 7/);
    assert.is((e as unknown as { index: number }).index, 7);
    if (message) assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable(`expected ${codeName}`);
}

test("generic: dtype inference like numpy, scalars become [1], no copy for matching NDArrays", async () => {
  const ints = await arrayOf({}, [[1, 2], [3, 4]]);
  assert.is(ints.dtype, "int64");
  assert.equal(ints.shape, [2, 2]);
  assert.equal([...(ints.data as BigInt64Array)], [1n, 2n, 3n, 4n]);
  assert.is((await arrayOf({}, [0.5, 1])).dtype, "float64");
  assert.is((await arrayOf({}, [true, false])).dtype, "bool");
  assert.equal((await arrayOf({}, 5)).shape, [1]);
  const input = ndarray("float32", [2], new Float32Array([1, 2]));
  assert.is((await arrayOf({ dtype: "float32" }, input)).data, input.data);
  const typed = await arrayOf({ dtype: "uint16" }, new Uint8Array([1, 2, 3]));
  assert.ok(typed.data instanceof Uint16Array);
  assert.equal([...typed.data], [1, 2, 3]);
  const stacked = await arrayOf({ dtype: "int32" }, [new Int32Array([1, 2]), new Int32Array([3, 4])]);
  assert.equal(stacked.shape, [2, 2]);
});

test("generic: lossy casts, ragged and non-numeric input are rejected", async () => {
  await rejects({ dtype: "uint8" }, [1, 256], "SampleDtypeError", /out of range for uint8/);
  await rejects({ dtype: "int32" }, [1.5], "SampleDtypeError", /not an integer/);
  await rejects({ dtype: "int32" }, new Float32Array([1]), "SampleDtypeError", /without loss/);
  await rejects({ dtype: "uint32" }, new Int32Array([-1]), "SampleDtypeError");
  await rejects({ dtype: "bool" }, [0, 2], "SampleDtypeError");
  await rejects({}, [[1, 2], [3]], "SampleShapeError", /ragged/);
  await rejects({}, [[1, 2], 3], "SampleShapeError");
  await rejects({}, ["a", "b"], "SampleTypeError");
  await rejects({}, "hello", "SampleTypeError");
  await rejects({}, { a: 1 } as SampleInput, "SampleTypeError");
  await rejects({}, { dtype: "uint8", shape: [2, 2], data: new Uint8Array(3) }, "SampleShapeError", /does not match/);
  await rejects({}, { dtype: "float32", shape: [1], data: new Float64Array(1) }, "SampleDtypeError", /Float64Array/);
});

test("image: [h, w] gains a channel axis; rank is checked", async () => {
  const opts = { htype: "image", sampleCompression: null };
  assert.equal((await arrayOf(opts, ndarray("uint8", [2, 3]))).shape, [2, 3, 1]);
  assert.equal((await arrayOf(opts, ndarray("uint8", [2, 3, 4]))).shape, [2, 3, 4]);
  await rejects(opts, ndarray("uint8", [5]), "SampleShapeError");
  await rejects(opts, ndarray("uint8", [1, 2, 3, 3]), "SampleShapeError");
  await rejects(opts, ndarray("float32", [2, 2, 3]), "SampleDtypeError");
});

test("image.rgb replicates gray and drops alpha; image.gray uses luma weights", async () => {
  const rgb = { htype: "image.rgb", sampleCompression: null };
  const gray = ndarray("uint8", [1, 2], new Uint8Array([10, 200]));
  const asRgb = await arrayOf(rgb, gray);
  assert.equal(asRgb.shape, [1, 2, 3]);
  assert.equal([...asRgb.data], [10, 10, 10, 200, 200, 200]);
  const rgba = ndarray("uint8", [1, 1, 4], new Uint8Array([1, 2, 3, 255]));
  assert.equal([...(await arrayOf(rgb, rgba)).data], [1, 2, 3]);
  const g = { htype: "image.gray", sampleCompression: null };
  const colour = ndarray("uint8", [1, 3, 3], new Uint8Array([255, 0, 0, 0, 255, 0, 10, 20, 30]));
  const out = await arrayOf(g, colour);
  assert.equal(out.shape, [1, 3, 1]);
  // 0.299, 0.587, 0.114 of each pixel, rounded.
  const expect = [[255, 0, 0], [0, 255, 0], [10, 20, 30]].map(([r, gg, b]) => Math.round(0.299 * r! + 0.587 * gg! + 0.114 * b!));
  assert.equal([...out.data], expect);
  const f = await arrayOf({ ...g, dtype: "float32" }, ndarray("float32", [1, 1, 3], new Float32Array([1, 1, 1])));
  assert.ok(Math.abs((f.data[0] as number) - 1) < 1e-6);
});

test("class_label: ints, strings, mixed lists; new names returned, not mutated", async () => {
  const meta = resolveTensorMeta({ htype: "class_label", classNames: ["cat", "dog"] });
  const a = await normalizeSample(meta, 1, ctx);
  assert.equal((a.sample as { array: NDArray }).array.shape, [1]);
  assert.is(a.classNames, undefined);
  const b = await normalizeSample(meta, ["dog", "bird", 0, "bird"], ctx);
  assert.equal([...(b.sample as { array: NDArray }).array.data], [1, 2, 0, 2]);
  assert.equal(b.classNames, ["cat", "dog", "bird"]);
  assert.equal(meta.info.class_names, ["cat", "dog"]);
  const batch = await normalizeSamples(meta, ["fish", ["fish", "cow"], new Uint32Array([0, 1])], { tensor: "t", startIndex: 0 });
  assert.equal(batch.classNames, ["cat", "dog", "fish", "cow"]);
  assert.equal([...(batch.samples[1] as { array: NDArray }).array.data], [2, 3]);
  const free = await arrayOf({ htype: "class_label" }, [[5, 9]].flat());
  assert.equal([...free.data], [5, 9]);
});

test("class_label: out-of-range, negative and nested labels are rejected", async () => {
  const opts = { htype: "class_label", classNames: ["cat", "dog"] };
  await rejects(opts, 2, "SampleValueError", /out of range/);
  await rejects({ ...opts, dtype: "int32" }, -1, "SampleValueError", /negative/);
  await rejects(opts, -1, "SampleDtypeError");
  await rejects(opts, [[0, 1], [1, 0]], "SampleShapeError");
  await rejects(opts, ["cat", [1]] as SampleInput, "SampleValueError");
  await rejects(opts, 0.5, "SampleDtypeError");
});

test("bbox: [n, 4] float32, one box reshaped, non-finite rejected", async () => {
  const opts = { htype: "bbox", coords: { type: "pixel", mode: "LTWH" } };
  const boxes = await arrayOf(opts, [[965, 110, 262, 77], [462, 123, 238, 98]]);
  assert.is(boxes.dtype, "float32");
  assert.equal(boxes.shape, [2, 4]);
  assert.equal((await arrayOf(opts, [1, 2, 3, 4])).shape, [1, 4]);
  assert.equal((await arrayOf(opts, [])).shape, [0, 4]);
  await rejects(opts, [[1, 2, 3]], "SampleShapeError");
  await rejects(opts, [[[1, 2, 3, 4]]], "SampleShapeError");
  await rejects(opts, [[1, Number.NaN, 3, 4]], "SampleValueError", /not finite/);
  await rejects(opts, [[1, Number.POSITIVE_INFINITY, 3, 4]], "SampleValueError");
  await rejects(opts, new Float64Array([1, 2, 3]), "SampleShapeError");
  assert.equal((await arrayOf(opts, new Float64Array([1, 2, 3, 4]))).shape, [1, 4]);
});

test("bbox.3d: center [n, 9] and vertex [n, 8, 3]", async () => {
  const center = { htype: "bbox.3d", coords: { mode: "center" } };
  assert.equal((await arrayOf(center, [[1, 2, 3, 4, 5, 6, 0, 0, 90]])).shape, [1, 9]);
  await rejects(center, ndarray("float32", [2, 8, 3]), "SampleShapeError");
  const vertex = { htype: "bbox.3d", coords: { mode: "vertex" } };
  assert.equal((await arrayOf(vertex, ndarray("float32", [2, 8, 3]))).shape, [2, 8, 3]);
  assert.equal((await arrayOf(vertex, ndarray("float32", [8, 3]))).shape, [1, 8, 3]);
  await rejects(vertex, ndarray("float32", [1, 9]), "SampleShapeError");
  await rejects({ htype: "bbox.3d" }, ndarray("float32", [1, 7]), "SampleShapeError");
  await rejects(center, [[1, 2, 3, 4, 5, 6, 0, 0, Number.NaN]], "SampleValueError");
});

test("intrinsics, point, embedding, instance_label, masks", async () => {
  assert.equal((await arrayOf({ htype: "intrinsics" }, [[1, 0, 2], [0, 1, 2], [0, 0, 1]])).shape, [3, 3]);
  await rejects({ htype: "intrinsics" }, [[1, 0], [0, 1]], "SampleShapeError");
  assert.equal((await arrayOf({ htype: "point" }, [[0, 1], [1, 3]])).shape, [2, 2]);
  assert.equal((await arrayOf({ htype: "point" }, [1, 2, 3])).shape, [1, 3]);
  await rejects({ htype: "point" }, [[1, 2, 3, 4]], "SampleShapeError");
  assert.equal((await arrayOf({ htype: "embedding" }, new Float32Array(8))).shape, [8]);
  await rejects({ htype: "embedding" }, [[1, 2]], "SampleShapeError");
  assert.equal((await arrayOf({ htype: "instance_label" }, 3)).shape, [1]);
  const seg = await arrayOf({ htype: "segment_mask" }, ndarray("uint8", [4, 4]));
  assert.is(seg.dtype, "uint32");
  await rejects({ htype: "segment_mask", dtype: "int16" }, fromValues("int16", [-1, 0], [1, 2]), "SampleValueError");
  const mask = await arrayOf({ htype: "binary_mask" }, ndarray("uint8", [4, 4, 2]));
  assert.is(mask.dtype, "bool");
  await rejects({ htype: "binary_mask" }, fromValues("uint8", [0, 1, 2, 0], [2, 2]), "SampleDtypeError");
  await rejects({ htype: "segment_mask" }, ndarray("uint32", [5]), "SampleShapeError");
});

test("keypoints_coco: rows 3k, visibility 0..2, keypoint count from info", async () => {
  const opts = { htype: "keypoints_coco", keypoints: ["left ear", "right ear", "nose"] };
  const kp = await arrayOf(opts, [[465, 398], [178, 363], [2, 2], [454, 387], [177, 322], [2, 2], [407, 379], [271, 335], [2, 1]]);
  assert.equal(kp.shape, [9, 2]);
  assert.is(kp.dtype, "int32");
  await rejects(opts, [[1], [2], [2], [1], [1], [1]], "SampleShapeError", /3 keypoints/);
  await rejects({ htype: "keypoints_coco" }, [[1], [2]], "SampleShapeError", /multiple of 3/);
  await rejects(opts, [[1], [2], [3], [1], [1], [1], [1], [1], [1]], "SampleValueError", /visibility/);
});

test("media htypes take raw arrays only without sample compression", async () => {
  assert.equal((await arrayOf({ htype: "video", sampleCompression: null }, ndarray("uint8", [2, 4, 4, 3]))).shape, [2, 4, 4, 3]);
  assert.equal((await arrayOf({ htype: "audio", sampleCompression: null }, new Float64Array(10))).shape, [10]);
  await rejects({ htype: "video", sampleCompression: "mp4" }, ndarray("uint8", [2, 4, 4, 3]), "SampleTypeError", /raw arrays/);
  await rejects({ htype: "video", sampleCompression: null }, ndarray("uint8", [4, 4]), "SampleShapeError");
  await rejects({ htype: "point_cloud", sampleCompression: "las" }, ndarray("float32", [5, 3]), "SampleTypeError");
  assert.equal((await arrayOf({ htype: "point_cloud", sampleCompression: null }, ndarray("float32", [5, 3]))).shape, [5, 3]);
});

test("null is an empty sample", async () => {
  const r = await normalizeSample(resolveTensorMeta({ htype: "bbox" }), null, ctx);
  assert.equal(r.sample, { kind: "empty" });
  assert.equal((await normalizeSample(resolveTensorMeta({ htype: "sequence[bbox]" }), null, ctx)).sample, { kind: "empty" });
});

test("undefined is refused (null is the empty sample), naming tensor, index and sequence item", async () => {
  for (const htype of ["generic", "bbox", "text", "json", "list", "class_label", "polygon", "sequence[bbox]", "link[image]"]) {
    await rejects({ htype }, undefined, "SampleTypeError", /undefined is not a sample; append null/);
  }
  await rejects({ htype: "image", sampleCompression: "png" }, undefined, "SampleTypeError", /undefined/);
  await rejects({ htype: "sequence[generic]" }, [[1], undefined, [2]], "SampleTypeError", /sample 7 item 1: undefined/);
  try {
    await normalizeSamples(resolveTensorMeta({}), [1, undefined], { tensor: "t", startIndex: 40 });
    assert.unreachable("an undefined in a batch is refused");
  } catch (e) {
    assert.ok(isShoalError(e, "SampleTypeError"), String(e));
    assert.is((e as unknown as { index: number; tensor: string }).index, 41);
    assert.is((e as unknown as { index: number; tensor: string }).tensor, "t");
  }
});

test("normalizeSamples honours abort and reports progress", async () => {
  const seen: number[] = [];
  await normalizeSamples(resolveTensorMeta({}), [1, 2, 3], { tensor: "t", startIndex: 0, onProgress: (d) => seen.push(d) });
  assert.equal(seen, [1, 2, 3]);
  const ac = new AbortController();
  ac.abort();
  try {
    await normalizeSamples(resolveTensorMeta({}), [1], { tensor: "t", startIndex: 0, signal: ac.signal });
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).name, "AbortError");
  }
  try {
    await normalizeSamples(resolveTensorMeta({ dtype: "uint8" }), [1, 300], { tensor: "t", startIndex: 10 });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /sample 11/);
  }
});

test("toRgb / toGray / toNDArray used directly", () => {
  assert.equal(toRgb(ndarray("uint8", [1, 1, 2], new Uint8Array([7, 9]))).data, new Uint8Array([7, 7, 7]));
  assert.equal(toGray(ndarray("uint16", [1, 1, 3], new Uint16Array([1000, 1000, 1000]))).data, new Uint16Array([1000]));
  assert.throws(() => toRgb(ndarray("uint8", [4])), (e: unknown) => isShoalError(e, "ShapeError"));
  assert.throws(() => toGray(ndarray("uint8", [2, 2, 0])), (e: unknown) => isShoalError(e, "ShapeError"));
  assert.equal(toNDArray([[1, 2]], "float32", { tensor: "t", index: 0 }).shape, [1, 2]);
  assert.throws(() => toNDArray({ dtype: "complex", shape: [1], data: new Uint8Array(1) }, null, { tensor: "t", index: 0 }), (e: unknown) => isShoalError(e, "SampleDtypeError"));
  assert.throws(() => toNDArray(Symbol("x"), null, { tensor: "t", index: 0 }), (e: unknown) => isShoalError(e, "SampleTypeError"));
});

test.run();
