import { defineCommand } from "citty";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { type Dataset, load } from "shoal";
import { read } from "shoal/node";
import { info, printJson } from "../output.ts";
import { track } from "../session.ts";
import { UsageError } from "../usage-error.ts";

const setArg = {
  type: "string",
  alias: "s",
  description: "TENSOR=VALUE, repeatable. VALUE is JSON (2, [1,2,3,4], {\"a\":1}), a bare word (a class name or text), or @FILE (an image or other file, stored as is; @@ for a literal @)",
  required: true,
} as const;

/** `--set a=1 --set b=@x.png` → `{ a: 1, b: <file sample> }`: JSON when it parses, a file after @, else the text itself. */
async function parseAssignments(ds: Dataset, sets: string | string[], command: string): Promise<Record<string, unknown>> {
  const row: Record<string, unknown> = {};
  for (const assignment of Array.isArray(sets) ? sets : [sets]) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set ${JSON.stringify(assignment)}: expected TENSOR=VALUE`, command);
    const name = assignment.slice(0, eq);
    const raw = assignment.slice(eq + 1);
    if (Object.hasOwn(row, name)) throw new UsageError(`--set ${name} given twice`, command);
    ds.tensor(name); // unknown tensor: TensorDoesNotExistError naming it, before any file is read
    if (raw.startsWith("@") && !raw.startsWith("@@")) {
      const path = raw.slice(1);
      const encoding = ds.tensor(name).meta.encoding;
      // Text and json tensors take the file's text; every other tensor the file as a sample in its own format.
      if (encoding === "text") row[name] = await readFile(path, "utf8");
      else if (encoding === "json") row[name] = JSON.parse(await readFile(path, "utf8"));
      else row[name] = read(new Uint8Array(await readFile(path)), { name: basename(path) });
      continue;
    }
    const text = raw.startsWith("@@") ? raw.slice(1) : raw;
    try {
      row[name] = JSON.parse(text);
    } catch {
      row[name] = text;
    }
  }
  return row;
}

export const append = defineCommand({
  meta: { name: "append", description: "Append one row (values for some or all tensors; the others get empty samples)" },
  args: {
    path: { type: "positional", description: "Dataset path or URL", required: true },
    set: setArg,
    json: { type: "boolean", description: "Print the result as JSON", default: false },
  },
  async run({ args }) {
    const ds = track(await load(args.path));
    const row = (await parseAssignments(ds, args.set as string | string[], "append")) as Parameters<Dataset["append"]>[0];
    await ds.append(row, { appendEmpty: true });
    await ds.flush();
    const index = ds.numSamples - 1;
    if (args.json) printJson({ index, branch: ds.branch, tensors: Object.keys(row) });
    else info(`appended row ${index} on ${ds.branch} (uncommitted: shoal commit ${args.path} -m …)`);
  },
});

export const update = defineCommand({
  meta: { name: "update", description: "Replace the values of some tensors in one row" },
  args: {
    path: { type: "positional", description: "Dataset path or URL", required: true },
    index: { type: "positional", description: "Row index (negative counts from the end)", required: true },
    set: setArg,
    json: { type: "boolean", description: "Print the result as JSON", default: false },
  },
  async run({ args }) {
    const index = Number(args.index);
    if (!Number.isInteger(index)) throw new UsageError(`INDEX must be a whole number, got ${JSON.stringify(args.index)}`, "update");
    const ds = track(await load(args.path));
    const row = (await parseAssignments(ds, args.set as string | string[], "update")) as Parameters<Dataset["update"]>[1];
    const at = index < 0 ? ds.numSamples + index : index;
    await ds.update(at, row);
    await ds.flush();
    if (args.json) printJson({ index: at, branch: ds.branch, tensors: Object.keys(row) });
    else info(`updated row ${at} on ${ds.branch} (uncommitted: shoal commit ${args.path} -m …)`);
  },
});
