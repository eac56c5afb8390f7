import { FileDataset } from "@shoal/clearml-compat/node";
import { defineCommand } from "citty";
import { InvalidArgumentError, openStore } from "shoal";
import { formatTable, info, printJson, printLine } from "../output.ts";
import { progressBar } from "../progress.ts";

// Every subcommand names the store holding the file datasets (a folder, s3://bucket/prefix, memory:// for tests).
const common = {
  store: { type: "string", description: "Where file datasets live: a folder, file://, s3://bucket/prefix", required: true },
  json: { type: "boolean", description: "Print as JSON", default: false },
  quiet: { type: "boolean", description: "No progress bar", default: false },
} as const;
const idArg = { type: "string", description: "Dataset version id" } as const;
const selectors = {
  id: idArg,
  project: { type: "string", description: "Project name" },
  name: { type: "string", description: "Dataset name" },
  version: { type: "string", description: "Version (default: the newest)" },
} as const;

interface Selector {
  store: string;
  id?: string;
  project?: string;
  name?: string;
  version?: string;
}

async function storage(url: string) {
  return openStore(url);
}

async function getDataset(args: Selector) {
  if (!args.id && !args.name) throw new InvalidArgumentError("[shoal] files: give --id, or --name (with --project/--version)");
  return FileDataset.get({
    storage: await storage(args.store),
    ...(args.id ? { id: args.id } : {}),
    ...(args.project ? { project: args.project } : {}),
    ...(args.name ? { name: args.name } : {}),
    ...(args.version ? { version: args.version } : {}),
  });
}

const list = (s: string | undefined) => (s ?? "").split(",").map((x) => x.trim()).filter(Boolean);

const create = defineCommand({
  meta: { name: "create", description: "Create a new (draft) file dataset version" },
  args: {
    ...common,
    project: { type: "string", description: "Project name" },
    name: { type: "string", description: "Dataset name", required: true },
    version: { type: "string", description: "Version (default: next after the newest)" },
    parents: { type: "string", description: "Parent version ids, comma separated" },
    tags: { type: "string", description: "Tags, comma separated" },
    description: { type: "string", description: "Description" },
  },
  async run({ args }) {
    const ds = await FileDataset.create({
      storage: await storage(args.store),
      name: args.name,
      ...(args.project ? { project: args.project } : {}),
      ...(args.version ? { version: args.version } : {}),
      parents: list(args.parents),
      tags: list(args.tags),
      ...(args.description ? { description: args.description } : {}),
    });
    if (args.json) printJson({ id: ds.id, version: ds.version });
    else printLine(ds.id);
  },
});

const add = defineCommand({
  meta: { name: "add", description: "Add local files (and/or external links) to a draft" },
  args: {
    ...common,
    id: { ...idArg, required: true },
    files: { type: "string", description: "File or folder to add" },
    links: { type: "string", description: "External URLs to add, comma separated" },
    wildcard: { type: "string", description: "Only names matching this pattern" },
    datasetPath: { type: "string", description: "Folder inside the dataset to put them in" },
    recursive: { type: "boolean", description: "Recurse into folders", default: true },
  },
  async run({ args }) {
    const ds = await getDataset(args);
    const bar = progressBar("add", { quiet: args.quiet || args.json });
    const opts = { recursive: args.recursive, ...(args.wildcard ? { wildcard: args.wildcard } : {}), ...(args.datasetPath ? { datasetPath: args.datasetPath } : {}) };
    let added = 0;
    let modified = 0;
    try {
      if (args.files) {
        const r = await ds.addFiles(args.files, { ...opts, onProgress: (d: number, t: number) => bar.update(d, t) });
        added += r.added;
        modified += r.modified;
      }
      if (args.links) added += await ds.addExternalFiles(list(args.links), opts);
    } finally {
      bar.stop();
    }
    if (args.json) printJson({ added, modified });
    else info(`added ${added}, modified ${modified}`);
  },
});

const remove = defineCommand({
  meta: { name: "remove", description: "Remove files matching a pattern from a draft" },
  args: { ...common, id: { ...idArg, required: true }, pattern: { type: "positional", description: "Path or pattern", required: true }, recursive: { type: "boolean", default: true } },
  async run({ args }) {
    const ds = await getDataset(args);
    const removed = await ds.removeFiles(args.pattern, { recursive: args.recursive });
    if (args.json) printJson({ removed });
    else info(`removed ${removed}`);
  },
});

