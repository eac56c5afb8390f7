import { readFile, readdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { sharedFixture, testWithFixture, vendoredFixture } from "@shoal/testing/node";
import { cli, cliJson, cliJsonLines, demoData } from "./run-cli.ts";

// The hub 2.0.6 dataset is vendored (MPL-2.0); the other two live only in shared/ (no licence to redistribute).
const DL_IMAGES = vendoredFixture("deeplake-v3", "images-classlabel-2.0.6");
const DL_TRANSCRIBE = sharedFixture("fixtures", "deeplake-v3", "transcribebot-3.4.0-versioned");

const t = suite("shoal CLI");
const transcribeTest = testWithFixture(t, DL_TRANSCRIBE, "transcribebot-3.4.0-versioned");
let root = "";

t.before(async () => {
  root = await mkdtemp(join(tmpdir(), "shoal-cli-"));
});
t.after(async () => {
  await rm(root, { recursive: true, force: true });
});

t("--help lists the commands and exits 0", async () => {
  const r = await cli(["--help"]);
  assert.is(r.code, 0, r.stderr);
  for (const name of ["create", "import", "export", "query", "commit", "checkout", "files", "demo"]) assert.ok((r.stdout + r.stderr).includes(name), name);
});

t("no arguments is a usage error (exit 2)", async () => {
  assert.is((await cli([])).code, 2);
});

t("create then info --json shows the tensors", async () => {
  const path = join(root, "created");
  const created = await cliJson<{ tensors: string[] }>(["create", path, "--tensor", "images:image:png,labels:class_label"]);
  assert.equal(created.tensors, ["images", "labels"]);
  const info = await cliJson<{ numSamples: number; tensors: { name: string; htype: string; sampleCompression: string | null }[] }>(["info", path]);
  assert.is(info.numSamples, 0);
  assert.equal(info.tensors.map((x) => [x.name, x.htype, x.sampleCompression]), [["images", "image", "png"], ["labels", "class_label", null]]);
});

t("import a class-folder of images, export them back byte for byte", async () => {
  const path = join(root, "shapes");
  const imported = await cliJson<{ samples: number; classes: string[] }>(["import", demoData, path]);
  assert.is(imported.samples, 24);
  assert.equal(imported.classes, ["circle", "square", "triangle"]);
  const out = join(root, "export");
  const exported = await cliJson<{ files: string[] }>(["export", path, "images", out]);
  assert.is(exported.files.length, 24);
  // Import order is class folder, then file name: sample i is the i-th file of that walk.
  const originals: string[] = [];
  for (const cls of ["circle", "square", "triangle"]) for (const f of (await readdir(join(demoData, cls))).sort()) originals.push(join(demoData, cls, f));
  for (let i = 0; i < 24; i++) {
    assert.ok(exported.files[i]!.endsWith(".png"), exported.files[i]);
    assert.equal(new Uint8Array(await readFile(exported.files[i]!)), new Uint8Array(await readFile(originals[i]!)), `sample ${i}`);
  }
  const labels = await cliJson<{ files: string[] }>(["export", path, "labels", out]);
  assert.ok(labels.files[0]!.endsWith(".npy"));
});

t("query prints matching rows; --json gives one JSON line per row with its index and label name", async () => {
  const path = join(root, "shapes");
  const r = await cliJsonLines<{ index: number; labels: string }>(["query", path, "select * where labels == 'square'"]);
  assert.equal(r.map((row) => row.index), [8, 9, 10, 11, 12, 13, 14, 15]);
  assert.ok(r.every((row) => row.labels === "square"));
  const table = await cli(["query", path, "select labels where labels == 'circle' limit 2"]);
  assert.is(table.code, 0, table.stderr);
  assert.match(table.stdout, /circle/);
});

t("bench loader streams every sample each epoch and reports samples/s", async () => {
  const r = await cliJson<{ epochs: { samples: number; samplesPerSecond: number }[] }>(["bench", "loader", join(root, "shapes"), "--batch", "5", "--epochs", "2", "--shuffle"]);
  assert.is(r.epochs.length, 2);
  for (const e of r.epochs) {
    assert.is(e.samples, 24);
    assert.ok(e.samplesPerSecond > 0);
  }
  const bad = await cli(["bench", "loader", join(root, "shapes"), "--batch", "0"]);
  assert.is(bad.code, 2, bad.stderr);
});

t("summary prints the tensor table", async () => {
  const r = await cli(["summary", join(root, "shapes")]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /images\s+image\s+\(24, 32, 32, 3\)\s+uint8\s+png/);
});

t("a TQL syntax error exits 3 and points at the position", async () => {
  const r = await cli(["query", join(root, "shapes"), "select * wher labels == 1"]);
  assert.is(r.code, 3, r.stderr);
  assert.match(r.stderr, /line 1/i);
});

t("a missing dataset exits 4 with a clear message", async () => {
  const r = await cli(["info", join(root, "nope")]);
  assert.is(r.code, 4, r.stderr);
  assert.match(r.stderr, /nope/);
});

t("version control: commit, branch, log, diff, merge", async () => {
  const path = join(root, "shapes");
  const first = await cliJson<{ commitId: string }>(["commit", path, "-m", "import"]);
  assert.match(first.commitId, /^[0-9a-z]+$/);
  const empty = await cli(["commit", path, "-m", "nothing"]);
  assert.is(empty.code, 9, "EmptyCommitError exit code");
  await cliJson(["checkout", path, "dev", "-b"]);
  const branches = await cliJson<string[]>(["branch", path]);
  assert.ok(branches.includes("dev") && branches.includes("main"), String(branches));
  const log = await cliJson<{ message: string | null }[]>(["log", path]);
  assert.ok(log.some((c) => c.message === "import"));
  const diff = await cli(["diff", path]);
  assert.is(diff.code, 0, diff.stderr);
});

t("saved views: save, list, load, delete", async () => {
  const path = join(root, "shapes");
  const saved = await cliJson<{ id: string; rows: number }>(["view", "save", path, "select * where labels == 'triangle'", "--id", "triangles"]);
  assert.is(saved.id, "triangles");
  assert.is(saved.rows, 8);
  const listed = await cliJson<{ id: string }[]>(["view", "list", path]);
  assert.ok(listed.some((v) => v.id === "triangles"));
  const loaded = await cliJson<{ indices: number[] }>(["view", "load", path, "triangles"]);
  assert.equal(loaded.indices, [16, 17, 18, 19, 20, 21, 22, 23]);
  await cliJson(["view", "delete", path, "triangles"]);
  assert.is((await cli(["view", "load", path, "triangles"])).code !== 0, true);
});

t("file datasets: create, add, finalize, get, list, verify", async () => {
  const store = join(root, "files");
  const created = await cliJson<{ id: string }>(["files", "create", "--store", store, "--name", "shapes", "--project", "demo"]);
  const added = await cliJson<{ added: number }>(["files", "add", "--store", store, "--id", created.id, "--files", demoData]);
  assert.is(added.added, 25, "24 images and the README");
  await cliJson(["files", "finalize", "--store", store, "--id", created.id]);
  const got = await cliJson<{ path: string }>(["files", "get", "--store", store, "--id", created.id]);
  assert.equal(new Uint8Array(await readFile(join(got.path, "circle", "circle-0.png"))), new Uint8Array(await readFile(join(demoData, "circle", "circle-0.png"))));
  const listed = await cliJson<{ path: string }[]>(["files", "list", "--store", store, "--id", created.id]);
  assert.is(listed.length, 25);
  const verified = await cliJson<{ mismatches: string[] }>(["files", "verify", "--store", store, "--id", created.id]);
  assert.equal(verified.mismatches, []);
  const bad = await cli(["files", "add", "--store", store, "--id", created.id, "--files", demoData]);
  assert.ok(bad.code !== 0, "adding to a finalized dataset fails");
});

t("demo builds a dataset and walks through every feature", async () => {
  const r = await cli(["demo", join(root, "demo"), "--quiet"]);
  assert.is(r.code, 0, r.stderr);
  for (const step of ["== create", "== read samples back", "== version control", "== query", "== data loader"]) assert.ok(r.stdout.includes(step), step);
});

t("import-deeplake converts a hub 2.0.6 dataset: jpeg files exported byte for byte, labels, a commit naming the source", async () => {
  const src = DL_IMAGES;
  const path = join(root, "from-deeplake");
  const r = await cliJson<{ sourceCommit: string; sourceVersion: string; commitId: string; tensors: Record<string, number>; samples: number; skipped: number }>(["import-deeplake", src, path]);
  assert.equal(r.tensors, { images: 3, labels: 3 });
  assert.is(r.samples, 3);
  assert.is(r.skipped, 0);
  assert.is(r.sourceVersion, "2.0.6");
  const log = await cliJson<{ commit: string; message: string | null }[]>(["log", path]);
  assert.is(log[0]!.commit, r.commitId);
  assert.ok(log[0]!.message!.includes(r.sourceCommit), log[0]!.message!);
  // The source chunk holds the three JPEG files back to back: each exported file is one of them, whole.
  const chunk = new Uint8Array(await readFile(join(src, "images", "chunks", "97a4ba")));
  const exported = await cliJson<{ files: string[] }>(["export", path, "images", join(root, "from-deeplake-out")]);
  assert.is(exported.files.length, 3);
  for (const f of exported.files) {
    const bytes = new Uint8Array(await readFile(f));
    assert.ok(f.endsWith(".jpg") || f.endsWith(".jpeg"), f);
    assert.ok(Buffer.from(chunk).includes(Buffer.from(bytes)), `${f} (${bytes.length} bytes) is not a file of the source chunk`);
  }
  const q = await cliJsonLines<{ index: number }>(["query", path, "select * where labels == 'class1'"]);
  assert.equal(q.map((row) => row.index), [2]);
  const again = await cli(["import-deeplake", src, path]);
  assert.is(again.code, 2, "the destination exists and --overwrite was not given");
});

transcribeTest("import-deeplake: a missing source chunk exits 10 and leaves nothing; --skip-missing imports the rest and reports it", async () => {
  const src = DL_TRANSCRIBE!;
  const path = join(root, "transcribe");
  const failed = await cli(["import-deeplake", src, path]);
  assert.is(failed.code, 10, failed.stderr);
  assert.match(failed.stderr, /24d52ab1f89e462b/);
  assert.match(failed.stderr, /embedding/);
  assert.is((await cli(["info", path])).code, 4, "nothing committed at the destination");
  const r = await cliJson<{ samples: number; skipped: number; missing: { tensor: string; start: number; count: number }[] }>(["import-deeplake", src, path, "--skip-missing"]);
  assert.is(r.samples, 683);
  assert.is(r.missing.length, 1);
  assert.is(r.missing[0]!.tensor, "embedding");
  assert.is(r.skipped, r.missing[0]!.count);
  assert.ok(r.skipped > 0 && r.skipped < 683);
});

t("a Deep Lake folder given to another command exits 4 and says to run import-deeplake", async () => {
  const r = await cli(["info", DL_IMAGES]);
  assert.is(r.code, 4, r.stderr);
  assert.match(r.stderr, /shoal import-deeplake/);
});

t.run();
