// Dataset basics on MemoryStore: create tensors of several htypes, append/extend, read back, info, groups, summary.
import { ndarray, isShoalError, type NDArray } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { dataset, empty, fromNpy, link, load, read, readBlob } from "../src/index.ts";
import { arr, pngFile, pixels, rejects } from "./helpers.ts";

test("images + class labels: extend, read back, exportSample keeps the png bytes", async () => {
  const store = new MemoryStore();
  const ds = await empty(store);
  await ds.createTensor("images", { htype: "image", sampleCompression: "png" });
  await ds.createTensor("labels", { htype: "class_label", classNames: ["cat"] });
  const files = [await pngFile(4, 5, 1), await pngFile(4, 5, 2), await pngFile(6, 3, 3)];
  await ds.extend({ images: files.map((f) => read(f, { name: "x.png" })), labels: ["cat", "dog", "cat"] });
  assert.equal(ds.tensorNames(), ["images", "labels"]);
  assert.is(ds.numSamples, 3);
  const images = ds.tensor("images");
  assert.is(images.htype, "image");
  assert.is(images.dtype, "uint8");
  assert.is(images.meta.sampleCompression, "png");
  assert.is(images.meta.chunkCompression, null);
  assert.equal(images.shape, [3, null, null, 3]);
  const first = (await images.at(0).numpy()) as NDArray;
  assert.equal(first.shape, [4, 5, 3]);
  assert.equal(arr(first), arr(pixels(4, 5, 3, 1)));
  const all = (await images.numpy()) as NDArray[];
  assert.ok(Array.isArray(all) && all.length === 3, "different shapes come back as a list");
  await rejects(images.array(), "ShapeError");
  assert.equal((await images.at(0).array()).shape, [4, 5, 3]);
  await rejects(ds.tensor("labels").text(), "InvalidArgumentError");
  const firstTwo = (await images.slice(0, 2).numpy()) as NDArray;
  assert.equal(firstTwo.shape, [2, 4, 5, 3], "equal shapes are stacked");
  assert.equal(ds.tensor("labels").info.get("class_names"), ["cat", "dog"]);
  assert.equal(arr(await ds.tensor("labels").numpy()), [0, 1, 0]);
  const exported = await images.exportSample(2);
  assert.is(exported.extension, "png");
  assert.equal(Array.from(exported.bytes), Array.from(files[2]!));
  const label = await ds.tensor("labels").exportSample(1);
  assert.is(label.extension, "npy");
  assert.equal(Array.from(label.bytes.subarray(0, 6)), [0x93, 78, 85, 77, 80, 89]);
  await ds.flush();
  const again = await load(store, { readOnly: true });
  assert.equal(again.tensorNames(), ["images", "labels"]);
  assert.equal(arr(await again.tensor("labels").numpy()), [0, 1, 0]);
  assert.equal(again.tensor("labels").info.get("class_names"), ["cat", "dog"]);
  assert.equal(arr(await again.tensor("images").at(1).numpy()), arr(pixels(4, 5, 3, 2)));
});

test("text, json and list tensors; text()/dict()/list() and exportSample extensions", async () => {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("caption", { htype: "text" });
  await ds.createTensor("meta", { htype: "json" });
  await ds.createTensor("tags", { htype: "list" });
  await ds.append({ caption: "a cat", meta: { w: 1 }, tags: ["x", "y"] });
  await ds.append({ caption: "a dog", meta: { w: 2 }, tags: [] });
  assert.equal(await ds.tensor("caption").text(), ["a cat", "a dog"]);
  assert.is(await ds.tensor("caption").at(1).text(), "a dog");
  assert.equal(await ds.tensor("meta").at(0).dict(), { w: 1 });
  assert.equal(await ds.tensor("tags").list(), [["x", "y"], []]);
  assert.is((await ds.tensor("caption").exportSample(0)).extension, "txt");
  const j = await ds.tensor("meta").exportSample(1);
  assert.is(j.extension, "json");
  assert.equal(JSON.parse(new TextDecoder().decode(j.bytes)), { w: 2 });
  await rejects(ds.tensor("caption").dict(), "InvalidArgumentError");
});

