// compute/eval and the numWorkers options of the facade on real datasets: threads and processes write what the
// serial run writes, in input order, and a failed run leaves the dataset as it was.
import { type NDArray } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Dataset, empty } from "../src/index.ts";
import { flatImage, halve, labelIs, render, strayTensor } from "./fixtures/compute-transforms.ts";
import { arr, rejects, snapshotStore } from "./helpers.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function imageDataset(store = new MemoryStore()): Promise<Dataset> {
  const ds = await empty(store);
  await ds.createTensor("images", { htype: "image", sampleCompression: "png" });
  await ds.createTensor("labels", { htype: "class_label", classNames: ["even", "odd"] });
  return ds;
}

async function contents(ds: Dataset): Promise<{ labels: number[]; pixels: number[][] }> {
  const labels = arr(await ds.tensor("labels").numpy());
  const images = (await ds.tensor("images").numpy({ aslist: true })) as NDArray[];
  return { labels, pixels: images.map((a) => [...a.shape, ...arr(a).slice(0, 8)]) };
}

test("threads and processes write exactly what the serial run writes, in input order", async () => {
  const serial = await imageDataset();
  await render(6).eval(range(40), serial);
  const expected = await contents(serial);
  assert.equal(expected.labels, range(40).map((x) => x % 2));
  for (const scheduler of ["threads", "processes"] as const) {
    const ds = await imageDataset();
    const r = await render(6).eval(range(40), ds, { scheduler, numWorkers: 2, batchSize: 3 });
    assert.is(r.rows, 40);
    assert.equal(await contents(ds), expected, scheduler);
    assert.is((await ds.tensor("images").readBytes(0)).compression, "png");
  }
});

test("a dataset or a view is an input: rows arrive as { tensor: value }", async () => {
  const src = await imageDataset();
  await render(8).eval(range(10), src);
  const out = await imageDataset();
  await halve().eval(src.slice(2, 6), out, { numWorkers: 2 });
  assert.equal(arr(await out.tensor("labels").numpy()), [0, 1, 0, 1]);
  const first = (await out.tensor("images").at(0).numpy()) as NDArray;
  assert.equal(first.shape, [4, 4, 3]);
  const whole = (await src.tensor("images").at(2).numpy()) as NDArray;
  assert.is(arr(first)[3], arr(whole)[6]);
});

test("a throwing transform, a stray tensor and a wrong shape leave the dataset exactly as it was", async () => {
  const store = new MemoryStore();
  const ds = await imageDataset(store);
  await render(4).eval(range(3), ds);
  await ds.commit("three rows");
  await ds.flush();
  const before = await snapshotStore(store);
  const e1 = (await rejects(render(4).eval([1, 2, "x" as never, 4], ds, { numWorkers: 2, batchSize: 1 }), "TransformError")) as Error;
  assert.match(e1.message, /sample 2 \(input "x"\)/);
  await rejects(strayTensor().eval(range(4), ds, { numWorkers: 2 }), "TensorDoesNotExistError", "SampleAppendError");
  await rejects(flatImage().eval(range(4), ds, { scheduler: "processes", numWorkers: 2 }), "SampleShapeError", "SampleDtypeError", "SampleError");
  assert.is(ds.length, 3);
  assert.not.ok(ds.hasHeadChanges);
  await ds.flush();
  assert.equal(await snapshotStore(store), before);
});

test("filter by a compute function on workers keeps what the serial filter keeps", async () => {
  const ds = await imageDataset();
  await render(2).eval(range(30), ds);
  const serial = await ds.filter(labelIs(1));
  const threads = await ds.filter(labelIs(1), { numWorkers: 2 });
  const processes = await ds.slice(10, 30).filter(labelIs(0), { scheduler: "processes", numWorkers: 2 });
  assert.equal(Array.from(serial.sampleIndices ?? []), range(15).map((i) => 2 * i + 1));
  assert.equal(Array.from(threads.sampleIndices ?? []), Array.from(serial.sampleIndices ?? []));
  assert.equal(Array.from(processes.sampleIndices ?? []), range(10).map((i) => 10 + 2 * i));
  await rejects(ds.filter((row) => row.index > 3, { numWorkers: 2 }), "InvalidArgumentError");
  await rejects(ds.filter(labelIs(1), { numWorkers: -2 }), "InvalidArgumentError");
});

test("copy, rechunk and optimize with numWorkers give the same dataset", async () => {
  const ds = await imageDataset();
  await render(4).eval(range(25), ds);
  await ds.commit("rows");
  const copy = await ds.copy(new MemoryStore(), { numWorkers: 4 });
  assert.equal(await contents(copy), await contents(ds));
  await ds.rechunk(undefined, { numWorkers: 2 });
  assert.equal(await contents(ds), await contents(copy));
  await ds.commit("rechunked", { allowEmpty: true });
  const id = await ds.saveView(await ds.filter(labelIs(0)), { optimize: true, numWorkers: 2 } as never);
  const saved = await ds.loadView(id, { optimize: true });
  assert.equal(arr(await saved.tensor("labels").numpy()), range(13).map(() => 0));
  await rejects(ds.copy(new MemoryStore(), { numWorkers: 1.5 }), "InvalidArgumentError");
  await rejects(ds.rechunk(undefined, { numWorkers: -1 }), "InvalidArgumentError");
});

test("checkpoints commit as they go; resumeFrom \"checkpoint\" continues an interrupted run where it stopped", async () => {
  const ds = await imageDataset();
  const input: unknown[] = range(30);
  input[25] = "broken";
  const err = (await rejects(render(2).eval(input as number[], ds, { checkpointInterval: 10, numWorkers: 2 }), "TransformError")) as { completed: number };
  assert.is(err.completed, 20);
  assert.is(ds.length, 20);
  assert.match((await ds.commits())[0]!.message ?? "", /checkpoint 20\/30/);
  input[25] = 25;
  const r = await render(2).eval(input as number[], ds, { checkpointInterval: 10, numWorkers: 2, resumeFrom: "checkpoint" });
  assert.is(r.samples, 10);
  assert.equal(arr(await ds.tensor("labels").numpy()), range(30).map((x) => x % 2));
  await rejects(render(2).eval(range(3), ds, { resumeFrom: "later" as never }), "InvalidArgumentError");
});

test.run();
