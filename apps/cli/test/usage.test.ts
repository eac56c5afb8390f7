// The CLI as a shell user meets it, through the built binary on Node, Bun and Deno: usage errors (exit 2, with a
// suggestion), per-command --help, CLI-worded messages, one exit code per kind of failure, a checkout that persists,
// a closed pipe, JSON Lines, exports with labels, editing rows, and 16-bit PNG folders.
import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getSampleCodec, load, ndarray } from "shoal";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { bin, cli, cliJson, cliJsonLines, demoData } from "./run-cli.ts";

const t = suite("shoal CLI usage");
let root = "";
let shapes = "";

t.before(async () => {
  root = await mkdtemp(join(tmpdir(), "shoal-cli-usage-"));
  shapes = join(root, "shapes");
  const r = await cli(["import", demoData, shapes, "--quiet"]);
  assert.is(r.code, 0, r.stderr);
});
t.after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh copy of the imported demo dataset, so a test's writes don't leak into the next. */
async function copyOfShapes(name: string): Promise<string> {
  const path = join(root, name);
  await cp(shapes, path, { recursive: true });
  return path;
}

async function expectExit(args: string[], code: number, stderr?: RegExp): Promise<string> {
  const r = await cli(args);
  assert.is(r.code, code, `shoal ${args.join(" ")}: ${r.stderr}`);
  if (stderr) assert.match(r.stderr, stderr);
  // One prefix, no library tags, no stack trace.
  if (code !== 0) {
    assert.match(r.stderr, /^shoal: /m);
    assert.not.match(r.stderr, /\[shoal\]|\[files\]|shoal: shoal:|\n\s+at /);
  }
  return r.stderr;
}

t("unknown commands and flags exit 2 with a suggestion; missing and extra arguments exit 2", async () => {
  await expectExit(["imprt", demoData, join(root, "x")], 2, /unknown command "imprt".*did you mean "import"/);
  await expectExit(["info", shapes, "--jsn"], 2, /unknown flag --jsn.*did you mean --json/);
  await expectExit(["files", "creat", "--store", root], 2, /unknown command "creat".*did you mean "create"/);
  await expectExit(["view", "sve", shapes], 2, /did you mean "save"/);
  await expectExit(["commit", shapes, "-m", "x", "--alow-empty"], 2, /did you mean --allow-empty/);
  await expectExit(["info"], 2, /missing PATH/);
  await expectExit(["info", shapes, "extra"], 2, /unexpected "extra"/);
  await expectExit(["commit", shapes], 2, /--message is required/);
  await expectExit(["query", shapes, "select *", "--rows"], 2, /--rows needs a value/);
  const none = await cli([]);
  assert.is(none.code, 2);
  assert.match(none.stderr, /COMMANDS/);
  assert.is(none.stdout, "", "usage errors print nothing on stdout");
});

/** Every command path, read from the COMMANDS sections of the help pages themselves. */
async function commandPaths(path: string[] = []): Promise<string[][]> {
  const r = await cli([...path, "--help"]);
  assert.is(r.code, 0, r.stderr);
  const section = r.stdout.split("\nCOMMANDS\n")[1];
  if (!section) return [path];
  const names = section.split("\n\n")[0]!.split("\n").map((l) => l.trim().split(/\s+/)[0]!).filter(Boolean);
  const nested = await Promise.all(names.map((n) => commandPaths([...path, n])));
  return [path, ...nested.flat()];
}

t("--help on every command and subcommand shows its own usage, kebab-case flags and an example", async () => {
  const paths = await commandPaths();
  assert.ok(paths.some((p) => p.join(" ") === "files create") && paths.some((p) => p.join(" ") === "view save"), JSON.stringify(paths));
  assert.ok(paths.length > 30, `${paths.length} command paths`);
  for (const path of paths) {
    const r = await cli([...path, "--help"]);
    assert.is(r.code, 0, `${path.join(" ")}: ${r.stderr}`);
    assert.ok(r.stdout.startsWith(`${["shoal", ...path].join(" ")} - `), `${path.join(" ")} --help names itself:\n${r.stdout.slice(0, 200)}`);
    assert.match(r.stdout, /\nEXAMPLES\n  shoal /, `${path.join(" ")} has an example`);
    assert.not.match(r.stdout, /--[a-z]+[A-Z]/, `${path.join(" ")}: flags are kebab-case`);
  }
  const create = await cli(["files", "create", "-h"]);
  assert.match(create.stdout, /--store <store>/);
  assert.not.match(create.stdout, /\n  squash /, "a subcommand's help is not its parent's list");
});

