import { defineCommand } from "citty";
import { load } from "shoal";
import { formatSample } from "../format-sample.ts";
import { formatTable, info, printJson, printLine } from "../output.ts";

export default defineCommand({
  meta: { name: "query", description: "Run a TQL query and print the matching rows" },
  args: {
    path: { type: "positional", description: "Dataset path or URL", required: true },
    tql: { type: "positional", description: "The query, e.g. \"select * where labels == 'cat' limit 10\"", required: true },
    rows: { type: "string", description: "Rows to print (default 20; the count is always exact)", default: "20" },
    branch: { type: "string", description: "Branch to query (default: main)" },
    json: { type: "boolean", description: "Print as JSON (indices and row values)", default: false },
  },
  async run({ args }) {
    const ds = await load(args.path, { readOnly: true, ...(args.branch ? { branch: args.branch } : {}) });
    const result = await ds.query(args.tql);
    const names = result.tensorNames().filter((n) => !n.split("/").pop()!.startsWith("_"));
    const shown = Math.min(result.length, Math.max(0, Number.parseInt(args.rows, 10) || 0));
    const positions = Array.from({ length: shown }, (_, i) => i);
    const columns = await Promise.all(names.map((n) => result.tensor(n).readMany(positions)));
    const indices = Array.from(result.sampleIndices.subarray(0, shown));
    if (args.json) {
      const rows = positions.map((i) => Object.fromEntries([["index", indices[i]], ...names.map((n, c) => [n, columns[c]![i]])]));
      printJson({ count: result.length, indices: Array.from(result.sampleIndices), rows });
      return;
    }
    const table = positions.map((i) => [String(indices[i]), ...names.map((n, c) => formatSample(columns[c]![i], result.tensor(n)))]);
    printLine(formatTable(["index", ...names], table));
    info(`${result.length} rows${shown < result.length ? ` (first ${shown} shown)` : ""}`);
  },
});
