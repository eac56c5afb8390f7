// `shoal import --workers N` through the built binary: worker threads read and convert the files, and the dataset
// holds byte for byte what the one-thread import writes, in the same order.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { getSampleCodec } from "@shoal/codecs";
import { ndarray } from "@shoal/core";
import { load } from "shoal";
import { cli, cliJson } from "./run-cli.ts";

let dir = "";

/** 60 images over three classes, JPEG and PNG mixed, so the import converts half of them. */
async function mixedFolder(): Promise<string> {
  const root = join(dir, "folder");
  const jpeg = await getSampleCodec("jpeg");
  const png = await getSampleCodec("png");
  for (let i = 0; i < 60; i++) {
    const cls = ["bird", "cat", "dog"][i % 3]!;
    await mkdir(join(root, cls), { recursive: true });
    const data = new Uint8Array(24 * 32 * 3).map((_, k) => (k * 5 + i * 11) & 0xff);
    const image = ndarray("uint8", [24, 32, 3], data);
    const asPng = i % 2 === 0;
    await writeFile(join(root, cls, `${String(i).padStart(2, "0")}.${asPng ? "png" : "jpg"}`), (asPng ? png : jpeg).encode!(image));
  }
  return root;
}

async function stored(path: string): Promise<{ labels: number[]; bytes: string[] }> {
  const ds = await load(path, { readOnly: true });
  const labels = Array.from(((await ds.tensor("labels").numpy()) as { data: Uint32Array }).data);
  const images = ds.tensor("images");
  const bytes: string[] = [];
  for (let i = 0; i < images.length; i++) bytes.push(Buffer.from((await images.readBytes(i)).bytes).toString("base64"));
  return { labels, bytes };
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), "shoal-import-workers-"));
});
test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("--workers 2 writes exactly what the one-thread import writes", async () => {
  const folder = await mixedFolder();
  const one = await cliJson<{ samples: number; compression: string; recompressed: number }>(["import", folder, join(dir, "one")]);
  const two = await cliJson<{ samples: number; compression: string; recompressed: number }>(["import", folder, join(dir, "two"), "--workers", "2"]);
  assert.equal(two, { ...one, dataset: join(dir, "two") } as never);
  assert.is(two.samples, 60);
  assert.is(two.recompressed, 30);
  const a = await stored(join(dir, "one"));
  const b = await stored(join(dir, "two"));
  assert.equal(b.labels, a.labels);
  assert.equal(b.bytes, a.bytes);
  assert.equal(a.labels.slice(0, 3), [0, 0, 0]);
});

test("a bad --workers value is a usage error and creates nothing", async () => {
  for (const bad of ["two", "-1", "1.5", "9999"]) {
    const r = await cli(["import", join(dir, "folder"), join(dir, `bad${bad}`), `--workers=${bad}`]);
    assert.is(r.code, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--workers must be a whole number/);
    assert.is(r.stdout, "");
    const exists = await load(join(dir, `bad${bad}`), { readOnly: true }).then(() => true, () => false);
    assert.not.ok(exists, bad);
  }
});

test.run();
