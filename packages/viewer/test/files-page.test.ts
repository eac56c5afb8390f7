import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileDataset } from "@shoal/clearml-compat/node";
import { FileStore } from "@shoal/storage/fs";
import type { Browser } from "playwright-core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { serve } from "../src/node.ts";
import { launch } from "./browser.ts";

let root: string;
let browser: Browser;
let ids: string[];

test.before(async () => {
  root = mkdtempSync(join(tmpdir(), "shoal-viewer-files-"));
  const folder = join(root, "folder");
  mkdirSync(folder);
  writeFileSync(join(folder, "a.txt"), "alpha");
  writeFileSync(join(folder, "b.txt"), "beta");
  const storage = new FileStore(join(root, "store"));
  const v1 = await FileDataset.create({ storage, project: "vision", name: "pets" });
  await v1.addFiles(folder);
  await v1.finalize({ autoUpload: true });
  unlinkSync(join(folder, "a.txt"));
  writeFileSync(join(folder, "c.txt"), "gamma");
  const v2 = await FileDataset.create({ storage, project: "vision", name: "pets", parents: [v1.id] });
  await v2.syncFolder(folder);
  await v2.finalize({ autoUpload: true });
  ids = [v1.id, v2.id];
  browser = await launch();
});
test.after(async () => {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

test("--files shows every version and what each one added and removed", async () => {
  const srv = await serve(join(root, "store"), { files: true });
  const page = await browser.newPage();
  try {
    page.on("pageerror", (e) => process.stderr.write(`pageerror ${e.message}\n`));
    await page.goto(srv.url);
    await page.waitForSelector("body[data-state]", { timeout: 30_000 });
    assert.is(await page.getAttribute("body", "data-state"), "ready", (await page.textContent("#app")) ?? "");
    const listed = await page.$$eval("#file-versions li", (li) => li.map((l) => l.getAttribute("data-id")));
    assert.equal([...listed].sort(), [...ids].sort());
    await page.click(`#file-versions li[data-id="${ids[1]}"] button`);
    await page.waitForSelector("#files-added");
    const items = async (id: string) => page.$$eval(`#${id} li`, (li) => li.map((l) => l.textContent));
    assert.equal(await items("files-added"), ["c.txt"]);
    assert.equal(await items("files-removed"), ["a.txt"]);
    assert.equal((await items("files-all")).sort(), ["b.txt", "c.txt"]);
    await page.click(`#file-versions li[data-id="${ids[0]}"] button`);
    await page.waitForFunction(() => document.querySelector("#file-detail h2")?.textContent?.includes("1.0.0"));
    assert.equal((await items("files-added")).sort(), ["a.txt", "b.txt"]);
  } finally {
    await page.close();
    await srv.close();
  }
});

test.run();
