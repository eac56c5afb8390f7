import { defineCommand } from "citty";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { load } from "shoal";
import { info, printJson } from "../output.ts";
import { progressBar } from "../progress.ts";

export default defineCommand({
  meta: { name: "export", description: "Write each sample of a tensor as a file in its stored format (images/00000.png …)" },
  args: {
    dataset: { type: "positional", description: "Dataset path or URL", required: true },
    tensor: { type: "positional", description: "Tensor name", required: true },
    dir: { type: "positional", description: "Output folder", required: true },
    quiet: { type: "boolean", description: "No progress bar", default: false },
    json: { type: "boolean", description: "Print the result as JSON", default: false },
  },
  async run({ args }) {
    const ds = await load(args.dataset, { readOnly: true });
    const tensor = ds.tensor(args.tensor);
    const out = join(args.dir, args.tensor.replaceAll("/", "_"));
    await mkdir(out, { recursive: true });
    const width = Math.max(5, String(tensor.length).length);
    const bar = progressBar("export", { quiet: args.quiet || args.json });
    const written: string[] = [];
    try {
      for (let i = 0; i < tensor.length; i++) {
        const { bytes, extension } = await tensor.exportSample(i);
        const file = join(out, `${String(i).padStart(width, "0")}.${extension}`);
        await writeFile(file, bytes);
        written.push(file);
        bar.update(i + 1, tensor.length);
      }
    } finally {
      bar.stop();
    }
    if (args.json) printJson({ tensor: args.tensor, files: written });
    else info(`wrote ${written.length} files to ${out}`);
  },
});
