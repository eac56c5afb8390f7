// `undefined` is not a sample (Deep Lake has none): as a sample it is refused naming tensor and index, while a row
// dict key whose value is undefined counts as a missing tensor (skipOk / appendEmpty rules). null stays the empty sample.
import { MemoryStore } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type Dataset, empty } from "../src/index.ts";
import { arr, rejects } from "./helpers.ts";

async function twoTensors(): Promise<Dataset> {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("x", { dtype: "int32" });
  await ds.createTensor("y", { dtype: "int32" });
  await ds.extend({ x: [[1], [2]], y: [[10], [20]] });
  return ds;
}

async function columns(ds: Dataset): Promise<{ x: number[][]; y: number[][] }> {
  const read = async (t: string) => ((await ds.tensor(t).numpy({ aslist: true })) as unknown[]).map(arr);
  return { x: await read("x"), y: await read("y") };
}

test("Tensor.append/extend/update(undefined): SampleTypeError naming tensor and index, nothing written", async () => {
  const ds = await twoTensors();
  await ds.commit("two rows");
  const before = await columns(ds);
  const e1 = (await rejects(ds.tensor("x").append(undefined), "SampleTypeError")) as { tensor: string; index: number; message: string };
  assert.equal([e1.tensor, e1.index], ["x", 2]);
  assert.match(e1.message, /undefined is not a sample; append null/);
  const e2 = (await rejects(ds.tensor("y").extend([[30], undefined, [50]]), "SampleTypeError")) as { tensor: string; index: number };
  assert.equal([e2.tensor, e2.index], ["y", 3]);
  const e3 = (await rejects(ds.tensor("x").update(1, undefined), "SampleTypeError")) as { tensor: string; index: number };
  assert.equal([e3.tensor, e3.index], ["x", 1]);
  await rejects(ds.extend({ x: [[3]], y: [undefined] }), "SampleTypeError");
  assert.equal(await columns(ds), before);
  assert.not.ok(ds.hasHeadChanges, "rejected writes leave no head changes");
});

test("null is still the empty sample", async () => {
  const ds = await twoTensors();
  await ds.tensor("x").append(null);
  await ds.append({ x: [4], y: null });
  assert.equal((await columns(ds)).x, [[1], [2], [], [4]]);
  assert.equal(await ds.tensor("y").shapes(), [[1], [1], [0]]);
});

test("append({ x: undefined }): x is missing — refused by default, skipped with skipOk, empty with appendEmpty", async () => {
  const ds = await twoTensors();
  const e = (await rejects(ds.append({ x: undefined, y: [30] }), "SampleAppendError")) as Error;
  assert.match(e.message, /"x"/);
  assert.equal(await columns(ds), { x: [[1], [2]], y: [[10], [20]] });
  await ds.append({ x: undefined, y: [30] }, { skipOk: true });
  assert.equal(await columns(ds), { x: [[1], [2]], y: [[10], [20], [30]] });
  await ds.append({ x: [3], y: undefined }, { appendEmpty: true });
  assert.equal(await columns(ds), { x: [[1], [2], [3]], y: [[10], [20], [30], []] });
  await rejects(ds.append({ x: undefined, y: undefined }, { skipOk: true }), "SampleAppendError");
});

test("extend({ x: undefined }) and ignoreErrors with an undefined sample", async () => {
  const ds = await twoTensors();
  await ds.extend({ x: undefined as never, y: [[30], [40]] }, { skipOk: true });
  assert.equal(await columns(ds), { x: [[1], [2]], y: [[10], [20], [30], [40]] });
  const ds2 = await twoTensors();
  const { skipped } = await ds2.extend({ x: [[3], undefined, [5]], y: [[30], [40], [50]] }, { ignoreErrors: true });
  assert.equal(skipped, [1]);
  assert.equal(await columns(ds2), { x: [[1], [2], [3], [5]], y: [[10], [20], [30], [50]] });
});

test("update(i, { x: undefined, y }) leaves x alone; all keys undefined is refused", async () => {
  const ds = await twoTensors();
  await ds.update(0, { x: undefined, y: [11] });
  assert.equal(await columns(ds), { x: [[1], [2]], y: [[11], [20]] });
  await rejects(ds.update(1, { x: undefined }), "SampleAppendError");
  await ds.slice(0, 2).update({ x: [[7], [8]], y: undefined });
  assert.equal(await columns(ds), { x: [[7], [8]], y: [[11], [20]] });
  await rejects(ds.at(0).update({ y: undefined }), "SampleAppendError");
  assert.equal(await columns(ds), { x: [[7], [8]], y: [[11], [20]] });
});

test.run();
