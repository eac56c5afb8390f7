import { defineCommand } from "citty";
import { load } from "shoal";
import { formatSample } from "../format-sample.ts";
import { formatTable, info, printLine } from "../output.ts";
import { rowsAsJson } from "../row-json.ts";
import { UsageError } from "../usage-error.ts";

// JSON Lines are written in batches so a query over a large dataset streams in bounded memory.
const BATCH = 256;

export default defineCommand({
  meta: { name: "query", description: "Run a TQL query and print the matching rows" },
  args: {
    path: { type: "positional", description: "Dataset path or URL", required: true },
    tql: { type: "positional", description: "The query, e.g. \"select * where labels == 'cat' limit 10\"", required: true },
    rows: { type: "string", description: "Rows to print (default: 20 in the table, all with --json; the count is always exact)" },
    branch: { type: "string", description: "Branch to query (default: the checked-out one)" },
    json: { type: "boolean", description: "Print JSON Lines: one object per row, class labels by name, media summarised", default: false },
    full: { type: "boolean", description: "With --json: every value in full (pixels as nested lists) instead of a summary", default: false },
  },
  async run({ args }) {
    const limit = args.rows === undefined ? undefined : Number(args.rows);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new UsageError(`--rows must be a whole number ≥ 0, got ${JSON.stringify(args.rows)}`, "query");
    if (args.full && !args.json) throw new UsageError("--full applies to --json output", "query");
    const ds = await load(args.path, { readOnly: true, ...(args.branch ? { branch: args.branch } : {}) });
    const result = await ds.query(args.tql);
    const names = result.tensorNames().filter((n) => !n.split("/").pop()!.startsWith("_"));
    if (args.json) {
      const shown = Math.min(result.length, limit ?? result.length);
      for (let start = 0; start < shown; start += BATCH) {
        const positions = Array.from({ length: Math.min(BATCH, shown - start) }, (_, i) => start + i);
        const rows = await rowsAsJson(result, names, positions, args.full);
        process.stdout.write(`${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
      }
      info(`${result.length} rows${shown < result.length ? ` (first ${shown} printed)` : ""}`);
      return;
    }
    const shown = Math.min(result.length, limit ?? 20);
    const positions = Array.from({ length: shown }, (_, i) => i);
    const columns = await Promise.all(names.map((n) => result.tensor(n).readMany(positions)));
    const indices = Array.from(result.sampleIndices.subarray(0, shown));
    const table = positions.map((i) => [String(indices[i]), ...names.map((n, c) => formatSample(columns[c]![i], result.tensor(n)))]);
    printLine(formatTable(["index", ...names], table));
    info(`${result.length} rows${shown < result.length ? ` (first ${shown} shown)` : ""}`);
  },
});
