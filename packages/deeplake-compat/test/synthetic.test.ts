// SYNTHETIC datasets, written by the Deep Lake builder of @shoal/testing from the format notes (no public dataset has these
// features): lz4 chunk compression (block and legacy frame), per-sample lz4 text, list and json htypes with
// HubJsonEncoder objects, grayscale png samples, image-compressed chunks, tiles, polygons, renames and groups.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { getSampleCodec, lz4Encode, lz4FrameEncode } from "@shoal/codecs";
import { type NDArray, ndarray } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { type HubJsonSample, openDeepLake } from "../src/index.ts";
import { FIRST, chunk, chunkIds, concat, le, tilesIndex, writeDatasetMeta, writeTensor } from "@shoal/testing";

const utf8 = (s: string) => new TextEncoder().encode(s);
const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

async function build(): Promise<{ store: MemoryStore; png: Uint8Array; bigValues: Uint16Array; canvasSamples: NDArray[] }> {
  const store = new MemoryStore();
  const pngCodec = await getSampleCodec("png");

  await writeTensor(store, FIRST, {
    key: "nums", dtype: "int16", length: 5, minShape: [0], maxShape: [3], chunkCompression: "lz4",
    ids: chunkIds([[0xaa01n, 2], [0xbb02n, 4]]),
    chunks: {
      aa01: chunk([{ bytes: le("int16", [1, 2, 3]), shape: [3] }, { bytes: new Uint8Array(0), shape: [0] }, { bytes: le("int16", [4, -5]), shape: [2] }], { compress: lz4Encode }),
      bb02: chunk([{ bytes: le("int16", [6]), shape: [1] }, { bytes: le("int16", [7, 8, 9]), shape: [3] }], { compress: lz4Encode }),
    },
  });
  await writeTensor(store, FIRST, {
    key: "frame", dtype: "float32", length: 2, minShape: [2], maxShape: [2], chunkCompression: "lz4",
    ids: chunkIds([[0xf00dn, 1]], 4),
    chunks: { f00d: chunk([{ bytes: le("float32", [1.5, 2.5]), shape: [2] }, { bytes: le("float32", [3.5, 4.5]), shape: [2] }], { compress: (d) => lz4FrameEncode(d) }) },
  });
  await writeTensor(store, FIRST, {
    key: "notes", htype: "text", dtype: "str", length: 3, minShape: [1], maxShape: [1], sampleCompression: "lz4",
    ids: chunkIds([[0x1n, 2]]),
    chunks: { "1": chunk(["héllo", "", "world"].map((s) => ({ bytes: lz4Encode(utf8(s)), shape: [1] })), { bpsPerSample: true }) },
  });
  await writeTensor(store, FIRST, {
    key: "tags", htype: "list", dtype: "List", length: 3, minShape: [0], maxShape: [2],
    ids: chunkIds([[0x2n, 2]]),
    chunks: { "2": chunk([{ bytes: utf8('["a", "b"]'), shape: [2] }, { bytes: new Uint8Array(0), shape: [0] }, { bytes: utf8('["c"]'), shape: [1] }]) },
  });
  const gray = ndarray("uint8", [3, 4, 1], Uint8Array.from({ length: 12 }, (_, i) => i * 20));
  const png = pngCodec.encode!(gray);
  const special = JSON.stringify({
    arr: { _hub_custom_type: "ndarray", data: b64(le("float32", [1, 2, 3, 4])), shape: [2, 2], dtype: "<f4" },
    raw: { _hub_custom_type: "bytes", data: b64(new Uint8Array([1, 2, 3])) },
    img: { _hub_custom_type: "Sample", data: b64(png), compression: "png" },
    plain: [1, "x", null],
  });
  await writeTensor(store, FIRST, {
    key: "meta", htype: "json", dtype: "Any", length: 2, minShape: [1], maxShape: [1],
    ids: chunkIds([[0x3n, 1]]),
    chunks: { "3": chunk([{ bytes: utf8(special), shape: [1] }, { bytes: new Uint8Array(0), shape: [1] }]) },
  });
  const gray2 = ndarray("uint8", [2, 2, 1], new Uint8Array([9, 8, 7, 6]));
  await writeTensor(store, FIRST, {
    key: "masks", htype: "image", dtype: "uint8", length: 2, minShape: [2, 2, 1], maxShape: [3, 4, 1], sampleCompression: "png",
    ids: chunkIds([[0x4n, 1]]),
    chunks: { "4": chunk([{ bytes: png, shape: [3, 4, 1] }, { bytes: pngCodec.encode!(gray2), shape: [2, 2, 1] }]) },
  });

  // Tiles (§2.7): sample 1 is 5×7 in 2×3 tiles, a 3×3 grid of one-tile chunks in C order.
  const bigValues = Uint16Array.from({ length: 35 }, (_, i) => 1000 + i);
  const tileChunks: Record<string, Uint8Array> = {};
  const rows: [bigint, number][] = [[0xc0n, 0]];
  let t = 0;
  for (let ty = 0; ty < 3; ty++) {
    for (let tx = 0; tx < 3; tx++, t++) {
      const h = Math.min(2, 5 - ty * 2);
      const w = Math.min(3, 7 - tx * 3);
      const vals: number[] = [];
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) vals.push(bigValues[(ty * 2 + y) * 7 + tx * 3 + x]!);
      tileChunks[`7100${t}`] = chunk([{ bytes: le("uint16", vals), shape: [h, w] }], { noBps: true });
      rows.push([BigInt(`0x7100${t}`), 1]);
    }
  }
  rows.push([0xc2n, 2]);
  await writeTensor(store, FIRST, {
    key: "big", dtype: "uint16", length: 3, minShape: [1, 1], maxShape: [5, 7],
    ids: chunkIds(rows), tiles: tilesIndex([{ index: 1, sampleShape: [5, 7], tileShape: [2, 3] }]),
    chunks: { ...tileChunks, c0: chunk([{ bytes: le("uint16", [1, 2, 3, 4]), shape: [2, 2] }]), c2: chunk([{ bytes: le("uint16", [42]), shape: [1, 1] }]) },
  });
  // Tiles of an lz4 chunk-compressed tensor: a 3×3 sample in 2×2 tiles.
  const zTiles: Record<string, Uint8Array> = {};
  const zRows: [bigint, number][] = [];
  const zFull = [1, 2, 3, 4, 5, 6, 7, 8, 9];
  [[0, 0], [0, 2], [2, 0], [2, 2]].forEach(([y0, x0], k) => {
    const vals: number[] = [];
    const h = Math.min(2, 3 - y0!);
    const w = Math.min(2, 3 - x0!);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) vals.push(zFull[(y0! + y) * 3 + x0! + x]!);
    zTiles[`e${k}`] = chunk([{ bytes: le("int32", vals), shape: [h, w] }], { noBps: true, compress: lz4Encode });
    zRows.push([BigInt(`0xe${k}`), 0]);
  });
  await writeTensor(store, FIRST, {
    key: "bigz", dtype: "int32", length: 1, minShape: [3, 3], maxShape: [3, 3], chunkCompression: "lz4",
    ids: chunkIds(zRows), tiles: tilesIndex([{ index: 0, sampleShape: [3, 3], tileShape: [2, 2] }]), chunks: zTiles,
  });

  // Image chunk compression (§2.4): one png canvas (maxH, sumW, C), samples left to right, shapes only.
  const s0 = ndarray("uint8", [2, 3, 3], Uint8Array.from({ length: 18 }, (_, i) => i + 1));
  const s1 = ndarray("uint8", [4, 2, 3], Uint8Array.from({ length: 24 }, (_, i) => 100 + i));
  const canvas = new Uint8Array(4 * 5 * 3);
  for (let y = 0; y < 2; y++) canvas.set(s0.data.subarray(y * 9, y * 9 + 9), y * 15);
  for (let y = 0; y < 4; y++) canvas.set(s1.data.subarray(y * 6, y * 6 + 6), y * 15 + 9);
  await writeTensor(store, FIRST, {
    key: "canvas", htype: "image", dtype: "uint8", length: 2, minShape: [2, 2, 3], maxShape: [4, 3, 3], chunkCompression: "png",
    ids: chunkIds([[0xca4n, 1]]),
    chunks: { ca4: chunk([{ bytes: new Uint8Array(0), shape: [2, 3, 3] }, { bytes: new Uint8Array(0), shape: [4, 2, 3] }], { noBps: true, data: pngCodec.encode!(ndarray("uint8", [4, 5, 3], canvas)) }) },
  });

  // Polygons (§2.8): u16 count, u16 points per polygon, then the points.
  const poly = concat([new Uint8Array(new Uint16Array([2, 3, 2]).buffer), le("float32", [0, 0, 1, 0, 1, 1, 5, 5, 6, 6])]);
  await writeTensor(store, FIRST, {
    key: "poly", htype: "polygon", dtype: "float32", length: 1, minShape: [2, 3, 2], maxShape: [2, 3, 2],
    ids: chunkIds([[0x9n, 0]]), chunks: { "9": chunk([{ bytes: poly, shape: [2, 3, 2] }]) },
  });

  // A renamed class_label tensor (name ≠ key), a grouped tensor and a hidden one.
  await writeTensor(store, FIRST, {
    key: "lbl_key", htype: "class_label", dtype: "uint32", length: 5, minShape: [1], maxShape: [1], info: { class_names: ["cat", "dog"] },
    ids: chunkIds([[0x11n, 4]]), chunks: { "11": chunk([1, 0, 1, 1, 0].map((v) => ({ bytes: new Uint8Array(new Uint32Array([v]).buffer), shape: [1] }))) },
  });
  await writeTensor(store, FIRST, {
    key: "grp/vals", dtype: "float64", length: 2, minShape: [1], maxShape: [1],
    ids: chunkIds([[0x12n, 1]]), chunks: { "12": chunk([{ bytes: le("float64", [0.25]), shape: [1] }, { bytes: le("float64", [-1]), shape: [1] }]) },
  });
  await writeTensor(store, FIRST, {
    key: "_nums_id", dtype: "uint64", length: 5, minShape: [1], maxShape: [1], hidden: true,
    ids: chunkIds([[0x13n, 4]]), chunks: { "13": chunk([1, 2, 3, 4, 5].map((v) => ({ bytes: new Uint8Array(new BigUint64Array([BigInt(v) << 40n]).buffer), shape: [1] }))) },
  });
  const keys = ["nums", "frame", "notes", "tags", "meta", "masks", "big", "bigz", "canvas", "poly", "lbl_key", "grp/vals", "_nums_id"];
  const names = Object.fromEntries(keys.map((k) => [k === "lbl_key" ? "labels" : k, k]));
  await writeDatasetMeta(store, FIRST, keys, { names, hidden: ["_nums_id"], groups: ["grp"] });
  return { store, png, bigValues, canvasSamples: [s0, s1] };
}

