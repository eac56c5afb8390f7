import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { classColor, serve } from "../src/node.ts";
import type { ViewerServer } from "../src/node.ts";
import { launch } from "./browser.ts";
import { BOXES, buildDataset, type Fixture, GREY } from "./fixture.ts";

const ROWS = 1500;
const root = new URL("../../../", import.meta.url).pathname;
let fx: Fixture;
let browser: Browser;
let srv: ViewerServer;
let page: Page;

function sizeOf(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    n += s.isDirectory() ? sizeOf(p) : s.size;
  }
  return n;
}

test.before(async () => {
  fx = await buildDataset(ROWS);
  browser = await launch();
  srv = await serve(fx.dir);
  page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
  await page.goto(srv.url);
  await page.waitForSelector("body[data-state=ready]", { timeout: 30_000 });
});
test.after(async () => {
  await browser?.close();
  await srv?.close();
  fx?.cleanup();
});

async function pixel(page: Page, selector: string, x: number, y: number): Promise<number[]> {
  return page.$eval(selector, (c, [px, py]) => Array.from((c as HTMLCanvasElement).getContext("2d")!.getImageData(px!, py!, 1, 1).data), [x, y]);
}

test("the grid renders only the visible cells of 1500 rows, and scrolling brings the last row in", async () => {
  assert.match(await page.textContent("#grid-title") ?? "", `${ROWS} samples`);
  const rendered = await page.$$eval("#grid .cell", (c) => c.length);
  assert.ok(rendered > 0 && rendered < 120, `${rendered} cells in the DOM for ${ROWS} rows`);
  await page.$eval("#grid", (g) => (g.scrollTop = g.scrollHeight));
  await page.waitForSelector(`#grid .cell[data-pos="${ROWS - 1}"][data-loaded="1"]`, { timeout: 10_000 });
  assert.ok((await page.$$eval("#grid .cell", (c) => c.length)) < 120, "still only the visible cells after scrolling");
  assert.is(await page.$(`#grid .cell[data-pos="0"]`), null, "the first row left the DOM");
});

