import { defineCommand } from "citty";
import { track } from "../session.ts";
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type NDArray, empty, read } from "shoal";
import { listImageFolder } from "../folder.ts";
import { formatTable, printLine } from "../output.ts";
import { progressBar } from "../progress.ts";

// dist/*.js and src/commands/*.ts sit at different depths below the package root, where demo-data lives.
const demoData = [new URL("../demo-data", import.meta.url), new URL("../../demo-data", import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((p) => existsSync(p))!;

export default defineCommand({
  meta: { name: "demo", description: "Build a small real dataset from the embedded images and show shoal at work" },
  args: {
    path: { type: "positional", description: "Where to write the demo dataset (default: a new temp folder)", required: false },
    quiet: { type: "boolean", description: "No progress bar", default: false },
  },
  async run({ args }) {
    const path = args.path ?? join(await mkdtemp(join(tmpdir(), "shoal-demo-")), "shapes");
    const step = (title: string) => printLine(`\n== ${title}`);

    step(`create ${path} and import ${demoData}`);
    const { classes, files } = await listImageFolder(demoData);
    const ds = track(await empty(path, { overwrite: true }));
    await ds.createTensor("images", { htype: "image", sampleCompression: "png" });
    await ds.createTensor("labels", { htype: "class_label", classNames: classes });
    const bar = progressBar("import", { quiet: args.quiet });
    for (let i = 0; i < files.length; i += 8) {
      const slice = files.slice(i, i + 8);
      const images = await Promise.all(slice.map(async (f) => read(new Uint8Array(await readFile(f.path)), { name: f.path })));
      await ds.extend({ images, labels: slice.map((f) => f.label) });
      bar.update(Math.min(i + 8, files.length), files.length);
    }
    bar.stop();
    await ds.flush();
    printLine(await ds.summary());

    step("read samples back");
    const first = await ds.tensor("images").at(0).array();
    const labels = await ds.tensor("labels").array();
    printLine(`images[0]: ${first.dtype} [${first.shape.join(", ")}], stored as ${ds.tensor("images").meta.sampleCompression}`);
    printLine(`labels: [${Array.from(labels.data as ArrayLike<number>).join(", ")}] with class names ${classes.join(", ")}`);

    step("version control");
    const firstCommit = await ds.commit("import shapes");
    printLine(`committed ${firstCommit}`);
    await ds.checkout("relabel", { create: true });
    await ds.tensor("labels").update(0, "square");
    const second = await ds.commit("relabel sample 0");
    printLine(`on branch relabel, committed ${second}`);
    printLine(String(await ds.diff(firstCommit, second)));
    await ds.checkout("main");
    await ds.merge("relabel");
    printLine(`merged relabel into main: labels[0] = ${classes[Number((await ds.tensor("labels").at(0).array()).data[0])]}`);
    printLine(await ds.log());

    step("query");
    const circles = await ds.query("select * where labels == 'circle'");
    printLine(`select * where labels == 'circle' → ${circles.numSamples} rows: [${Array.from(circles.sampleIndices).join(", ")}]`);
    const [train, test] = await ds.randomSplit([0.75, 0.25], { seed: 1 });
    printLine(`randomSplit([0.75, 0.25]) → ${train!.numSamples} train, ${test!.numSamples} test`);

    step("data loader");
    const rows: string[][] = [];
    let batchNo = 0;
    for await (const raw of ds.dataloader().batch(8).shuffle({ seed: 7 }).numpy()) {
      // Without a transform or collate hook every batch maps tensor names to stacked arrays.
      const batch = raw as Record<string, NDArray>;
      const images = batch.images!;
      const ls = batch.labels!;
      rows.push([String(batchNo++), `[${images.shape.join(", ")}]`, Array.from(ls.data as ArrayLike<number>).join(" ")]);
    }
    printLine(formatTable(["batch", "images", "labels"], rows, 60));
    printLine(`\ndataset left at ${path}; try: shoal info ${path}`);
  },
});