const sync = defineCommand({
  meta: { name: "sync", description: "Make a new version mirror a local folder (adds, modifies, removes) and finalize it" },
  args: {
    ...common,
    folder: { type: "positional", description: "Local folder", required: true },
    project: { type: "string", description: "Project name" },
    name: { type: "string", description: "Dataset name", required: true },
    parents: { type: "string", description: "Parent version ids, comma separated" },
    datasetPath: { type: "string", description: "Folder inside the dataset" },
    skipClose: { type: "boolean", description: "Leave the version as a draft", default: false },
    chunkSize: { type: "string", description: "Pack size in MB", default: "512" },
  },
  async run({ args }) {
    const ds = await FileDataset.create({ storage: await storage(args.store), name: args.name, ...(args.project ? { project: args.project } : {}), parents: list(args.parents) });
    const r = await ds.syncFolder(args.folder, args.datasetPath ? { datasetPath: args.datasetPath } : {});
    if (!args.skipClose) {
      const bar = progressBar("upload", { quiet: args.quiet || args.json });
      try {
        await ds.finalize({ autoUpload: true, uploadOptions: { chunkSizeMB: Number(args.chunkSize), onProgress: (d: number, t: number) => bar.update(d, t) } });
      } finally {
        bar.stop();
      }
    }
    if (args.json) printJson({ id: ds.id, ...r });
    else info(`${ds.id}: added ${r.added}, modified ${r.modified}, removed ${r.removed}`);
  },
});

const upload = defineCommand({
  meta: { name: "upload", description: "Upload a draft's content (resumable: re-running skips what landed)" },
  args: { ...common, id: { ...idArg, required: true }, chunkSize: { type: "string", description: "Pack size in MB", default: "512" }, compression: { type: "string", description: "none, deflate or auto", default: "auto" } },
  async run({ args }) {
    const ds = await getDataset(args);
    const bar = progressBar("upload", { quiet: args.quiet || args.json });
    try {
      await ds.upload({ chunkSizeMB: Number(args.chunkSize), compression: args.compression as "none" | "deflate" | "auto", onProgress: (d: number, t: number) => bar.update(d, t) });
    } finally {
      bar.stop();
    }
    if (args.json) printJson({ id: ds.id, uploaded: true });
    else info(`uploaded ${ds.id}`);
  },
});

const finalize = defineCommand({
  meta: { name: "finalize", description: "Close a draft (uploading pending content unless --no-upload)" },
  args: { ...common, id: { ...idArg, required: true }, upload: { type: "boolean", description: "Upload pending content first", default: true } },
  async run({ args }) {
    const ds = await getDataset(args);
    const bar = progressBar("upload", { quiet: args.quiet || args.json });
    try {
      await ds.finalize({ autoUpload: args.upload, uploadOptions: { onProgress: (d: number, t: number) => bar.update(d, t) } });
    } finally {
      bar.stop();
    }
    if (args.json) printJson({ id: ds.id, final: true });
    else info(`finalized ${ds.id}`);
  },
});

const publish = defineCommand({
  meta: { name: "publish", description: "Publish a finalized version" },
  args: { ...common, id: { ...idArg, required: true } },
  async run({ args }) {
    const ds = await getDataset(args);
    await ds.publish();
    if (args.json) printJson({ id: ds.id, published: true });
    else info(`published ${ds.id}`);
  },
});

const get = defineCommand({
  meta: { name: "get", description: "Get a local copy (cached, read-only; --copy DIR for a mutable one)" },
  args: {
    ...common,
    ...selectors,
    copy: { type: "string", description: "Write a mutable copy into this folder" },
    overwrite: { type: "boolean", description: "With --copy: empty the folder first", default: false },
    part: { type: "string", description: "Part number (with --num-parts)" },
    numParts: { type: "string", description: "Split the dataset into this many parts" },
  },
  async run({ args }) {
    const ds = await getDataset(args);
    const parts = args.numParts ? { part: Number(args.part ?? 0), numParts: Number(args.numParts) } : {};
    const bar = progressBar("download", { quiet: args.quiet || args.json });
    let path: string;
    try {
      path = args.copy
        ? await ds.getMutableLocalCopy(args.copy, { overwrite: args.overwrite, ...parts })
        : await ds.getLocalCopy({ ...parts, onProgress: (d: number, t: number) => bar.update(d, t) });
    } finally {
      bar.stop();
    }
    if (args.json) printJson({ id: ds.id, path });
    else printLine(path);
  },
});

