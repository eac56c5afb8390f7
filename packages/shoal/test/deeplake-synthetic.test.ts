// importDeepLake over a SYNTHETIC Deep Lake 3.x layout (written by @shoal/deeplake-compat's test builder from the
// format notes) for what the real fixtures lack: png samples with a tiled one, lz4 chunk and sample compression,
// image chunk compression, json with HubJsonEncoder objects and NaN, renamed, grouped and hidden tensors.
import { getSampleCodec, lz4Encode } from "@shoal/codecs";
import { type NDArray, ndarray } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FIRST, chunk, chunkIds, json, le, tilesIndex, writeDatasetMeta, writeTensor } from "@shoal/testing";
import { importDeepLake } from "../src/index.ts";
import { arr } from "./helpers.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const u8 = (shape: number[], f: (i: number) => number) => ndarray("uint8", shape, Uint8Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)));

async function build() {
  const store = new MemoryStore();
  const png = await getSampleCodec("png");
  const small = u8([3, 4, 1], (i) => i * 20);
  const smallPng = png.encode!(small);
  // Sample 1 is 4×4×1 in 2×2×1 tiles: four one-tile chunks, each a png of its tile, in C order.
  const big = u8([4, 4, 1], (i) => 200 - i);
  const tiles: Record<string, Uint8Array> = {};
  const rows: [bigint, number][] = [[0xa0n, 0]];
  [[0, 0], [0, 2], [2, 0], [2, 2]].forEach(([y0, x0], k) => {
    const tile = u8([2, 2, 1], (i) => big.data[(y0! + (i >> 1)) * 4 + x0! + (i & 1)]!);
    tiles[`b${k}`] = chunk([{ bytes: png.encode!(tile), shape: [2, 2, 1] }], { noBps: true });
    rows.push([BigInt(`0xb${k}`), 1]);
  });
  await writeTensor(store, FIRST, {
    key: "photos", htype: "image", dtype: "uint8", length: 2, minShape: [3, 4, 1], maxShape: [4, 4, 1], sampleCompression: "png",
    ids: chunkIds(rows), tiles: tilesIndex([{ index: 1, sampleShape: [4, 4, 1], tileShape: [2, 2, 1] }]),
    chunks: { ...tiles, a0: chunk([{ bytes: smallPng, shape: [3, 4, 1] }]) },
  });
  await writeTensor(store, FIRST, {
    key: "nums", dtype: "int16", length: 4, minShape: [0], maxShape: [3], chunkCompression: "lz4",
    ids: chunkIds([[0xc1n, 1], [0xc2n, 3]]),
    chunks: {
      c1: chunk([{ bytes: le("int16", [1, 2, 3]), shape: [3] }, { bytes: new Uint8Array(0), shape: [0] }], { compress: lz4Encode }),
      c2: chunk([{ bytes: le("int16", [-4]), shape: [1] }, { bytes: le("int16", [5, 6]), shape: [2] }], { compress: lz4Encode }),
    },
  });
  await writeTensor(store, FIRST, {
    key: "notes", htype: "text", dtype: "str", length: 2, minShape: [1], maxShape: [1], sampleCompression: "lz4",
    ids: chunkIds([[0xd1n, 1]]), chunks: { d1: chunk(["héllo", "world"].map((s) => ({ bytes: lz4Encode(utf8(s)), shape: [1] })), { bpsPerSample: true }) },
  });
  const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
  const special = `{"arr": {"_hub_custom_type": "ndarray", "data": "${b64(le("float32", [1, 2, 3, 4]))}", "shape": [2, 2], "dtype": "<f4"}, "raw": {"_hub_custom_type": "bytes", "data": "AQID"}, "x": NaN, "plain": [1, "y", null]}`;
  await writeTensor(store, FIRST, {
    key: "meta", htype: "json", dtype: "Any", length: 1, minShape: [1], maxShape: [1], ids: chunkIds([[0xe1n, 0]]), chunks: { e1: chunk([{ bytes: utf8(special), shape: [1] }]) },
  });
  // Image chunk compression: one png canvas (maxH, sumW, C) holding both samples left to right.
  const s0 = u8([2, 3, 3], (i) => i + 1);
  const s1 = u8([4, 2, 3], (i) => 100 + i);
  const canvas = new Uint8Array(4 * 5 * 3);
  for (let y = 0; y < 2; y++) canvas.set(s0.data.subarray(y * 9, y * 9 + 9), y * 15);
  for (let y = 0; y < 4; y++) canvas.set(s1.data.subarray(y * 6, y * 6 + 6), y * 15 + 9);
  await writeTensor(store, FIRST, {
    key: "canvas", htype: "image", dtype: "uint8", length: 2, minShape: [2, 2, 3], maxShape: [4, 3, 3], chunkCompression: "png",
    ids: chunkIds([[0xf1n, 1]]),
    chunks: { f1: chunk([{ bytes: new Uint8Array(0), shape: [2, 3, 3] }, { bytes: new Uint8Array(0), shape: [4, 2, 3] }], { noBps: true, data: png.encode!(ndarray("uint8", [4, 5, 3], canvas)) }) },
  });
  await writeTensor(store, FIRST, {
    key: "lbl_key", htype: "class_label", dtype: "uint32", length: 3, minShape: [1], maxShape: [1], info: { class_names: ["cat", "dog"], note: "renamed" },
    ids: chunkIds([[0x11n, 2]]), chunks: { "11": chunk([1, 0, 1].map((v) => ({ bytes: new Uint8Array(new Uint32Array([v]).buffer), shape: [1] }))) },
  });
  await writeTensor(store, FIRST, {
    key: "grp/vals", dtype: "float64", length: 2, minShape: [1], maxShape: [1], ids: chunkIds([[0x12n, 1]]),
    chunks: { "12": chunk([{ bytes: le("float64", [0.25]), shape: [1] }, { bytes: le("float64", [-1]), shape: [1] }]) },
  });
  await writeTensor(store, FIRST, {
    key: "_nums_shape", dtype: "int64", length: 4, minShape: [1], maxShape: [1], hidden: true, ids: chunkIds([[0x13n, 3]]),
    chunks: { "13": chunk([3, 0, 1, 2].map((v) => ({ bytes: new Uint8Array(new BigInt64Array([BigInt(v)]).buffer), shape: [1] }))) },
  });
  const keys = ["photos", "nums", "notes", "meta", "canvas", "lbl_key", "grp/vals", "_nums_shape"];
  await writeDatasetMeta(store, FIRST, keys, { names: Object.fromEntries(keys.map((k) => [k === "lbl_key" ? "labels" : k, k])), hidden: ["_nums_shape"], groups: ["grp", "empty"] });
  await store.set("dataset_info.json", json({ description: "synthetic", license: "CC0" }));
  return { store, smallPng, small, big, s0, s1 };
}

