import { defineCommand } from "citty";
import { track } from "../session.ts";
import { load } from "shoal";
import { info, printJson, printLine } from "../output.ts";

const pathArg = { type: "positional", description: "Dataset path or URL", required: true } as const;
const jsonArg = { type: "boolean", description: "Print as JSON", default: false } as const;

export const log = defineCommand({
  meta: { name: "log", description: "Show the commits leading to the current state" },
  args: { path: pathArg, json: jsonArg },
  async run({ args }) {
    const ds = await load(args.path, { readOnly: true });
    if (args.json) printJson(await ds.commits());
    else printLine(await ds.log());
  },
});

export const commit = defineCommand({
  meta: { name: "commit", description: "Commit the uncommitted changes of the current branch" },
  args: {
    path: pathArg,
    message: { type: "string", alias: "m", description: "Commit message", required: true },
    allowEmpty: { type: "boolean", description: "Commit even when nothing changed", default: false },
    branch: { type: "string", alias: "b", description: "Branch to commit on (default: main)" },
    json: jsonArg,
  },
  async run({ args }) {
    const ds = track(await load(args.path, args.branch ? { branch: args.branch } : {}));
    const id = await ds.commit(args.message, { allowEmpty: args.allowEmpty });
    if (args.json) printJson({ commitId: id, branch: ds.branch });
    else printLine(id);
  },
});

export const checkout = defineCommand({
  meta: { name: "checkout", description: "Check out a branch or commit; -b creates a branch" },
  args: {
    path: pathArg,
    address: { type: "positional", description: "Branch name or commit id", required: true },
    create: { type: "boolean", alias: "b", description: "Create the branch", default: false },
    json: jsonArg,
  },
  async run({ args }) {
    const ds = track(await load(args.path));
    await ds.checkout(args.address, { create: args.create });
    if (args.json) printJson({ branch: ds.branch, commitId: ds.commitId });
    else info(`on ${ds.branch} at ${ds.commitId}`);
  },
});

export const branch = defineCommand({
  meta: { name: "branch", description: "List branches, or delete one with -d" },
  args: {
    path: pathArg,
    delete: { type: "string", alias: "d", description: "Branch to delete" },
    json: jsonArg,
  },
  async run({ args }) {
    const ds = track(await load(args.path));
    if (args.delete) {
      await ds.deleteBranch(args.delete);
      if (args.json) printJson({ deleted: args.delete });
      else info(`deleted branch ${args.delete}`);
      return;
    }
    const branches = await ds.branches();
    if (args.json) printJson(branches);
    else for (const b of branches) printLine(b);
  },
});

export const diff = defineCommand({
  meta: { name: "diff", description: "Changes between commits or branches (none: uncommitted changes)" },
  args: {
    path: pathArg,
    a: { type: "positional", description: "First commit or branch", required: false },
    b: { type: "positional", description: "Second commit or branch", required: false },
    json: jsonArg,
  },
  async run({ args }) {
    const ds = await load(args.path, { readOnly: true });
    if (args.json) printJson(await ds.diff(args.a, args.b, { asDict: true }));
    else printLine(String(await ds.diff(args.a, args.b)));
  },
});

export const merge = defineCommand({
  meta: { name: "merge", description: "Merge a branch or commit into the current branch" },
  args: {
    path: pathArg,
    target: { type: "positional", description: "Branch or commit to merge", required: true },
    ours: { type: "boolean", description: "Resolve conflicts with our samples", default: false },
    theirs: { type: "boolean", description: "Resolve conflicts with their samples", default: false },
    force: { type: "boolean", description: "Allow renames/deletes that conflict", default: false },
    branch: { type: "string", description: "Branch to merge into (default: main)" },
    json: jsonArg,
  },
  async run({ args }) {
    const ds = track(await load(args.path, args.branch ? { branch: args.branch } : {}));
    const conflictResolution = args.ours ? "ours" : args.theirs ? "theirs" : undefined;
    await ds.merge(args.target, { conflictResolution, force: args.force });
    if (args.json) printJson({ branch: ds.branch, commitId: ds.commitId });
    else info(`merged ${args.target} into ${ds.branch}`);
  },
});

export const reset = defineCommand({
  meta: { name: "reset", description: "Drop the uncommitted changes of the current branch" },
  args: { path: pathArg, branch: { type: "string", description: "Branch (default: main)" }, json: jsonArg },
  async run({ args }) {
    const ds = track(await load(args.path, args.branch ? { branch: args.branch } : {}));
    await ds.reset({ force: true });
    if (args.json) printJson({ branch: ds.branch, commitId: ds.commitId });
    else info(`reset ${ds.branch} to ${ds.commitId}`);
  },
});