const ls = defineCommand({
  meta: { name: "list", description: "List a version's files, or the datasets of a project (without --id/--name)" },
  args: { ...common, ...selectors, pattern: { type: "positional", description: "Only paths matching this", required: false } },
  async run({ args }) {
    if (!args.id && !args.name) {
      const found = await FileDataset.listDatasets({ storage: await storage(args.store), ...(args.project ? { project: args.project } : {}), onlyCompleted: false });
      if (args.json) printJson(found);
      else printLine(formatTable(["id", "project", "name", "version", "status"], found.map((d) => [d.id, d.project ?? "", d.name, d.version, d.status ?? ""])));
      return;
    }
    const ds = await getDataset(args);
    const files = new Set(ds.listFiles(args.pattern));
    const entries = ds.fileEntries.filter((e) => files.has(e.path));
    if (args.json) printJson(entries.map((e) => ({ path: e.path, size: e.size, sha256: e.sha256 })));
    else printLine(formatTable(["path", "size", "sha256"], entries.map((e) => [e.path, String(e.size), e.sha256.slice(0, 16)]), 80));
  },
});

const diff = defineCommand({
  meta: { name: "diff", description: "Files added, removed, modified and renamed between a version and another (default: its parents)" },
  args: { ...common, id: { ...idArg, required: true }, against: { type: "string", description: "Version id to compare with" } },
  async run({ args }) {
    const ds = await getDataset(args);
    const d = await ds.diff(args.against);
    if (args.json) {
      printJson(d);
      return;
    }
    for (const p of d.added) printLine(`+ ${p}`);
    for (const p of d.removed) printLine(`- ${p}`);
    for (const p of d.modified) printLine(`M ${p}`);
    for (const [from, to] of Object.entries(d.renamed ?? {})) printLine(`R ${from} -> ${to}`);
  },
});

const squash = defineCommand({
  meta: { name: "squash", description: "Squash versions into one new dataset version" },
  args: { ...common, name: { type: "string", description: "Name of the new dataset", required: true }, ids: { type: "string", description: "Version ids, comma separated", required: true } },
  async run({ args }) {
    const ds = await FileDataset.squash({ storage: await storage(args.store), name: args.name, ids: list(args.ids) });
    if (args.json) printJson({ id: ds.id });
    else printLine(ds.id);
  },
});

const verify = defineCommand({
  meta: { name: "verify", description: "Check a local copy against the recorded hashes; exits non-zero on differences" },
  args: { ...common, ...selectors, folder: { type: "string", description: "Local copy to check (default: the cached copy)" }, sizeOnly: { type: "boolean", description: "Compare sizes only", default: false } },
  async run({ args }) {
    const ds = await getDataset(args);
    const bad = await ds.verifyDatasetHash({ ...(args.folder ? { localCopyPath: args.folder } : {}), skipHash: args.sizeOnly });
    if (args.json) printJson({ id: ds.id, mismatches: bad });
    else if (bad.length === 0) info("all files match");
    else for (const p of bad) printLine(`changed: ${p}`);
    if (bad.length > 0) process.exitCode = 13;
  },
});

const del = defineCommand({
  meta: { name: "delete", description: "Delete a dataset version (or the whole dataset with --entire)" },
  args: { ...common, ...selectors, entire: { type: "boolean", description: "Every version of the dataset", default: false }, force: { type: "boolean", description: "Even when children use it", default: false } },
  async run({ args }) {
    await FileDataset.delete({
      storage: await storage(args.store),
      ...(args.id ? { id: args.id } : {}),
      ...(args.project ? { project: args.project } : {}),
      ...(args.name ? { name: args.name } : {}),
      ...(args.version ? { version: args.version } : {}),
      entireDataset: args.entire,
      force: args.force,
      deleteFiles: true,
    });
    if (args.json) printJson({ deleted: args.id ?? args.name });
    else info(`deleted ${args.id ?? args.name}`);
  },
});

export default defineCommand({
  meta: { name: "files", description: "ClearML-style versioned file datasets" },
  subCommands: { create, add, remove, sync, upload, finalize, publish, get, list: ls, diff, squash, verify, delete: del },
});