test("a TQL query filters the grid; clicking a sample draws its box, in its class colour, over the decoded image", async () => {
  await page.fill("#tql", "select * where labels == 'dog'");
  await page.press("#tql", "Enter");
  await page.waitForFunction(() => document.querySelector("#grid-title")?.textContent?.includes("750 samples"), undefined, { timeout: 10_000 });
  assert.match((await page.textContent("#tql-status")) ?? "", "750 of 1500");
  await page.click(`#grid .cell[data-pos="0"]`);
  await page.waitForSelector("#inspector-canvas", { timeout: 10_000 });
  // Position 0 of the query is dataset row 1: a dog, box BOXES[1] (LTWH, image pixels).
  assert.is(await page.getAttribute("#inspector", "data-sample"), "1");
  const scale = Number(await page.getAttribute("#inspector-canvas", "data-scale"));
  const [x, y, w, h] = BOXES[1]!;
  const dog = classColor(1);
  const edge = await pixel(page, "#inspector-canvas", x! * scale + 1, (y! + h! / 2) * scale);
  assert.equal(edge.slice(0, 3), [...dog], `left edge of the box is the dog colour, got ${edge}`);
  const inside = await pixel(page, "#inspector-canvas", (x! + w! / 2) * scale, (y! + h! / 2) * scale);
  assert.equal(inside.slice(0, 3), [GREY, GREY, GREY], `inside the box is the image, got ${inside}`);
  const outside = await pixel(page, "#inspector-canvas", (x! + w! + 2) * scale, (y! + h! / 2) * scale);
  assert.equal(outside.slice(0, 3), [GREY, GREY, GREY], `right of the box is the image, got ${outside}`);
  const thumb = await pixel(page, `#grid .cell[data-pos="0"] canvas`, 0, 0);
  assert.equal(thumb.slice(0, 3), [GREY, GREY, GREY], "the thumbnail shows the image");
  const shot = await page.screenshot({ type: "png" });
  assert.equal([...shot.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "the screenshot is a PNG");
  // The README's screenshot is refreshed on request only (`npm run screenshot`): a plain `npm test` leaves the
  // checkout clean.
  if (process.env.SHOAL_UPDATE_SCREENSHOT === "1") {
    mkdirSync(join(root, "docs"), { recursive: true });
    writeFileSync(join(root, "docs", "viewer.png"), shot);
  }
});

test("the inspector lists every tensor of the row with shape, dtype and value", async () => {
  const rows = await page.$$eval("#inspector-table tbody tr", (trs) => trs.map((tr) => Array.from(tr.children, (c) => c.textContent ?? "")));
  const by = Object.fromEntries(rows.map((r) => [r[0], r]));
  assert.equal(Object.keys(by).sort(), ["boxes", "caption", "images", "labels"]);
  assert.equal(by.images!.slice(1, 4), ["image", "[32, 32, 3]", "uint8"]);
  assert.equal(by.boxes!.slice(1, 3), ["bbox", "[1, 4]"]);
  assert.is(by.boxes![4], BOXES[1]!.join(", "));
  assert.equal(by.labels!.slice(1, 3), ["class_label", "[1]"]);
  assert.is(by.caption![4], "pet 1");
});

test("the page reads the dataset by byte ranges and never the whole dataset", async () => {
  const store = srv.requests.filter((r) => r.key !== undefined);
  // The query reads its labels column whole (it filters every row); images, boxes and captions are read per sample.
  const chunks = store.filter((r) => /^tensors\/(images|boxes|caption)\/chunks\//.test(r.key!));
  assert.ok(chunks.length > 0, "chunks were read");
  for (const r of chunks) assert.ok(r.range && r.status === 206, `chunk read without a range: ${r.key} ${r.range} ${r.status}`);
  const served = store.reduce((n, r) => n + r.bytes, 0);
  const total = sizeOf(fx.dir);
  assert.ok(served < total / 2, `served ${served} of ${total} bytes`);
});

test("a bad query shows the TQLSyntaxError with a caret under the offending character", async () => {
  await page.fill("#tql", "select * wehre labels == 1");
  await page.press("#tql", "Enter");
  await page.waitForSelector("#tql-caret", { timeout: 10_000 });
  const caret = (await page.textContent("#tql-caret")) ?? "";
  const [line, marks] = caret.split("\n");
  assert.is(line, "select * wehre labels == 1");
  assert.is(marks!.trimEnd().length - 1, marks!.indexOf("^"));
  assert.ok(marks!.indexOf("^") >= "select * ".length - 1, `caret at ${marks!.indexOf("^")}`);
  assert.is(await page.getAttribute(".tql-status .error", "data-code"), "TQLSyntaxError");
  await page.fill("#tql", "");
  await page.press("#tql", "Enter");
  await page.waitForFunction(() => document.querySelector("#grid-title")?.textContent?.includes("1500 samples"));
});

test("the version graph shows both branches' commits, and diffs two of them", async () => {
  const commits = await page.$$eval("#commit-list li", (li) => li.map((l) => l.getAttribute("data-commit")));
  assert.equal([...commits].sort(), [...fx.commits].sort());
  assert.match((await page.textContent("#versions h2")) ?? "", "main, relabel");
  await page.selectOption("#diff-a", fx.commits[0]!);
  await page.selectOption("#diff-b", fx.commits[1]!);
  await page.click("#diff-run");
  await page.waitForFunction(() => (document.querySelector("#diff-out")?.textContent ?? "…") !== "…");
  assert.match((await page.textContent("#diff-out")) ?? "", "images");
});

test("saved views are listed and open in the grid", async () => {
  assert.match((await page.textContent(`#view-list li[data-view="${fx.viewId}"]`)) ?? "", "only dogs");
  await page.click(`#view-list li[data-view="${fx.viewId}"] button`);
  await page.waitForFunction(() => document.querySelector("#grid-title")?.textContent?.includes("view dogs · 750 samples"), undefined, { timeout: 10_000 });
  await page.waitForSelector(`#grid .cell[data-pos="0"][data-loaded="1"]`);
  assert.match((await page.textContent(`#grid .cell[data-pos="0"] .caption`)) ?? "", "#1 dog");
});

test.run();
