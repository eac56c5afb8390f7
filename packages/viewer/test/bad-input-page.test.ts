import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { serve } from "../src/node.ts";
import { launch } from "./browser.ts";
import { buildDataset, type Fixture } from "./fixture.ts";

let fx: Fixture;
let browser: Browser;

test.before(async () => {
  fx = await buildDataset(12);
  browser = await launch();
});
test.after(async () => {
  await browser?.close();
  fx?.cleanup();
});

async function pageError(url: string): Promise<{ code: string | null; text: string }> {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.waitForSelector("body[data-state=error]", { timeout: 30_000 });
    return { code: await page.getAttribute(".error", "data-code"), text: (await page.textContent(".error")) ?? "" };
  } finally {
    await page.close();
  }
}

test("a path that is not a dataset shows DatasetNotFoundError and the path", async () => {
  const dir = join(fx.dir, "tensors");
  const srv = await serve(dir);
  try {
    const e = await pageError(srv.url);
    assert.is(e.code, "DatasetNotFoundError");
    assert.match(e.text, dir);
  } finally {
    await srv.close();
  }
});

test("an unreachable store shows a StorageError naming the store", async () => {
  const srv = await serve("http://127.0.0.1:9/gone/");
  try {
    const e = await pageError(srv.url);
    assert.is(e.code, "StorageError");
    assert.match(e.text, "http://127.0.0.1:9/gone/");
  } finally {
    await srv.close();
  }
});

test("a corrupt chunk shows an error in the cells it breaks, and the rest of the page works", async () => {
  const chunks = join(fx.dir, "tensors", "boxes", "chunks");
  const [name] = readdirSync(chunks);
  const path = join(chunks, name!);
  const original = readFileSync(path);
  const broken = original.slice();
  for (let i = 0; i < broken.length; i++) broken[i] = broken[i]! ^ 0x5a;
  writeFileSync(path, broken);
  const srv = await serve(fx.dir);
  const page = await browser.newPage();
  try {
    await page.goto(srv.url);
    await page.waitForSelector("body[data-state=ready]", { timeout: 30_000 });
    await page.waitForSelector(`#grid .cell[data-pos="0"][data-loaded="error"]`, { timeout: 10_000 });
    const code = await page.getAttribute(`#grid .cell[data-pos="0"] .error`, "data-code");
    assert.ok(code === "CorruptChunkError" || code === "CorruptDataError", `code ${code}`);
    assert.match((await page.textContent(`#grid .cell[data-pos="0"] .error`)) ?? "", "boxes");
    assert.ok((await page.$$("#commit-list li")).length >= 2, "the version graph still shows");
  } finally {
    await page.close();
    await srv.close();
    writeFileSync(path, original);
  }
});

test.run();
