import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getSampleCodec } from "@shoal/codecs";
import { ndarray } from "@shoal/core";
import { empty, read } from "shoal/node";

/** The image colour of every sample: a flat grey, so any other colour on the canvas is an overlay. */
export const GREY = 90;
export const SIZE = 32;
/** LTWH pixel boxes of the first rows; row i ≥ 3 repeats BOXES[i % 3]. */
export const BOXES = [[2, 2, 12, 12], [10, 6, 16, 20], [4, 14, 20, 10]];
export const CLASSES = ["cat", "dog"];

export interface Fixture {
  dir: string;
  rows: number;
  commits: string[];
  viewId: string;
  cleanup(): void;
}

/** A real dataset on disk: png images with a bbox and a class label each, three commits on two branches, a saved view. */
export async function buildDataset(rows = 1500): Promise<Fixture> {
  const root = mkdtempSync(join(tmpdir(), "shoal-viewer-"));
  const dir = join(root, "pets");
  const png = await getSampleCodec("png");
  const image = png.encode!(ndarray("uint8", [SIZE, SIZE, 3], new Uint8Array(SIZE * SIZE * 3).fill(GREY)));
  const ds = await empty(dir, { overwrite: true });
  await ds.createTensor("images", { htype: "image", sampleCompression: "png" });
  await ds.createTensor("boxes", { htype: "bbox" });
  await ds.createTensor("labels", { htype: "class_label", classNames: CLASSES });
  await ds.createTensor("caption", { htype: "text" });
  const col = (n: number, from: number) => Array.from({ length: n }, (_, k) => from + k);
  const add = (idx: number[]) =>
    ds.extend({
      images: idx.map(() => read(image)),
      boxes: idx.map((i) => [BOXES[i % 3]!]),
      labels: idx.map((i) => [i % 2]),
      caption: idx.map((i) => `pet ${i}`),
    });
  await add(col(rows - 1, 0));
  const c1 = await ds.commit("first pets");
  await add([rows - 1]);
  const c2 = await ds.commit("one more pet");
  await ds.checkout("relabel", { create: true });
  await ds.tensor("caption").update(0, "renamed pet");
  const c3 = await ds.commit("rename the first pet");
  await ds.checkout("main");
  const dogs = await ds.query("select * where labels == 'dog'");
  const viewId = await dogs.saveView({ message: "only dogs", id: "dogs" });
  await ds.close();
  return { dir, rows, commits: [c1, c2, c3], viewId, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
