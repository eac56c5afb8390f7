import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, isShoalError } from "@shoal/core";
import { dataloader, defaultCollate } from "../src/index.ts";
import { conformanceSource, flakySource, numberedSource } from "./helpers/fixtures.ts";

type B = Record<string, unknown>;

async function all(loader: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

test("conformance: dict transform returns only its keys; index only when listed", async () => {
  const [b] = await all(dataloader(conformanceSource()).transform({ labels: null, index: null }).batch(12).numpy());
  assert.equal(Object.keys(b as B), ["labels", "index"]);
  assert.equal(Array.from(((b as B).index as NDArray).data as Uint32Array), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const [c] = await all(dataloader(conformanceSource()).transform({ labels: null }).batch(12).numpy());
  assert.equal(Object.keys(c as B), ["labels"]);
});

test("dict transform applies per-tensor functions to each sample, passes null keys through", async () => {
  const loader = dataloader(numberedSource(6)).transform({ x: (v) => Number((v as NDArray).data[0]) * 10, id: null }).batch(3).numpy();
  const batches = (await all(loader)) as B[];
  assert.equal(batches[0]!.x, [0, 10, 20]);
  assert.equal(Array.from((batches[1]!.id as NDArray).data as Uint32Array), [3, 4, 5]);
});

test("function transform sees one sample object, default collate stacks the results", async () => {
  const seen: string[] = [];
  const loader = dataloader(numberedSource(5))
    .transform((s) => {
      seen.push(Object.keys(s).join());
      const x = s.x as NDArray;
      return { sum: { dtype: "float32", shape: [1], data: Float32Array.of(x.data[0] as number + (x.data[1] as number) + 1) } };
    })
    .batch(5)
    .numpy({ returnIndex: true });
  const [b] = (await all(loader)) as B[];
  assert.is(seen[0], "id,x,index");
  const sum = b!.sum as NDArray;
  assert.equal(sum.shape, [5, 1]);
  assert.equal(Array.from(sum.data as Float32Array), [1, 1, 1, 1, 1]);
});

test("collate hook receives the (transformed) samples of a batch", async () => {
  const loader = dataloader(numberedSource(4)).batch(2).numpy({ tensors: ["id"], collate: (samples) => samples.length });
  assert.equal(await all(loader), [2, 2]);
});

test("defaultCollate: stacks equal shapes, lists otherwise", () => {
  const a = { dtype: "int32" as const, shape: [2], data: Int32Array.of(1, 2) };
  const b = { dtype: "int32" as const, shape: [2], data: Int32Array.of(3, 4) };
  const c = { dtype: "int32" as const, shape: [1], data: Int32Array.of(5) };
  const stacked = (defaultCollate([{ v: a }, { v: b }]) as { v: NDArray }).v;
  assert.equal(stacked.shape, [2, 2]);
  assert.equal(defaultCollate([a, c]), [a, c]);
  assert.equal(defaultCollate(["x", "y"]), ["x", "y"]);
  assert.equal(defaultCollate([]), []);
});

test("read errors name the tensor and the root index", async () => {
  try {
    await all(dataloader(flakySource(20, [13])).batch(4).numpy());
    assert.unreachable();
  } catch (e) {
    assert.ok(isShoalError(e, "SampleReadError"), String(e));
    assert.is((e as unknown as { tensor: string }).tensor, "x");
    assert.is((e as unknown as { index: number }).index, 13);
    assert.match((e as Error).message, /disk error at 13/);
  }
});

test("ignoreErrors skips and counts failing samples, the rest arrive once", async () => {
  const loader = dataloader(flakySource(20, [3, 13, 14]), { ignoreErrors: true }).batch(4).shuffle({ seed: 5 }).numpy();
  const ids = ((await all(loader)) as B[]).flatMap((b) => Array.from((b.id as NDArray).data as Uint32Array));
  assert.equal(ids.sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i).filter((i) => ![3, 13, 14].includes(i)));
  assert.is(loader.skipped, 3);
});

test("transform errors: named without ignoreErrors, skipped and counted with it", async () => {
  const t = { x: (v: unknown) => {
    if ((v as NDArray).data[0] === 2) throw new Error("bad sample");
    return 1;
  } };
  try {
    await all(dataloader(numberedSource(4)).transform(t).batch(2).numpy());
    assert.unreachable();
  } catch (e) {
    assert.ok(isShoalError(e, "SampleReadError"));
    assert.is((e as unknown as { index: number }).index, 2);
    assert.is((e as unknown as { tensor: string }).tensor, "x");
  }
  const loader = dataloader(numberedSource(4), { ignoreErrors: true }).transform(t).batch(2).numpy();
  const batches = (await all(loader)) as B[];
  assert.equal(batches.map((b) => b.x), [[1, 1], [1]]);
  assert.is(loader.skipped, 1);
});

test("verbose logs through a callback", async () => {
  const lines: string[] = [];
  await all(dataloader(numberedSource(4), { verbose: (m) => lines.push(m) }).batch(2).numpy());
  assert.ok(lines.some((l) => l.includes("tensors:")));
  assert.ok(lines.some((l) => l.includes("epoch 0 done")));
});

test.run();
