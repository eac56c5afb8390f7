// A small shoal dataset that holds every kind of stored object: uncompressed, lz4 chunk-compressed, png
// sample-compressed and tiled chunks, text and json samples, index segments, change objects, two commits, a branch
// and uncommitted flushed work, and a function that reads all of it back as one canonical string.
import { getSampleCodec } from "@shoal/codecs";
import { ndarray } from "@shoal/core";
import { type Dataset, MemoryStore, type Store, empty, load } from "shoal";
import { canonical } from "./outcome.ts";

export async function buildShoalDataset(store: Store = new MemoryStore()): Promise<Store> {
  const png = await getSampleCodec("png");
  const ds = await empty(store, { overwrite: true });
  await ds.createTensor("x", { dtype: "int32", maxChunkSize: 1024 });
  await ds.createTensor("f", { dtype: "float32", chunkCompression: "lz4", maxChunkSize: 1024 });
  await ds.createTensor("img", { htype: "image", sampleCompression: "png" });
  await ds.createTensor("label", { htype: "text" });
  await ds.createTensor("meta", { htype: "json" });
  await ds.createTensor("big", { dtype: "uint16", maxChunkSize: 1024, tilingThreshold: 1024 });
  const rows = 24;
  await ds.extend({
    x: Array.from({ length: rows }, (_, i) => ndarray("int32", [16], Int32Array.from({ length: 16 }, (_, k) => i * 10 + k))),
    f: Array.from({ length: rows }, (_, i) => ndarray("float32", [16], Float32Array.from({ length: 16 }, (_, k) => i + k / 4))),
    img: Array.from({ length: rows }, (_, i) => ({ bytes: png.encode!(ndarray("uint8", [4, 5, 3], Uint8Array.from({ length: 60 }, (_, k) => (k * 7 + i) & 0xff))), compression: "png" }) as never),
    label: Array.from({ length: rows }, (_, i) => `row ${i}`),
    meta: Array.from({ length: rows }, (_, i) => ({ i, even: i % 2 === 0 })),
    big: Array.from({ length: rows }, (_, i) => (i % 8 === 0 ? ndarray("uint16", [32, 32], Uint16Array.from({ length: 1024 }, (_, k) => k + i)) : ndarray("uint16", [1, 2], Uint16Array.of(i, i + 1)))),
  });
  ds.info.set("name", "reliability");
  await ds.commit("first");
  await ds.checkout("dev", { create: true });
  await ds.tensor("x").update(3, ndarray("int32", [16], new Int32Array(16).fill(-1)));
  await ds.commit("dev edit");
  await ds.checkout("main");
  await ds.append({ x: ndarray("int32", [16], new Int32Array(16).fill(7)), f: ndarray("float32", [16], new Float32Array(16).fill(2)), img: null as never, label: "tail", meta: { tail: true }, big: ndarray("uint16", [1, 2], Uint16Array.of(9, 9)) });
  await ds.commit("second");
  await ds.merge("dev");
  await ds.tensor("label").update(0, "edited, not committed");
  await ds.pop(1);
  await ds.flush();
  await ds.close();
  return store;
}

async function readState(ds: Dataset): Promise<unknown> {
  const tensors: Record<string, unknown> = {};
  for (const name of ds.tensorNames()) {
    const t = ds.tensor(name);
    const values: unknown[] = [];
    for (let i = 0; i < t.length; i++) values.push(await t.read(i));
    tensors[name] = { htype: t.htype, dtype: t.dtype, info: t.info.toJSON(), values };
  }
  return { info: ds.info.toJSON(), branch: ds.branch, commit: ds.commitId, tensors };
}

/** Everything a user can read: the head of every branch, every commit's data, the history. */
export async function readEverything(store: Store): Promise<string> {
  const ds = await load(store, { readOnly: true });
  const out: Record<string, unknown> = {};
  const commits = await ds.commits();
  out.log = commits.map((c) => [c.commit, c.message, c.branch]);
  const branches = await ds.branches();
  out.branches = branches;
  out.diff = await ds.diff(undefined, undefined, { asDict: true });
  for (const b of branches) {
    await ds.checkout(b);
    out[`branch ${b}`] = await readState(ds);
  }
  for (const c of commits) {
    await ds.checkout(c.commit);
    out[`commit ${c.commit}`] = await readState(ds);
  }
  return canonical(out);
}