test("generic arrays: numpy stacking, slices with steps, sub-sample slicing, update, pop", async () => {
  const ds = await empty(new MemoryStore());
  const t = await ds.createTensor("x", { dtype: "float32" });
  for (let i = 0; i < 5; i++) await t.append(ndarray("float32", [2, 3], Float32Array.from({ length: 6 }, (_, k) => i * 10 + k)));
  const all = (await t.numpy()) as NDArray;
  assert.equal(all.shape, [5, 2, 3]);
  assert.equal(arr(await t.slice(null, null, -2).numpy()).filter((_, k) => k % 6 === 0), [40, 20, 0]);
  assert.equal(arr(await t.at(-1).numpy()), [40, 41, 42, 43, 44, 45]);
  const sub = (await t.at(2, 1, [1, 3]).numpy()) as NDArray;
  assert.equal(sub.shape, [2]);
  assert.equal(arr(sub), [24, 25]);
  await t.update(1, ndarray("float32", [2, 3], new Float32Array(6).fill(7)));
  assert.equal(arr(await t.at(1).numpy()), [7, 7, 7, 7, 7, 7]);
  await t.pop(0);
  assert.is(t.length, 4);
  assert.equal(arr(await t.at(0).numpy()), [7, 7, 7, 7, 7, 7]);
  const list = (await t.numpy({ aslist: true })) as NDArray[];
  assert.is(list.length, 4);
  assert.equal((await t.shapes())[0], [2, 3]);
  const npy = await t.exportSample(0);
  assert.is(npy.extension, "npy");
  assert.throws(() => t.slice(0, 4, 0), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
  assert.throws(() => t.at(9), (e: unknown) => isShoalError(e, "SampleIndexError"));
});

test("nested arrays as samples, the abc example's numpy()", async () => {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("abc");
  await ds.tensor("abc").append([1, 2, 3]);
  await ds.tensor("abc").append([4, 5, 6]);
  const a = (await ds.tensor("abc").numpy()) as NDArray;
  assert.equal(a.shape, [2, 3]);
  assert.equal(arr(a), [1, 2, 3, 4, 5, 6]);
});

test("info on dataset and tensor persists; Info get/set/update/delete/toJSON", async () => {
  const store = new MemoryStore();
  const ds = await empty(store);
  await ds.createTensor("x");
  ds.info.update({ description: "demo", version: 1 });
  ds.info.set("license", "MIT");
  assert.ok(ds.info.delete("version"));
  assert.not.ok(ds.info.delete("nope"));
  ds.tensor("x").info.set("units", "m");
  await ds.close();
  const again = await load(store, { readOnly: true });
  assert.equal(again.info.toJSON(), { description: "demo", license: "MIT" });
  assert.is(again.tensor("x").info.get("units"), "m");
  assert.throws(() => again.info.set("k", 1), (e: unknown) => isShoalError(e, "ReadOnlyModeError"));
  assert.throws(() => ds.info.update({ f: () => 1 } as never), (e: unknown) => isShoalError(e, "InvalidArgumentError", "ReadOnlyModeError"));
});

test("groups: nested createGroup, tensors inside, rename and delete groups, collisions", async () => {
  const ds = await empty(new MemoryStore());
  ds.createGroup("train/a");
  assert.equal(ds.groups.sort(), ["train", "train/a"]);
  await ds.createTensor("train/a/x");
  await ds.createTensor("train/y");
  assert.throws(() => ds.createGroup("train"), (e: unknown) => isShoalError(e, "TensorGroupAlreadyExistsError"));
  ds.createGroup("train", { existOk: true });
  assert.throws(() => ds.createGroup("train/y"), (e: unknown) => isShoalError(e, "TensorGroupAlreadyExistsError"));
  await rejects(ds.createTensor("train"), "TensorGroupAlreadyExistsError");
  await rejects(ds.createTensor("train/y/z"), "TensorAlreadyExistsError");
  ds.renameGroup("train", "fit");
  assert.equal(ds.tensorNames().sort(), ["fit/a/x", "fit/y"]);
  assert.ok(ds.groups.includes("fit/a") && !ds.groups.includes("train"));
  ds.deleteGroup("fit/a");
  assert.equal(ds.tensorNames(), ["fit/y"]);
  assert.throws(() => ds.deleteGroup("nope"), (e: unknown) => isShoalError(e, "TensorGroupDoesNotExistError"));
});

test("createTensor options: existOk, hidden tensors, createTensorLike, renameTensor, deleteTensor", async () => {
  const ds = await empty(new MemoryStore());
  const a = await ds.createTensor("boxes", { htype: "bbox", coords: { type: "pixel", mode: "LTWH" }, chunkCompression: "lz4", maxChunkSize: 1 << 20, tilingThreshold: -1 });
  assert.is(a.meta.chunkCompression, "lz4");
  assert.equal(a.info.get("coords"), { type: "pixel", mode: "LTWH" });
  assert.ok((await ds.createTensor("boxes", { htype: "bbox", existOk: true })).name === "boxes");
  await rejects(ds.createTensor("boxes"), "TensorAlreadyExistsError");
  await ds.createTensor("plain", { createIdTensor: false, createShapeTensor: false });
  assert.equal(ds.engine.allTensorNames().filter((n) => n.startsWith("_plain")), []);
  assert.ok(ds.engine.allTensorNames().includes("_boxes_id"));
  const like = await ds.createTensorLike("boxes2", a);
  assert.is(like.htype, "bbox");
  assert.is(like.meta.chunkCompression, "lz4");
  assert.equal(like.info.get("coords"), { type: "pixel", mode: "LTWH" });
  ds.renameTensor("boxes2", "grp/boxes3");
  assert.ok(ds.tensorNames().includes("grp/boxes3") && ds.groups.includes("grp"));
  ds.deleteTensor("grp/boxes3");
  assert.not.ok(ds.hasTensor("grp/boxes3"));
  assert.throws(() => ds.deleteTensor("nope"), (e: unknown) => isShoalError(e, "TensorDoesNotExistError"));
});

test("summary() prints a table; summaryRows() gives the same rows as data; sizeApprox counts raw bytes", async () => {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("x", { dtype: "uint16" });
  await ds.createTensor("y", { htype: "text" });
  await ds.extend({ x: [ndarray("uint16", [4], new Uint16Array(4)), ndarray("uint16", [4], new Uint16Array(4))], y: ["a", "b"] });
  const rows = ds.summaryRows();
  assert.equal(rows[0], { tensor: "x", htype: "generic", shape: [2, 4], dtype: "uint16", compression: null });
  const text = ds.summary();
  assert.ok(text.includes("tensor") && text.includes("(2, 4)") && text.includes("uint16"), text);
  assert.is(await ds.sizeApprox(), 2 * 4 * 2 + 2);
});

test("numSamples/minLen/maxLen, minView/maxView, skipOk and appendEmpty", async () => {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("a");
  await ds.createTensor("b");
  await ds.extend({ a: [[1], [2], [3]] }, { skipOk: true });
  await ds.append({ b: [9] }, { appendEmpty: true });
  assert.is(ds.tensor("a").length, 4);
  assert.is(ds.tensor("b").length, 1);
  assert.is(ds.minLen, 1);
  assert.is(ds.maxLen, 4);
  assert.is(ds.numSamples, 1);
  assert.is(ds.minView().length, 1);
  assert.is(ds.maxView().length, 4);
  assert.is(ds.maxView().tensor("b").length, 1);
  assert.equal((await ds.tensor("a").at(3).numpy() as NDArray).shape, [0], "appendEmpty gives an empty sample");
});

test("polygons read back as one array per polygon; sequences of arrays are stacked; npy export decodes", async () => {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("poly", { htype: "polygon" });
  await ds.tensor("poly").append([[[0, 0], [1, 0], [1, 1]], [[2, 2], [3, 3]]]);
  const polys = (await ds.tensor("poly").at(0).numpy()) as NDArray[];
  assert.equal(polys.map((p) => p.shape), [[3, 2], [2, 2]]);
  assert.equal(arr(polys[1]), [2, 2, 3, 3]);
  await ds.createTensor("seq", { htype: "sequence[generic]", dtype: "int16" });
  await ds.tensor("seq").append([[1, 2], [3, 4], [5, 6]]);
  const seq = (await ds.tensor("seq").at(0).numpy()) as NDArray;
  assert.equal(seq.shape, [3, 2]);
  assert.equal(arr(seq), [1, 2, 3, 4, 5, 6]);
  const npy = await ds.tensor("seq").exportSample(0);
  const back = fromNpy(npy.bytes);
  assert.is(back.dtype, "int16");
  assert.equal(back.shape, [3, 2]);
  assert.equal(arr(back), [1, 2, 3, 4, 5, 6]);
});

test("extend reports progress; clearCache keeps data readable", async () => {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("x", { dtype: "uint8" });
  const calls: [number, number][] = [];
  await ds.extend({ x: Array.from({ length: 600 }, (_, i) => [i & 0xff]) }, { onProgress: (d, t) => calls.push([d, t]) });
  assert.equal(calls[calls.length - 1], [600, 600]);
  assert.ok(calls.every(([d, t]) => d <= t && t === 600));
  await ds.flush();
  ds.clearCache();
  assert.equal(arr(await ds.tensor("x").at(599).numpy()), [599 & 0xff]);
});

test("rechunk merges the small chunks of many flushes; the data is unchanged", async () => {
  const store = new MemoryStore();
  const ds = await empty(store);
  await ds.createTensor("x", { dtype: "uint8", maxChunkSize: 4096 });
  for (let i = 0; i < 12; i++) {
    await ds.tensor("x").append(ndarray("uint8", [100], new Uint8Array(100).fill(i)));
    await ds.flush();
  }
  const rows = async () => (await ds.engine.tensor("x").chunkIds()).reduce((m, v) => Math.max(m, v), 0) + 1;
  assert.is(await rows(), 12);
  await ds.rechunk();
  assert.is(await rows(), 1);
  assert.equal((await ds.tensor("x").numpy({ aslist: true }) as NDArray[]).map((a) => a.data[0]), Array.from({ length: 12 }, (_, i) => i));
  await rejects(ds.rechunk("nope"), "TensorDoesNotExistError");
});

test("dataset() loads or creates; link() and readBlob() make samples; bad paths are refused", async () => {
  const store = new MemoryStore();
  const created = await dataset(store);
  await created.createTensor("t", { htype: "text" });
  await created.close();
  const loaded = await dataset(store);
  assert.equal(loaded.tensorNames(), ["t"]);
  await loaded.close();
  await rejects(dataset(new MemoryStore(), { readOnly: true }), "DatasetNotFoundError");
  await rejects(load(new MemoryStore()), "DatasetNotFoundError");
  await rejects(load(""), "InvalidArgumentError");
  await rejects(empty("ftp://x/y"), "InvalidArgumentError");
  assert.equal(link("https://example.com/a.png", { credsKey: "k" }), { url: "https://example.com/a.png", credsKey: "k" });
  assert.throws(() => link(""), (e: unknown) => (e as { code?: string }).code === "InvalidArgumentError");
  const blob = await readBlob(new Blob([new Uint8Array(await pngFile(2, 2, 1))]), { name: "a.png" });
  assert.is(blob.compression, "png");
});

test.run();
