import { defineCommand } from "citty";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Dataset, type DatasetView, load } from "shoal";
import { info, printJson } from "../output.ts";
import { progressBar } from "../progress.ts";
import { rowsAsJson } from "../row-json.ts";
import { UsageError } from "../usage-error.ts";

const BATCH = 256;

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** Folder-safe class names: a label such as "a/b" or ".." must not steer a file outside the export folder. */
const folderName = (label: unknown) => {
  const s = String(label ?? "unlabelled").replace(/[/\\\0]/g, "_");
  return s === "." || s === ".." || s === "" ? `_${s}` : s;
};

/** Tensors that read as a label beside a file (names, text, json, a bbox), not as media or a large array. */
function isLabelLike(ds: Dataset, name: string): boolean {
  const meta = ds.tensor(name).meta;
  if (meta.encoding !== "array" || meta.htype === "class_label") return true;
  return !meta.sampleCompression && meta.maxShape.reduce((a, b) => a * b, 1) <= 16;
}

export default defineCommand({
  meta: { name: "export", description: "Write each sample of a tensor as a file in its stored format, with the labels beside them" },
  args: {
    dataset: { type: "positional", description: "Dataset path or URL", required: true },
    tensor: { type: "positional", description: "Tensor whose samples become files", required: true },
    dir: { type: "positional", description: "Output folder", required: true },
    query: { type: "string", description: "Export only the rows of this TQL query" },
    view: { type: "string", description: "Export only the rows of this saved view" },
    classes: { type: "string", description: "class_label tensor whose names become subfolders (default: the dataset's first class_label tensor; none: flat)" },
    labelsFormat: { type: "string", description: "Labels file of the other tensors: jsonl or csv", default: "jsonl" },
    quiet: { type: "boolean", description: "No progress bar", default: false },
    json: { type: "boolean", description: "Print the result as JSON", default: false },
  },
  async run({ args }) {
    if (args.query && args.view) throw new UsageError("give --query or --view, not both", "export");
    if (!["jsonl", "csv"].includes(args.labelsFormat)) throw new UsageError(`--labels-format must be jsonl or csv, got ${JSON.stringify(args.labelsFormat)}`, "export");
    const ds: Dataset = await load(args.dataset, { readOnly: true });
    ds.tensor(args.tensor); // an unknown tensor fails before anything is written
    const rows: DatasetView = args.query ? await ds.query(args.query) : args.view ? await ds.loadView(args.view) : ds.slice();
    const visible = rows.tensorNames().filter((n) => !n.split("/").pop()!.startsWith("_"));
    const classTensor = args.classes === "none" ? undefined : (args.classes ?? visible.find((n) => n !== args.tensor && ds.tensor(n).htype === "class_label"));
    if (classTensor !== undefined && ds.tensor(classTensor).htype !== "class_label") throw new UsageError(`--classes ${classTensor} is not a class_label tensor`, "export");
    const others = visible.filter((n) => n !== args.tensor && isLabelLike(ds, n));
    const tensor = rows.tensor(args.tensor);
    const out = join(args.dir, args.tensor.replaceAll("/", "_"));
    await mkdir(out, { recursive: true });
    const width = Math.max(5, String(ds.tensor(args.tensor).length).length);
    const bar = progressBar("export", { quiet: args.quiet || args.json });
    const written: string[] = [];
    const labelLines: Record<string, unknown>[] = [];
    const folders = new Set<string>([out]);
    try {
      // Labels are read a batch of rows at a time (one read per tensor per batch), files one sample at a time.
      for (let start = 0; start < tensor.length; start += BATCH) {
        const positions = Array.from({ length: Math.min(BATCH, tensor.length - start) }, (_, i) => start + i);
        const labels = await rowsAsJson(rows, others, positions, false);
        for (let k = 0; k < positions.length; k++) {
          const row = labels[k]!;
          const { bytes, extension } = await tensor.exportSample(positions[k]!);
          const folder = classTensor ? join(out, folderName(row[classTensor])) : out;
          if (!folders.has(folder)) {
            await mkdir(folder, { recursive: true });
            folders.add(folder);
          }
          const file = join(folder, `${String(row.index).padStart(width, "0")}.${extension}`);
          await writeFile(file, bytes);
          written.push(file);
          labelLines.push({ file: file.slice(args.dir.length).replace(/^[/\\]/, ""), ...row });
          bar.update(start + k + 1, tensor.length);
        }
      }
    } finally {
      bar.stop();
    }
    const labelsFile = join(args.dir, `${args.tensor.replaceAll("/", "_")}-labels.${args.labelsFormat}`);
    if (args.labelsFormat === "jsonl") {
      await writeFile(labelsFile, labelLines.map((l) => JSON.stringify(l)).join("\n") + (labelLines.length ? "\n" : ""));
    } else {
      const header = ["file", "index", ...others];
      await writeFile(labelsFile, [header.join(","), ...labelLines.map((l) => header.map((h) => csvCell(l[h])).join(","))].join("\n") + "\n");
    }
    if (args.json) printJson({ tensor: args.tensor, files: written, labels: labelsFile, classes: classTensor ?? null });
    else info(`wrote ${written.length} files to ${out}${classTensor ? ` (one folder per ${classTensor})` : ""} and the labels to ${labelsFile}`);
  },
});