const built = build();

test("SYNTHETIC: lz4 chunk compression with ragged and empty samples, uint64 ids", async () => {
  const { store } = await built;
  const ds = await openDeepLake(store);
  const nums = ds.tensor("nums");
  const got = (await nums.readMany([0, 1, 2, 3, 4])) as NDArray[];
  assert.equal(got.map((a) => [...a.data]), [[1, 2, 3], [], [4, -5], [6], [7, 8, 9]]);
  assert.equal(got.map((a) => a.shape), [[3], [0], [2], [1], [3]]);
  assert.equal(await nums.shapes(), { ndim: 1, data: new Uint32Array([3, 0, 2, 1, 3]) });
  assert.is(await nums.columnMatrix(), undefined);
  assert.equal([...(await nums.chunkIds())], [0, 0, 0, 1, 1]);
  const raw = await nums.readBytes(2);
  assert.equal(raw, { bytes: le("int16", [4, -5]), compression: null });
});

test("SYNTHETIC: legacy lz4 frame chunks and uint32 ids with a width byte", async () => {
  const ds = await openDeepLake((await built).store);
  const m = (await ds.tensor("frame").columnMatrix())!;
  assert.equal(m.shape, [2, 2]);
  assert.equal([...m.data], [1.5, 2.5, 3.5, 4.5]);
});

