import { defineCommand } from "citty";
import { load } from "shoal";
import { formatTable, printJson, printLine } from "../output.ts";

export default defineCommand({
  meta: { name: "info", description: "Show a dataset's tensors, lengths, dtypes and compressions" },
  args: {
    path: { type: "positional", description: "Dataset path or URL", required: true },
    json: { type: "boolean", description: "Print as JSON", default: false },
  },
  async run({ args }) {
    const ds = await load(args.path, { readOnly: true });
    const rows = ds.tensorNames().map((name) => {
      const t = ds.tensor(name);
      return { name, htype: t.htype, dtype: t.dtype ?? "", length: t.length, sampleCompression: t.meta.sampleCompression ?? null, chunkCompression: t.meta.chunkCompression ?? null };
    });
    if (args.json) {
      printJson({ path: args.path, numSamples: ds.numSamples, branch: ds.branch, commitId: ds.commitId, info: ds.info.toJSON(), tensors: rows });
      return;
    }
    printLine(`${args.path}: ${ds.numSamples} samples, branch ${ds.branch}`);
    printLine(
      formatTable(
        ["tensor", "htype", "dtype", "length", "sample compr.", "chunk compr."],
        rows.map((r) => [r.name, r.htype, r.dtype, String(r.length), r.sampleCompression ?? "-", r.chunkCompression ?? "-"]),
      ),
    );
  },
});
