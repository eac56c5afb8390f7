import { defineCommand } from "citty";
import { track } from "../session.ts";
import { load } from "shoal";
import { formatTable, info, printJson, printLine } from "../output.ts";

const pathArg = { type: "positional", description: "Dataset path or URL", required: true } as const;
const jsonArg = { type: "boolean", description: "Print as JSON", default: false } as const;

const save = defineCommand({
  meta: { name: "save", description: "Save the result of a TQL query as a view of the current commit" },
  args: {
    path: pathArg,
    tql: { type: "positional", description: "Query whose rows the view holds", required: true },
    id: { type: "string", description: "View id (default: derived from the content)" },
    message: { type: "string", alias: "m", description: "Description" },
    optimize: { type: "boolean", description: "Copy the view's data into a standalone dataset", default: false },
    json: jsonArg,
  },
  async run({ args }) {
    const ds = track(await load(args.path));
    const result = await ds.query(args.tql);
    const id = await result.saveView({ id: args.id, message: args.message, optimize: args.optimize });
    if (args.json) printJson({ id, rows: result.length });
    else printLine(id);
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List the saved views" },
  args: { path: pathArg, json: jsonArg },
  async run({ args }) {
    const ds = await load(args.path, { readOnly: true });
    const views = await ds.getViews();
    if (args.json) {
      printJson(views.map((v) => v.toJSON()));
      return;
    }
    printLine(formatTable(["id", "commit", "rows", "optimized", "message"], views.map((v) => [v.id, v.commitId, String(v.length), v.virtual ? "no" : "yes", v.message ?? ""])));
  },
});

const loadView = defineCommand({
  meta: { name: "load", description: "Show the rows of a saved view" },
  args: { path: pathArg, id: { type: "positional", description: "View id", required: true }, json: jsonArg },
  async run({ args }) {
    const ds = await load(args.path, { readOnly: true });
    const v = await ds.loadView(args.id);
    if (args.json) printJson({ id: args.id, indices: Array.from(v.sampleIndices) });
    else printLine(`${args.id}: ${v.length} rows: [${Array.from(v.sampleIndices.subarray(0, 50)).join(", ")}${v.length > 50 ? ", …" : ""}]`);
  },
});

const remove = defineCommand({
  meta: { name: "delete", description: "Delete a saved view" },
  args: { path: pathArg, id: { type: "positional", description: "View id", required: true }, json: jsonArg },
  async run({ args }) {
    const ds = track(await load(args.path));
    await ds.deleteView(args.id);
    if (args.json) printJson({ deleted: args.id });
    else info(`deleted view ${args.id}`);
  },
});

export default defineCommand({
  meta: { name: "view", description: "Saved views: save, list, load, delete" },
  subCommands: { save, list, load: loadView, delete: remove },
});
