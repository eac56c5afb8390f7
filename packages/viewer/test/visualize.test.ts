// visualize() and ds.visualize(): a real server on a dataset written to a temp folder and on an in-memory one,
// read over HTTP, one page load in Chromium, the platform opener, and bad input.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore } from "@shoal/storage";
import { expectCode } from "@shoal/testing";
import { empty, load } from "shoal/node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { visualize } from "../src/node.ts";
import { launch } from "./browser.ts";
import { buildDataset, type Fixture } from "./fixture.ts";
import { rawGet } from "./raw-http.ts";

let fx: Fixture;
test.before(async () => {
  fx = await buildDataset(12);
});
test.after(() => fx.cleanup());

/** Runs `fn` with console.log captured, and hands back what it printed. */
async function printed<T>(fn: () => Promise<T>): Promise<[T, string[]]> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(" "));
  try {
    return [await fn(), lines];
  } finally {
    console.log = log;
  }
}

test("visualize(ds) serves a dataset from a folder over HTTP and prints its URL", async () => {
  const ds = await load(fx.dir, { readOnly: true });
  const [viz, lines] = await printed(() => visualize(ds));
  try {
    assert.match(viz.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(lines, [`shoal viewer for ${fx.dir}: ${viz.url}`]);
    const status = JSON.parse((await rawGet(viz.url, "/api/status")).text) as { ok: boolean; source: string };
    assert.equal(status, { ok: true, source: fx.dir, files: false });
    const meta = await rawGet(viz.url, "/store/shoal.json");
    assert.is(meta.status, 200);
    assert.equal(meta.body, new Uint8Array(readFileSync(join(fx.dir, "shoal.json"))));
    assert.match((await rawGet(viz.url, "/")).text, "app/app.js");
    assert.is(viz.opened, false, "not asked to open");
  } finally {
    await viz.close();
    await ds.close();
  }
  const after = await fetch(`${viz.url}api/status`).then((r) => `answered ${r.status}`, () => "refused");
  assert.is(after, "refused", "close() stops the server");
});

test("ds.visualize() on a Dataset reaches the viewer through shoal's lazy import; quiet prints nothing", async () => {
  const ds = await load(fx.dir, { readOnly: true });
  const [viz, lines] = await printed(() => ds.visualize({ quiet: true, token: true }));
  try {
    assert.equal(lines, []);
    assert.ok(viz.url.endsWith(`/${viz.token}/`), viz.url);
    assert.is((await rawGet(viz.url, `/${viz.token}/store/shoal.json`)).status, 200);
    assert.is((await rawGet(viz.url, "/store/shoal.json")).status, 403);
  } finally {
    await viz.close();
    await ds.close();
  }
});

test("an in-memory dataset is served from its store, unflushed rows included, and renders in Chromium", async () => {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("caption", { htype: "text" });
  await ds.extend({ caption: ["a", "b", "c"] });
  const viz = await ds.visualize({ quiet: true });
  const browser = await launch();
  try {
    assert.equal(JSON.parse((await rawGet(viz.url, "/api/status")).text), { ok: true, source: "an in-memory dataset", files: false });
    const keys = JSON.parse((await rawGet(viz.url, `/api/list?prefix=${encodeURIComponent("tensors/caption/")}`)).text) as string[];
    assert.ok(keys.some((k) => k.includes("/chunks/")), `the appended rows were flushed to chunks: ${keys.join(", ")}`);
    const page = await browser.newPage();
    await page.goto(viz.url);
    await page.waitForSelector("body[data-state=ready]", { timeout: 30_000 });
    assert.match((await page.textContent("#grid-title")) ?? "", "3 samples");
  } finally {
    await browser.close();
    await viz.close();
    await ds.close();
  }
});

test("open: true starts the platform opener with the URL, and a machine without one is not an error", async () => {
  if (process.platform !== "linux") return;
  const bin = mkdtempSync(join(tmpdir(), "shoal-opener-"));
  const path = process.env.PATH;
  const ds = await load(fx.dir, { readOnly: true });
  try {
    process.env.PATH = bin;
    const none = await visualize(ds, { quiet: true, open: true });
    await none.close();
    assert.is(none.opened, false, "no xdg-open on PATH");
    const seen = join(bin, "seen.txt");
    writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\necho "$1" > ${seen}\n`);
    chmodSync(join(bin, "xdg-open"), 0o755);
    const viz = await visualize(ds, { quiet: true, open: true });
    try {
      assert.is(viz.opened, true);
      for (let i = 0; i < 100 && !readFileSafe(seen); i++) await new Promise((r) => setTimeout(r, 20));
      assert.is(readFileSafe(seen)?.trim(), viz.url);
    } finally {
      await viz.close();
    }
  } finally {
    process.env.PATH = path;
    await ds.close();
    rmSync(bin, { recursive: true, force: true });
  }
});

function readFileSafe(p: string): string | undefined {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return undefined;
  }
}

test("bad input: not a dataset, a closed dataset, bad options", async () => {
  await expectCode(visualize(null as never), "ViewerOptionError", "null");
  await expectCode(visualize(fx.dir as never), "ViewerOptionError", "a path instead of a Dataset");
  await expectCode(visualize({ store: new MemoryStore() } as never), "ViewerOptionError", "a look-alike object");
  const closed = await load(fx.dir, { readOnly: true });
  await closed.close();
  const err = (await expectCode(closed.visualize({ quiet: true }), "ClosedDatasetError", "closed")) as Error;
  assert.match(err.message, `cannot visualize ${fx.dir}: it is closed`);
  const ds = await load(fx.dir, { readOnly: true });
  try {
    await expectCode(ds.visualize({ port: -1, quiet: true }), "ViewerOptionError", "negative port");
    await expectCode(visualize(ds, "quiet" as never), "ViewerOptionError", "options not an object");
  } finally {
    await ds.close();
  }
});

test.run();