test("SYNTHETIC: text with per-sample lz4, list htype, json with HubJsonEncoder objects", async () => {
  const { store, png } = await built;
  const ds = await openDeepLake(store);
  assert.equal(await ds.tensor("notes").readMany([0, 1, 2]), ["héllo", "", "world"]);
  const stored = await ds.tensor("notes").readBytes(0);
  assert.is(stored.compression, "lz4");
  assert.equal(stored.bytes, lz4Encode(utf8("héllo")));
  assert.equal(await ds.tensor("tags").readMany([0, 1, 2]), [["a", "b"], [], ["c"]]);
  assert.equal(await ds.tensor("tags").shape(0), [2]);
  const [first, empty] = (await ds.tensor("meta").readMany([0, 1])) as [Record<string, unknown>, unknown];
  const arr = first.arr as NDArray;
  assert.is(arr.dtype, "float32");
  assert.equal(arr.shape, [2, 2]);
  assert.equal([...arr.data], [1, 2, 3, 4]);
  assert.equal(first.raw, new Uint8Array([1, 2, 3]));
  const img = first.img as HubJsonSample;
  assert.is(img.compression, "png");
  assert.equal(img.bytes, png);
  assert.equal(first.plain, [1, "x", null]);
  assert.equal(empty, {});
});

