// A small Deep Lake 3.x dataset from @shoal/testing's synthetic writer (lz4 chunks, lz4 text, png, tiles, class
// labels, a group), and a reader of all of it.
import { getSampleCodec, lz4Encode } from "@shoal/codecs";
import { ndarray } from "@shoal/core";
import { openDeepLake } from "@shoal/deeplake-compat";
import { MemoryStore, type Store } from "@shoal/storage";
import { FIRST, chunk, chunkIds, le, tilesIndex, writeDatasetMeta, writeTensor } from "@shoal/testing";
import { canonical } from "./outcome.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

export async function buildDeepLakeDataset(): Promise<Store> {
  const store = new MemoryStore();
  const png = await getSampleCodec("png");
  await writeTensor(store, FIRST, {
    key: "nums", dtype: "int16", length: 5, minShape: [0], maxShape: [3], chunkCompression: "lz4",
    ids: chunkIds([[0xaa01n, 2], [0xbb02n, 4]]),
    chunks: {
      aa01: chunk([{ bytes: le("int16", [1, 2, 3]), shape: [3] }, { bytes: new Uint8Array(0), shape: [0] }, { bytes: le("int16", [4, -5]), shape: [2] }], { compress: lz4Encode }),
      bb02: chunk([{ bytes: le("int16", [6]), shape: [1] }, { bytes: le("int16", [7, 8, 9]), shape: [3] }], { compress: lz4Encode }),
    },
  });
  await writeTensor(store, FIRST, {
    key: "notes", htype: "text", dtype: "str", length: 3, minShape: [1], maxShape: [1], sampleCompression: "lz4",
    ids: chunkIds([[0x1n, 2]]),
    chunks: { "1": chunk(["héllo", "", "world"].map((s) => ({ bytes: lz4Encode(utf8(s)), shape: [1] })), { bpsPerSample: true }) },
  });
  const img = (h: number, w: number, s: number) => png.encode!(ndarray("uint8", [h, w, 1], Uint8Array.from({ length: h * w }, (_, i) => i * 20 + s)));
  await writeTensor(store, FIRST, {
    key: "masks", htype: "image", dtype: "uint8", length: 2, minShape: [2, 2, 1], maxShape: [3, 4, 1], sampleCompression: "png",
    ids: chunkIds([[0x4n, 1]]),
    chunks: { "4": chunk([{ bytes: img(3, 4, 0), shape: [3, 4, 1] }, { bytes: img(2, 2, 9), shape: [2, 2, 1] }]) },
  });
  const tiles: Record<string, Uint8Array> = {};
  const rows: [bigint, number][] = [[0xc0n, 0]];
  for (let t = 0; t < 4; t++) {
    tiles[`710${t}`] = chunk([{ bytes: le("uint16", [t * 4, t * 4 + 1, t * 4 + 2, t * 4 + 3]), shape: [2, 2] }], { noBps: true });
    rows.push([BigInt(`0x710${t}`), 1]);
  }
  await writeTensor(store, FIRST, {
    key: "big", dtype: "uint16", length: 2, minShape: [1, 1], maxShape: [4, 4],
    ids: chunkIds(rows), tiles: tilesIndex([{ index: 1, sampleShape: [4, 4], tileShape: [2, 2] }]),
    chunks: { ...tiles, c0: chunk([{ bytes: le("uint16", [42]), shape: [1, 1] }]) },
  });
  await writeTensor(store, FIRST, {
    key: "lbl", htype: "class_label", dtype: "uint32", length: 4, minShape: [1], maxShape: [1], info: { class_names: ["cat", "dog"] },
    ids: chunkIds([[0x11n, 3]]), chunks: { "11": chunk([1, 0, 1, 1].map((v) => ({ bytes: new Uint8Array(new Uint32Array([v]).buffer), shape: [1] }))) },
  });
  await writeTensor(store, FIRST, {
    key: "grp/vals", dtype: "float64", length: 2, minShape: [1], maxShape: [1],
    ids: chunkIds([[0x12n, 1]]), chunks: { "12": chunk([{ bytes: le("float64", [0.25]), shape: [1] }, { bytes: le("float64", [-1]), shape: [1] }]) },
  });
  const keys = ["nums", "notes", "masks", "big", "lbl", "grp/vals"];
  await writeDatasetMeta(store, FIRST, keys, { names: Object.fromEntries(keys.map((k) => [k === "lbl" ? "labels" : k, k])), groups: ["grp"] });
  return store;
}

export async function readDeepLake(store: Store): Promise<string> {
  const ds = await openDeepLake(store);
  const out: Record<string, unknown> = {};
  for (const name of ds.tensorNames()) {
    const t = ds.tensor(name);
    const values: unknown[] = [];
    for (let i = 0; i < t.length; i++) values.push(await t.read(i));
    out[name] = values;
  }
  return canonical(out);
}