t("kebab-case flags reach their options (--allow-empty, --skip-missing spelled either way)", async () => {
  const path = await copyOfShapes("flags");
  assert.is((await cli(["commit", path, "-m", "the import"])).code, 0);
  const refused = await expectExit(["commit", path, "-m", "nothing"], 9, /use --allow-empty/);
  assert.not.match(refused, /allowEmpty/);
  const r = await cliJson<{ commitId: string }>(["commit", path, "-m", "empty on purpose", "--allow-empty"]);
  assert.match(r.commitId, /^[0-9a-f]{40}$/);
});

t("library advice is worded for the shell: --overwrite, not empty(path, { overwrite: true })", async () => {
  const stderr = await expectExit(["create", shapes], 2, /use --overwrite/);
  assert.not.match(stderr, /empty\(|overwrite: true|load\(\)/);
});

t("each documented exit code, through the binary", async () => {
  const path = await copyOfShapes("codes");
  await expectExit(["query", path, "select * wher labels == 1"], 3);
  await expectExit(["info", join(root, "no-such-dataset")], 4);
  await expectExit(["checkout", path, "no-such-branch"], 4);
  await expectExit(["info", "http://127.0.0.1:9/ds"], 5);
  await expectExit(["create", join(root, "x"), "--tensor", "a:no_such_htype"], 11);
  await expectExit(["update", path, "0", "--set", "labels=3.5"], 12);
  await expectExit(["update", path, "99", "--set", "labels=1"], 14);
  // 6: another session holds the write lock.
  const holder = await load(path);
  try {
    await expectExit(["commit", path, "-m", "x", "--allow-empty"], 6, /shoal unlock|wait for that/);
  } finally {
    await holder.close();
  }
  // 8: both branches relabel sample 0.
  assert.is((await cli(["checkout", path, "other", "-b"])).code, 0);
  assert.is((await cli(["update", path, "0", "--set", "labels=square"])).code, 0);
  assert.is((await cli(["commit", path, "-m", "theirs"])).code, 0);
  assert.is((await cli(["checkout", path, "main"])).code, 0);
  assert.is((await cli(["update", path, "0", "--set", "labels=triangle"])).code, 0);
  assert.is((await cli(["commit", path, "-m", "ours"])).code, 0);
  await expectExit(["merge", path, "other"], 8);
  assert.is((await cli(["merge", path, "other", "--theirs"])).code, 0);
  // 9: nothing to commit.
  await expectExit(["commit", path, "-m", "again"], 9);
  // 10: a flipped byte in a stored chunk is caught by its checksum.
  const chunks = join(path, "tensors", "images", "chunks");
  const [chunk] = await readdir(chunks);
  const bytes = new Uint8Array(await readFile(join(chunks, chunk!)));
  bytes[bytes.length - 10]! ^= 0xff;
  await writeFile(join(chunks, chunk!), bytes);
  await expectExit(["export", path, "images", join(root, "codes-out"), "--quiet"], 10);
  // 15: a dataset written by a newer format version.
  const newer = await copyOfShapes("newer");
  // Rewritten without its checksum member, as a writer before checksums (or another tool) leaves it.
  const { xxh32: _seal, ...marker } = JSON.parse(await readFile(join(newer, "shoal.json"), "utf8")) as Record<string, unknown>;
  await writeFile(join(newer, "shoal.json"), JSON.stringify({ ...marker, formatVersion: 99 }));
  await expectExit(["info", newer], 15);
});

t("files verify exits 13 on a changed file of a local copy, 0 when it matches", async () => {
  const store = join(root, "filestore");
  const src = join(root, "files-src");
  await mkdir(src);
  await writeFile(join(src, "a.txt"), "alpha");
  const synced = await cliJson<{ id: string }>(["files", "sync", src, "--store", store, "--project", "p", "--name", "raw", "--quiet"]);
  const copy = join(root, "files-copy");
  assert.is((await cli(["files", "get", "--store", store, "--id", synced.id, "--copy", copy, "--quiet"])).code, 0);
  assert.is((await cli(["files", "verify", "--store", store, "--id", synced.id, "--folder", copy])).code, 0);
  // 7: a finalized version is read-only.
  await expectExit(["files", "add", "--store", store, "--id", synced.id, "--files", src], 7);
  await writeFile(join(copy, "a.txt"), "tampered");
  const bad = await cli(["files", "verify", "--store", store, "--id", synced.id, "--folder", copy]);
  assert.is(bad.code, 13, bad.stderr);
  assert.match(bad.stdout, /a\.txt/);
});

t("checkout persists like git: commit lands on it, info shows it, and the library reopens there", async () => {
  const path = await copyOfShapes("persist");
  assert.is((await cli(["checkout", path, "relabel", "-b"])).code, 0);
  assert.is((await cliJson<{ branch: string }>(["info", path])).branch, "relabel");
  assert.is((await cli(["update", path, "1", "--set", "labels=square"])).code, 0);
  const c = await cliJson<{ branch: string; commitId: string }>(["commit", path, "-m", "relabel one"]);
  assert.is(c.branch, "relabel");
  const ds = await load(path, { readOnly: true });
  assert.is(ds.branch, "relabel", "load() without a branch reopens on the checked-out one");
  assert.is(ds.commitId, c.commitId);
  const main = await load(path, { readOnly: true, branch: "main" });
  assert.ok(!(await main.commits()).some((x) => x.commit === c.commitId), "the commit is not on main");
  assert.ok((await ds.commits()).some((x) => x.commit === c.commitId), "the commit is on relabel");
  assert.is((await cli(["checkout", path, "main"])).code, 0);
  assert.is((await cliJson<{ branch: string }>(["info", path])).branch, "main");
  // A checkout of an old commit is a visit, not remembered; a deleted branch falls back to main.
  assert.is((await cli(["checkout", path, c.commitId])).code, 0);
  assert.is((await cliJson<{ branch: string }>(["info", path])).branch, "main");
  await writeFile(join(path, "checkout.json"), JSON.stringify({ branch: "gone" }));
  assert.is((await cliJson<{ branch: string }>(["info", path])).branch, "main");
});

/** Runs `shoal ARGS | head -1` through a real shell pipe, returning the CLI's own exit status and stderr. */
function pipeToHead(args: string[]): Promise<{ code: number; stderr: string; firstLine: string }> {
  const runtime = process.env.SHOAL_RUNTIME ?? "node";
  const pre = runtime === "deno" ? ["run", "-A", "--quiet", bin] : [bin];
  const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, ...pre, ...args].map(quote).join(" ");
  return new Promise((resolve, reject) => {
    // bash reports the first command's status in PIPESTATUS; the CLI's stderr goes to fd 3 so head sees stdout only.
    const child = spawn("bash", ["-c", `${command} 2>&3 | head -1; echo "status=\${PIPESTATUS[0]}"`], { stdio: ["ignore", "pipe", "ignore", "pipe"] });
    let out = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (out += d));
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", () => {
      const lines = out.trim().split("\n");
      const status = /^status=(\d+)$/.exec(lines.at(-1) ?? "");
      resolve({ code: status ? Number(status[1]) : -1, stderr, firstLine: lines[0] ?? "" });
    });
  });
}

