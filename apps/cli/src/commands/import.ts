import { defineCommand } from "citty";
import { track } from "../session.ts";
import { open } from "node:fs/promises";
import { InvalidArgumentError, empty, getSampleCodec } from "shoal";
import type * as ImportTransform from "../import-transform.ts";
import { listImageFolder } from "../folder.ts";
import { info, printJson } from "../output.ts";
import { progressBar } from "../progress.ts";
import { UsageError } from "../usage-error.ts";

const isPng = (path: string) => /\.png$/i.test(path);

/** The first bytes of a file: a PNG's bit depth sits in its IHDR chunk, within the first 33. */
async function readHead(path: string, length = 64): Promise<Uint8Array> {
  const file = await open(path);
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await file.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** The per-file step, an entry of its own so worker threads can import it (from dist/ when built, src/ under tsx). */
function importTransformUrl(): string {
  return new URL(import.meta.url.endsWith(".ts") ? "../import-transform.ts" : "./import-transform.js", import.meta.url).href;
}

export default defineCommand({
  meta: { name: "import", description: "Import a folder of images in class subfolders into images + labels tensors" },
  args: {
    folder: { type: "positional", description: "Folder with one subfolder per class", required: true },
    dataset: { type: "positional", description: "Dataset path or URL to create", required: true },
    overwrite: { type: "boolean", description: "Replace an existing dataset", default: false },
    compression: { type: "string", description: "Sample compression of the images tensor (jpeg or png); default: the files' own, png when they mix" },
    dtype: { type: "string", description: "uint8 or uint16; default: uint16 when every image is a 16-bit PNG, else uint8 (uint8 converts 16-bit PNGs)" },
    workers: { type: "string", description: "Worker threads that read, check and convert the files (default 0: all in this thread)" },
    quiet: { type: "boolean", description: "No progress bar", default: false },
    json: { type: "boolean", description: "Print the result as JSON", default: false },
  },
  async run({ args }) {
    if (args.dtype !== undefined && args.dtype !== "uint8" && args.dtype !== "uint16") throw new UsageError(`--dtype must be uint8 or uint16, got ${JSON.stringify(args.dtype)}`, "import");
    const workers = args.workers === undefined ? 0 : Number(args.workers);
    if (!Number.isInteger(workers) || workers < 0 || workers > 256) throw new UsageError(`--workers must be a whole number from 0 to 256, got ${JSON.stringify(args.workers)}`, "import");
    const { classes, files } = await listImageFolder(args.folder);
    if (files.length === 0) throw new InvalidArgumentError(`[shoal] no .jpg/.jpeg/.png files in class subfolders of ${args.folder}`);
    const png = await getSampleCodec("png");
    // Headers only: decide the tensor's dtype before writing anything, so a refused import leaves nothing behind.
    const sixteen = new Set<string>();
    for (const f of files) {
      if (isPng(f.path) && png.readInfo(await readHead(f.path)).dtype === "uint16") sixteen.add(f.path);
    }
    const dtype = args.dtype ?? (sixteen.size > 0 && sixteen.size === files.length ? "uint16" : "uint8");
    if (dtype === "uint8" && sixteen.size > 0 && args.dtype === undefined) {
      throw new UsageError(`${sixteen.size} of the ${files.length} images are 16-bit PNGs (e.g. ${[...sixteen][0]}) and the others 8-bit: pass --dtype uint8 to convert the 16-bit ones, or import them apart`, "import");
    }
    if (dtype === "uint16" && sixteen.size < files.length) {
      throw new UsageError(`--dtype uint16 needs 16-bit PNGs only; ${files.length - sixteen.size} images are 8-bit (e.g. ${files.find((f) => !sixteen.has(f.path))!.path})`, "import");
    }
    const formats = new Set(files.map((f) => (isPng(f.path) ? "png" : "jpeg")));
    // Mixed folders go to png: JPEG → PNG is lossless, PNG → JPEG would not be.
    const compression = args.compression ?? (formats.size === 1 ? [...formats][0]! : "png");
    const ds = track(await empty(args.dataset, { overwrite: args.overwrite }));
    await ds.createTensor("images", { htype: "image", sampleCompression: compression, dtype });
    await ds.createTensor("labels", { htype: "class_label", classNames: classes });
    const bar = progressBar("import", { quiet: args.quiet || args.json });
    const toUint8 = dtype === "uint8" ? [...sixteen] : [];
    const { importFile } = (await import(importTransformUrl())) as typeof ImportTransform;
    try {
      // Appended every 256 files: memory holds one block whatever the folder's size.
      await importFile({ compression, toUint8 }).eval(files, ds, { numWorkers: workers, writeInterval: 256, onProgress: (done, total) => bar.update(done, total) });
      await ds.flush();
    } finally {
      bar.stop();
    }
    const converted = toUint8.length;
    const recompressed = files.filter((f) => (isPng(f.path) ? "png" : "jpeg") !== compression).length;
    if (args.json) printJson({ dataset: args.dataset, samples: files.length, classes, dtype, compression, converted16to8: converted, recompressed });
    else {
      info(`imported ${files.length} images in ${classes.length} classes into ${args.dataset} (${compression}, ${dtype})`);
      if (converted) info(`converted ${converted} 16-bit PNGs to 8 bits`);
      if (recompressed) info(`${recompressed} files were not ${compression} and were stored as ${compression}`);
    }
  },
});
