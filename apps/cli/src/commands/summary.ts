import { defineCommand } from "citty";
import { load } from "shoal";
import { printJson, printLine } from "../output.ts";

export default defineCommand({
  meta: { name: "summary", description: "Print the dataset summary table (tensor, htype, shape, dtype, compression)" },
  args: {
    path: { type: "positional", description: "Dataset path or URL", required: true },
    json: { type: "boolean", description: "Print as JSON", default: false },
  },
  async run({ args }) {
    const ds = await load(args.path, { readOnly: true });
    if (args.json) printJson(await ds.summaryRows());
    else printLine(await ds.summary());
  },
});