test("SYNTHETIC: every kind of tensor imports with its values, files kept, settings mapped", async () => {
  const { store, smallPng, small, big, s0, s1 } = await build();
  const ds = await importDeepLake(store, new MemoryStore());
  assert.equal(ds.tensorNames(), ["photos", "nums", "notes", "meta", "canvas", "labels", "grp/vals"]);
  assert.equal([...ds.groups].sort(), ["empty", "grp"]);
  assert.equal(ds.info.toJSON(), { description: "synthetic", license: "CC0" });

  const photos = ds.tensor("photos");
  assert.is(photos.meta.sampleCompression, "png");
  assert.equal((await photos.readBytes(0)).bytes, smallPng);
  const got = (await photos.numpy({ aslist: true })) as NDArray[];
  assert.equal(got.map((a) => a.shape), [[3, 4, 1], [4, 4, 1]]);
  assert.equal(arr(got[0]), arr(small));
  assert.equal(arr(got[1]), arr(big), "the tiled sample, reassembled and stored as one png");

  const nums = ds.tensor("nums");
  assert.is(nums.meta.chunkCompression, "lz4");
  assert.is(nums.dtype, "int16");
  assert.equal(((await nums.numpy({ aslist: true })) as NDArray[]).map(arr), [[1, 2, 3], [], [-4], [5, 6]]);

  assert.equal(await ds.tensor("notes").text(), ["héllo", "world"]);
  assert.equal(await ds.tensor("meta").dict(), [{ arr: [[1, 2], [3, 4]], raw: { _hub_custom_type: "bytes", data: "AQID" }, x: null, plain: [1, "y", null] }]);

  const canvas = ds.tensor("canvas");
  assert.is(canvas.meta.sampleCompression, "png");
  assert.is(canvas.meta.chunkCompression, null);
  const tiles = (await canvas.numpy({ aslist: true })) as NDArray[];
  assert.equal(tiles.map((a) => [a.shape, arr(a)]), [[s0.shape, arr(s0)], [s1.shape, arr(s1)]]);

  const labels = ds.tensor("labels");
  assert.equal(arr(await labels.numpy()), [1, 0, 1]);
  assert.equal(labels.info.toJSON(), { class_names: ["cat", "dog"], note: "renamed" });
  assert.equal(arr(await ds.tensor("grp/vals").numpy()), [0.25, -1]);
  await ds.close();
});

test("SYNTHETIC: numWorkers copies tensors at once and writes the same dataset; a bad count is refused", async () => {
  const { store } = await build();
  const one = await importDeepLake(store, new MemoryStore());
  const four = await importDeepLake(store, new MemoryStore(), { numWorkers: 4 });
  assert.equal(four.tensorNames(), one.tensorNames());
  for (const name of one.tensorNames()) {
    const a = one.tensor(name);
    const b = four.tensor(name);
    assert.is(b.length, a.length, name);
    for (let i = 0; i < a.length; i++) assert.equal((await b.readBytes(i)).bytes, (await a.readBytes(i)).bytes, `${name}[${i}]`);
  }
  const dest = new MemoryStore();
  const e = await importDeepLake(store, dest, { numWorkers: -1 }).then(() => undefined, (x: unknown) => x);
  assert.is((e as { code?: string })?.code, "InvalidArgumentError");
  assert.is(await dest.get("shoal.json"), undefined);
});

test("SYNTHETIC: sequence tensors are refused before anything is written", async () => {
  const store = new MemoryStore();
  await writeTensor(store, FIRST, {
    key: "seq", dtype: "int32", length: 1, minShape: [1], maxShape: [1], extraMeta: { is_sequence: true },
    ids: chunkIds([[0x1n, 0]]), chunks: { "1": chunk([{ bytes: le("int32", [7]), shape: [1] }]) },
  });
  await writeDatasetMeta(store, FIRST, ["seq"]);
  const dest = new MemoryStore();
  const e = await importDeepLake(store, dest).then(() => undefined, (x: unknown) => x);
  assert.is((e as { code?: string })?.code, "DeepLakeUnsupportedError");
  const keys: string[] = [];
  for await (const k of dest.list("")) keys.push(k);
  assert.equal(keys, []);
});

test.run();