t("a reader that closes the pipe early ends the CLI quietly (no EPIPE trace)", async () => {
  const r = await pipeToHead(["query", shapes, "select *", "--json", "--full"]);
  assert.is(r.code, 0, r.stderr);
  assert.not.match(r.stderr, /EPIPE|Error|at /);
  assert.is((JSON.parse(r.firstLine) as { index: number }).index, 0);
});

t("query --json: JSON Lines, class labels by name, images summarised unless --full", async () => {
  const rows = await cliJsonLines<{ index: number; labels: string; images: { shape: number[]; dtype: string; compression: string; bytes: number } }>(["query", shapes, "select * limit 2"]);
  assert.is(rows.length, 2);
  const circles = (await readdir(join(demoData, "circle"))).sort();
  const first = await readFile(join(demoData, "circle", circles[0]!));
  assert.equal(rows[0], { index: 0, images: { shape: [32, 32, 3], dtype: "uint8", compression: "png", bytes: first.byteLength }, labels: "circle" });
  const [full] = await cliJsonLines<{ images: number[][][] }>(["query", shapes, "select * limit 1", "--full"]);
  assert.is(full!.images.length, 32);
  assert.is(full!.images[0]!.length, 32);
  assert.is(full!.images[0]![0]!.length, 3);
});

