/**
 * What `shoal import` does to one file, as a compute function: `--workers N` runs it on N threads, each importing
 * this module by URL. A built CLI is bundled, so this file is an entry of its own (dist/import-transform.js).
 * @module
 */
import { readFile } from "node:fs/promises";
import { type NDArray, type Output, compute, getSampleCodec, ndarray, read } from "shoal";

export interface ImportFile {
  path: string;
  label: string;
}

export interface ImportPlan {
  /** The images tensor's sample compression: files in another format are decoded here, encoded by the worker. */
  compression: string;
  /** 16-bit PNGs to bring down to 8 bits (`--dtype uint8` over a mixed folder). */
  toUint8: readonly string[];
}

/** 16-bit → 8-bit by rounding v / 257, which maps 0 → 0 and 65535 → 255 exactly (ImageMagick's own depth reduction). */
function toUint8(image: NDArray): NDArray {
  const src = image.data as Uint16Array;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = (src[i]! + 128) / 257;
  return ndarray("uint8", image.shape, out);
}

export const importFile = compute(
  async function importFile(file: ImportFile, out: Output, plan: ImportPlan) {
    const bytes = new Uint8Array(await readFile(file.path));
    const sample = read(bytes, { name: file.path });
    let image: NDArray | typeof sample = sample;
    if (plan.toUint8.includes(file.path)) image = toUint8((await getSampleCodec("png")).decode(bytes));
    // Decoded here, so that a worker, not the writing thread, spends the time of the conversion.
    else if (sample.compression !== plan.compression) image = (await getSampleCodec(sample.compression)).decode(bytes);
    out.append({ images: image, labels: file.label });
  },
  // The export's name spelled out: a bundler may rename the function itself.
  { module: import.meta.url, name: "importFile" },
);