test("SYNTHETIC: grayscale png samples keep their (H, W, 1) shape and stored bytes", async () => {
  const { store, png } = await built;
  const ds = await openDeepLake(store);
  const masks = ds.tensor("masks");
  const a = (await masks.read(0)) as NDArray;
  assert.equal(a.shape, [3, 4, 1]);
  assert.equal([...a.data], Array.from({ length: 12 }, (_, i) => i * 20));
  assert.equal([...((await masks.read(1)) as NDArray).data], [9, 8, 7, 6]);
  assert.equal(await masks.readBytes(0), { bytes: png, compression: "png" });
  assert.equal(await masks.shape(1), [2, 2, 1]);
});

test("SYNTHETIC: tiled samples reassemble from their tile chunks (raw and lz4)", async () => {
  const { store, bigValues } = await built;
  const ds = await openDeepLake(store);
  const big = ds.tensor("big");
  const [a, b, c] = (await big.readMany([0, 1, 2])) as NDArray[];
  assert.equal([...a!.data], [1, 2, 3, 4]);
  assert.equal(b!.shape, [5, 7]);
  assert.equal(b!.data, bigValues);
  assert.equal([...c!.data], [42]);
  assert.equal(await big.shape(1), [5, 7]);
  assert.equal([...(await big.chunkIds())], [0, 1, 10]);
  assert.equal(await big.read(1), b);
  const z = (await ds.tensor("bigz").read(0)) as NDArray;
  assert.equal(z.shape, [3, 3]);
  assert.equal([...z.data], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("SYNTHETIC: image-compressed chunks crop each sample out of the png canvas", async () => {
  const { store, canvasSamples } = await built;
  const ds = await openDeepLake(store);
  const got = (await ds.tensor("canvas").readMany([1, 0])) as NDArray[];
  assert.equal(got[0], canvasSamples[1]);
  assert.equal(got[1], canvasSamples[0]);
});

test("SYNTHETIC: polygons read as one [points, 2] array per polygon", async () => {
  const ds = await openDeepLake((await built).store);
  const p = (await ds.tensor("poly").read(0)) as NDArray[];
  assert.equal(p.map((a) => a.shape), [[3, 2], [2, 2]]);
  assert.equal([...p[0]!.data], [0, 0, 1, 0, 1, 1]);
  assert.equal([...p[1]!.data], [5, 5, 6, 6]);
});

test("SYNTHETIC: renamed, grouped and hidden tensors; class names", async () => {
  const ds = await openDeepLake((await built).store);
  assert.ok(ds.tensorNames().includes("labels"));
  assert.ok(ds.tensorNames().includes("grp/vals"));
  assert.not.ok(ds.tensorNames().includes("_nums_id"));
  assert.ok(ds.tensorNames({ includeHidden: true }).includes("_nums_id"));
  assert.equal(ds.groups, ["grp"]);
  const labels = ds.tensor("labels");
  assert.is(labels.key, "lbl_key");
  assert.equal([...(await labels.column())!.data], [1, 0, 1, 1, 0]);
  assert.equal([...(await ds.tensor("grp/vals").column())!.data], [0.25, -1]);
  assert.equal([...(await ds.tensor("_nums_id").column())!.data], [1n << 40n, 2n << 40n, 3n << 40n, 4n << 40n, 5n << 40n]);
  assert.is(ds.length, Math.min(...ds.tensorNames().map((n) => ds.tensor(n).length)));
});

test.run();