t("export --query writes class folders and a labels file, each file the stored bytes", async () => {
  const out = join(root, "export-squares");
  const r = await cliJson<{ files: string[]; labels: string; classes: string }>(["export", shapes, "images", out, "--query", "select * where labels == 'square'"]);
  assert.is(r.classes, "labels");
  const squares = (await readdir(join(demoData, "square"))).sort();
  assert.is(r.files.length, squares.length);
  for (let i = 0; i < squares.length; i++) {
    assert.ok(r.files[i]!.includes(join("images", "square")), r.files[i]);
    assert.equal(new Uint8Array(await readFile(r.files[i]!)), new Uint8Array(await readFile(join(demoData, "square", squares[i]!))));
  }
  const lines = (await readFile(r.labels, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { labels: string; index: number; file: string });
  assert.ok(lines.every((l) => l.labels === "square"));
  assert.equal(lines.map((l) => l.index), [8, 9, 10, 11, 12, 13, 14, 15]);
  // A saved view exports the same rows; csv labels on request.
  const viewPath = await copyOfShapes("export-view");
  assert.is((await cli(["commit", viewPath, "-m", "base", "--allow-empty"])).code, 0);
  assert.is((await cli(["view", "save", viewPath, "select * where labels == 'circle'", "--id", "circles"])).code, 0);
  const v = await cliJson<{ files: string[]; labels: string }>(["export", viewPath, "images", join(root, "export-view-out"), "--view", "circles", "--labels-format", "csv"]);
  assert.is(v.files.length, 8);
  assert.match(await readFile(v.labels, "utf8"), /^file,index,labels\n/);
  await expectExit(["export", shapes, "images", join(root, "x"), "--query", "select *", "--view", "circles"], 2);
});

t("append and update from the shell: values as JSON, names or @files; bad values change nothing", async () => {
  const path = await copyOfShapes("edit");
  const circles = (await readdir(join(demoData, "circle"))).sort();
  const file = join(demoData, "circle", circles[0]!);
  const appended = await cliJson<{ index: number }>(["append", path, "--set", "labels=triangle", "--set", `images=@${file}`]);
  assert.is(appended.index, 24);
  const ds = await load(path, { readOnly: true });
  assert.is(ds.numSamples, 25);
  assert.equal((await ds.tensor("images").readBytes(24)).bytes, new Uint8Array(await readFile(file)));
  await ds.close();
  assert.is((await cli(["update", path, "-1", "--set", "labels=1"])).code, 0);
  const [last] = await cliJsonLines<{ labels: string }>(["query", path, "select * where labels == 'square' order by labels limit 100"]).then((rows) => rows.filter((r) => (r as unknown as { index: number }).index === 24));
  assert.is(last!.labels, "square");
  const before = await readdir(path, { recursive: true });
  await expectExit(["append", path, "--set", "labels=3.5", "--set", `images=@${file}`], 12);
  await expectExit(["append", path, "--set", "nope=1"], 4);
  await expectExit(["append", path, "--set", "labels"], 2, /TENSOR=VALUE/);
  await expectExit(["update", path, "zero", "--set", "labels=1"], 2);
  assert.equal((await readdir(path, { recursive: true })).sort(), before.sort(), "a refused edit writes nothing");
  const again = await load(path, { readOnly: true });
  assert.is(again.numSamples, 25);
});

/** A 16-bit RGB PNG as ImageMagick writes it for 16-bit inputs, made with shoal's own encoder. */
async function png16(path: string, value: number): Promise<void> {
  const png = await getSampleCodec("png");
  await writeFile(path, png.encode!(ndarray("uint16", [4, 4, 3], new Uint16Array(48).fill(value))));
}

t("import of 16-bit PNGs infers uint16; mixed with 8-bit it asks for --dtype uint8, which converts them", async () => {
  const deep = join(root, "deep");
  await mkdir(join(deep, "a"), { recursive: true });
  await png16(join(deep, "a", "x.png"), 65535);
  await png16(join(deep, "a", "y.png"), 257);
  const r = await cliJson<{ dtype: string }>(["import", deep, join(root, "deep-ds"), "--quiet"]);
  assert.is(r.dtype, "uint16");
  const [row] = await cliJsonLines<{ images: { dtype: string } }>(["query", join(root, "deep-ds"), "select * limit 1"]);
  assert.is(row!.images.dtype, "uint16");
  await cp(join(demoData, "circle"), join(deep, "b"), { recursive: true });
  await expectExit(["import", deep, join(root, "mixed-ds"), "--quiet"], 2, /--dtype uint8/);
  const converted = await cliJson<{ dtype: string; converted16to8: number }>(["import", deep, join(root, "mixed-ds"), "--dtype", "uint8", "--quiet"]);
  assert.equal([converted.dtype, converted.converted16to8], ["uint8", 2]);
  const ds = await load(join(root, "mixed-ds"), { readOnly: true });
  const pixels = (await ds.tensor("images").read(0)) as { data: Uint8Array };
  assert.equal([pixels.data[0], (await ds.tensor("images").read(1) as { data: Uint8Array }).data[0]], [255, 1]);
  await expectExit(["import", deep, join(root, "x-ds"), "--dtype", "float32"], 2);
});

t.run();
