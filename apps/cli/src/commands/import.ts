import { defineCommand } from "citty";
import { track } from "../session.ts";
import { readFile } from "node:fs/promises";
import { InvalidArgumentError, empty, read } from "shoal";
import { listImageFolder } from "../folder.ts";
import { info, printJson } from "../output.ts";
import { progressBar } from "../progress.ts";

export default defineCommand({
  meta: { name: "import", description: "Import a folder of images in class subfolders into images + labels tensors" },
  args: {
    folder: { type: "positional", description: "Folder with one subfolder per class", required: true },
    dataset: { type: "positional", description: "Dataset path or URL to create", required: true },
    overwrite: { type: "boolean", description: "Replace an existing dataset", default: false },
    compression: { type: "string", description: "Sample compression of the images tensor (jpeg or png); default: that of the first file" },
    quiet: { type: "boolean", description: "No progress bar", default: false },
    json: { type: "boolean", description: "Print the result as JSON", default: false },
  },
  async run({ args }) {
    const { classes, files } = await listImageFolder(args.folder);
    if (files.length === 0) throw new InvalidArgumentError(`[shoal] no .jpg/.jpeg/.png files in class subfolders of ${args.folder}`);
    const compression = args.compression ?? (/\.png$/i.test(files[0]!.path) ? "png" : "jpeg");
    const ds = track(await empty(args.dataset, { overwrite: args.overwrite }));
    await ds.createTensor("images", { htype: "image", sampleCompression: compression });
    await ds.createTensor("labels", { htype: "class_label", classNames: classes });
    const bar = progressBar("import", { quiet: args.quiet || args.json });
    const batch = 64;
    try {
      for (let i = 0; i < files.length; i += batch) {
        const slice = files.slice(i, i + batch);
        const images = await Promise.all(slice.map(async (f) => read(new Uint8Array(await readFile(f.path)), { name: f.path })));
        await ds.extend({ images, labels: slice.map((f) => f.label) });
        bar.update(Math.min(i + batch, files.length), files.length);
      }
      await ds.flush();
    } finally {
      bar.stop();
    }
    if (args.json) printJson({ dataset: args.dataset, samples: files.length, classes });
    else info(`imported ${files.length} images in ${classes.length} classes into ${args.dataset}`);
  },
});
