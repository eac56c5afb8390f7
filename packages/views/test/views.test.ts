// Index math, views, tensor views, filter, sampling and splits over MemorySource.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, fromValues, isShoalError, ndarray } from "@shoal/core";
import { MemorySource, type TensorColumn, type TensorSource, View, filter, query, randomSplit, resolveSlice, sampleBy, setSeed, view } from "../src/index.ts";
import { buildSource, loadCases } from "./fixture.ts";

const data = await loadCases();
const ds = view(buildSource(data.dataset));
const py = (n: number, start?: number | null, stop?: number | null, step?: number | null): number[] => {
  // Python's range(n)[start:stop:step], written independently of resolveSlice.
  const s = step ?? 1;
  const norm = (v: number | null | undefined, d: number): number => (v === null || v === undefined ? d : v < 0 ? v + n : v);
  const out: number[] = [];
  if (s > 0) {
    const a = Math.max(0, Math.min(n, norm(start, 0)));
    const b = Math.max(0, Math.min(n, norm(stop, n)));
    for (let i = a; i < b; i += s) out.push(i);
  } else {
    const a = Math.max(-1, Math.min(n - 1, norm(start, n - 1)));
    const b = stop === null || stop === undefined ? -1 : Math.max(-1, Math.min(n - 1, norm(stop, -1)));
    for (let i = a; i > b; i += s) out.push(i);
  }
  return out;
};

test("slices follow Python semantics, including negative steps and composition", () => {
  const bounds = [null, -15, -12, -5, -1, 0, 1, 3, 11, 12, 20];
  for (const start of bounds) for (const stop of bounds) for (const step of [null, 1, 2, 3, -1, -2, -5]) {
    const got = Array.from(ds.slice(start, stop, step).indices());
    assert.equal(got, py(12, start, stop, step), `[${start}:${stop}:${step}]`);
  }
  assert.equal(Array.from(ds.slice(1, 10).slice(null, null, 2).indices()), [1, 3, 5, 7, 9]);
  assert.equal(Array.from(ds.slice(null, null, -1).slice(2, 8, 3).indices()), [9, 6]);
  assert.equal(Array.from(ds.get([5, 3, 1]).slice(1).indices()), [3, 1]);
  assert.equal(Array.from(ds.slice(2, 10, 3).at(-1).indices()), [8]);
  assert.equal(ds.slice(1, 10).index.kind, "range", "plain slices stay ranges");
});

test("bad indices throw IndexError naming index and length; step 0 too", () => {
  assert.throws(() => ds.at(12), (e: unknown) => isShoalError(e, "IndexError") && /12/.test((e as Error).message) && /length 12/.test((e as Error).message));
  assert.throws(() => ds.at(-13), (e: unknown) => isShoalError(e, "IndexError"));
  assert.throws(() => ds.slice(0, 5, 0), (e: unknown) => isShoalError(e, "IndexError"));
  assert.throws(() => ds.get([0, 12]), (e: unknown) => isShoalError(e, "IndexError"));
  assert.throws(() => resolveSlice({ step: 1.5 }, 3), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
  assert.throws(() => ds.tensor("nope"), (e: unknown) => isShoalError(e, "TensorDoesNotExistError"));
});

test("views read lazily through the root and stack samples when shapes agree", async () => {
  const v = ds.slice(null, null, -3);
  assert.ok(v.isView);
  assert.not.ok(view(ds.source).isView);
  const emb = (await v.tensor("embeddings").numpy()) as NDArray;
  assert.equal([...emb.shape], [4, 4]);
  assert.equal(Array.from(emb.data as Float32Array).slice(0, 4), data.dataset.rows[11].embeddings);
  const imgs = await v.tensor("images").numpy();
  assert.ok(Array.isArray(imgs), "ragged shapes come back as a list");
  const sub = ds.tensor("images");
  assert.ok("index" in sub);
  const crop = (await (sub as import("../src/index.ts").ViewTensor).index(3, { start: 10, stop: 20 }, { start: 0, stop: 2 }, 1).read(0)) as NDArray;
  assert.equal([...crop.shape], [10, 2]);
  assert.ok(Array.from(crop.data as Uint8Array).every((x) => x === 40));
  assert.equal(await ds.noViewDataset.length, 12);
  assert.equal([...ds.select(["labels", "caption"]).tensorNames()], ["labels", "caption"]);
});

test("MemorySource: batch NDArray tensors, fast paths and bad input", async () => {
  const src = new MemorySource({
    x: { samples: ndarray("float32", [3, 2], Float32Array.from([1, 2, 3, 4, 5, 6])) },
    y: { htype: "class_label", classNames: ["a", "b"], samples: [1, 0, 1] },
  });
  assert.is(src.length, 3);
  assert.equal(Array.from(((await src.tensor("x").read(2)) as NDArray).data as Float32Array), [5, 6]);
  assert.equal(Array.from(((await src.tensor("y").column!()) as NDArray).data as Uint32Array), [1, 0, 1]);
  assert.equal((await src.tensor("x").shapes!())!.ndim, 1);
  await src.tensor("x").read(3).then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "IndexError")));
  assert.throws(() => src.tensor("z"), (e: unknown) => isShoalError(e, "TensorDoesNotExistError"));
  assert.throws(() => new MemorySource({ a: { dtype: "int32", samples: [fromValues("float32", [1])] } }), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
  assert.throws(() => new MemorySource({ a: { samples: [{}] } }), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
  assert.throws(() => new MemorySource({}, { chunkSize: 0 }), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
  const ac = new AbortController();
  ac.abort();
  await src.tensor("x").read(0, { signal: ac.signal }).then(() => assert.unreachable(), (e) => assert.is((e as Error).name, "AbortError"));
});

/** The same columns without any optional fast path: forces the per-row evaluator. */
function plain(src: TensorSource): TensorSource {
  return {
    length: src.length,
    tensorNames: () => src.tensorNames(),
    tensor(name: string): TensorColumn {
      const c = src.tensor(name);
      return { meta: c.meta, length: c.length, read: (i, o) => c.read(i, o), readMany: (i, o) => c.readMany(i, o), shape: (i, o) => c.shape(i, o) };
    },
  };
}

test("column fast paths and the per-row path give the same results", async () => {
  const slow = view(plain(ds.source));
  for (const c of data.cases.filter((c: { kind: string }) => c.kind === "tql" || c.kind === "tql_extension")) {
    const input = c.on_view ? null : slow;
    if (!input) continue;
    const r = await query(input, c.query);
    assert.equal(Array.from(r.indices()), c.expected_indices, c.query);
  }
});

test("filter: JS callback with a row accessor, TQL string, progress and abort", async () => {
  const progress: number[] = [];
  const r = await filter(ds, async (row) => ((await row.read("difficulty")) as NDArray).data[0] === 3, { onProgress: (d) => progress.push(d) });
  assert.equal(Array.from(r.indices()), [0, 3, 6, 9]);
  assert.is(progress.at(-1), 12);
  const onView = await filter(ds.slice(6), async (row) => ((await row.read("labels")) as NDArray).data[0] === 0);
  assert.equal(Array.from(onView.indices()), [6, 9]);
  assert.equal(Array.from((await filter(ds, "labels == 'dog' and difficulty >= 2")).indices()), [4, 7, 10]);
  await filter(ds, "labels ==").then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "TQLSyntaxError")));
  await filter(ds, 5 as never).then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "InvalidArgumentError")));
  const ac = new AbortController();
  ac.abort();
  await filter(ds, () => true, { signal: ac.signal }).then(() => assert.unreachable(), (e) => assert.is((e as Error).name, "AbortError"));
});

