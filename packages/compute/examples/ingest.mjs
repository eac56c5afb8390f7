// `node examples/ingest.mjs [dir]`: the same transform on each local scheduler, then a filter on workers.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { empty } from "shoal";
import { labelIs, render } from "./transforms.mjs";

const dir = process.argv[2] ?? (await mkdtemp(join(tmpdir(), "shoal-compute-")));
for (const scheduler of ["serial", "threads", "processes"]) {
  const ds = await empty(join(dir, scheduler), { overwrite: true });
  await ds.createTensor("images", { htype: "image", sampleCompression: "png" });
  await ds.createTensor("labels", { htype: "class_label", classNames: ["even", "odd"] });
  const numbers = Array.from({ length: 1000 }, (_, i) => i);
  const result = await render(32).eval(numbers, ds, { scheduler, numWorkers: scheduler === "serial" ? 0 : 2 });
  await ds.commit(`rendered on ${scheduler}`);
  const odd = await ds.filter(labelIs(1), { numWorkers: 2 });
  console.log(`${scheduler}: ${result.rows} rows, ${odd.length} odd, first label ${(await ds.tensor("labels").at(0).numpy()).data[0]}`);
  await ds.close();
}