test("sampleBy and randomSplit are reproducible under a seed and respect weights", async () => {
  const a = await sampleBy(ds, "max_weight(labels == 'cat': 10, labels == 'dog': 1)", { seed: 42, size: 50 });
  const b = await sampleBy(ds, "max_weight(labels == 'cat': 10, labels == 'dog': 1)", { seed: 42, size: 50 });
  assert.equal(Array.from(a.indices()), Array.from(b.indices()));
  assert.ok(Array.from(a.indices()).every((i) => i % 3 !== 2), "bird rows have weight 0");
  setSeed(5);
  const s1 = (await randomSplit(ds, [0.5, 0.25, 0.25])).map((v) => Array.from(v.indices()));
  setSeed(5);
  const s2 = (await randomSplit(ds, [0.5, 0.25, 0.25])).map((v) => Array.from(v.indices()));
  setSeed(null);
  assert.equal(s1, s2);
  assert.equal(s1.flat().sort((x, y) => x - y), Array.from({ length: 12 }, (_, i) => i));
  const onView = await randomSplit(ds.get([11, 0, 5, 5]), [2, 2], { seed: 1 });
  assert.equal(onView.flatMap((v) => Array.from(v.indices())).sort((x, y) => x - y), [0, 5, 5, 11]);
  await sampleBy(ds, [1, 2], {}).then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "InvalidArgumentError")));
  await sampleBy(ds, new Array(12).fill(-1), {}).then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "InvalidArgumentError")));
  await sampleBy(ds, "caption").then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "TQLTypeError")));
  await randomSplit(ds, [0.5, 0.6]).then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "InvalidArgumentError")));
  await randomSplit(ds, [1.5, -0.5]).then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "InvalidArgumentError")));
});

test("randomSplit of an empty view: a typed error naming the view's length, not a variable-length complaint", async () => {
  const uneven = new MemorySource({ x: { samples: [1, 2, 3] }, y: { samples: [] as number[] } });
  const even = new MemorySource({ x: { samples: [1, 2, 3] }, y: { samples: [4, 5, 6] } });
  for (const empty of [new View(uneven), new View(even).slice(0, 0), await filter(even, "x > 10")]) {
    const e = await randomSplit(empty, [0.5, 0.5]).then(() => undefined, (x: unknown) => x);
    assert.ok(isShoalError(e, "InvalidArgumentError"), String(e));
    assert.match((e as Error).message, /view is empty \(length 0\)/);
    assert.not.match((e as Error).message, /variable length/);
  }
  const e = await randomSplit(new View(uneven), [1, 2]).then(() => undefined, (x: unknown) => x);
  assert.match((e as Error).message, /x=3, y=0/, "names the tensor lengths");
  const shorter = new MemorySource({ x: { samples: [1, 2, 3] }, y: { samples: [4, 5] } });
  const v = await randomSplit(shorter, [0.5, 0.5]).then(() => undefined, (x: unknown) => x);
  assert.match((v as Error).message, /variable length tensors \(view length 2; tensor lengths: x=3, y=2\)/);
  const sum = await randomSplit(even, [1, 1]).then(() => undefined, (x: unknown) => x);
  assert.match((sum as Error).message, /Sum of input lengths does not equal the length of the input dataset! \(lengths sum to 2, the view has 3 rows\)/);
});

test("a View over a View composes to root indices", () => {
  const inner = ds.slice(2, 10);
  const outer = new View(inner, { kind: "range", start: 6, step: -2, length: 3 });
  assert.equal(Array.from(outer.indices()), [8, 6, 4]);
});

test.run();
