import { test } from "uvu";
import * as assert from "uvu/assert";
import type { NDArray } from "@shoal/core";
import { dataloader } from "../src/index.ts";
import { CountingSource, conformanceSource, numberedSource } from "./helpers/fixtures.ts";

type B = Record<string, unknown>;

/** Root rows of each batch, read back through stats/brightness (= 10·(row+1)) as the conformance notes say. */
async function brightnessBatches(loader: AsyncIterable<unknown>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const b of loader) out.push(Array.from(((b as B)["stats/brightness"] as NDArray).data as Int32Array, (v) => v / 10 - 1));
  return out;
}

async function idBatches(loader: AsyncIterable<unknown>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const b of loader) out.push(Array.from(((b as B).id as NDArray).data as Uint32Array));
  return out;
}

test("conformance: batch(5) keeps input order and the short last batch", async () => {
  const loader = dataloader(conformanceSource()).batch(5).numpy();
  assert.equal(await brightnessBatches(loader), [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]);
  assert.is(loader.length, 3);
});

test("conformance: offset(4).batch(5) rotates before batching", async () => {
  const loader = dataloader(conformanceSource()).offset(4).batch(5).numpy();
  assert.equal(await brightnessBatches(loader), [[4, 5, 6, 7, 8], [9, 10, 11, 0, 1], [2, 3]]);
  assert.is(loader.length, 3);
});

test("conformance: distributed world 3, batch 2: contiguous ceil(n/W) shards", async () => {
  const expected = [[[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9], [10, 11]]];
  for (let rank = 0; rank < 3; rank++) {
    const loader = dataloader(conformanceSource()).batch(2).numpy({ distributed: { rank, worldSize: 3 }, tensors: ["stats/brightness"] });
    assert.equal(await brightnessBatches(loader), expected[rank]);
    assert.is(loader.length, 2);
  }
});

test("conformance: numpy() yields every tensor in dataset order and no index", async () => {
  for await (const b of dataloader(conformanceSource()).batch(3).numpy()) {
    assert.equal(Object.keys(b as B), ["labels", "categories", "caption", "embeddings", "images", "boxes", "meta", "difficulty", "stats/brightness"]);
    const batch = b as B;
    assert.is((batch.embeddings as NDArray).shape.join(), "3,4");
    assert.ok(Array.isArray(batch.images), "images differ in shape: one array per sample");
    assert.type((batch.caption as string[])[0], "string");
    assert.type((batch.meta as { source: string }[])[0]!.source, "string");
    break;
  }
});

test("offset larger than the dataset wraps modulo its length", async () => {
  const got = await idBatches(dataloader(numberedSource(10)).offset(24).batch(10).numpy({ tensors: ["id"] }));
  assert.equal(got, [[4, 5, 6, 7, 8, 9, 0, 1, 2, 3]]);
});

test("dropLast drops the short batch and length uses floor", async () => {
  const loader = dataloader(numberedSource(10)).batch(4, { dropLast: true }).numpy({ tensors: ["id"] });
  assert.equal(await idBatches(loader), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  assert.is(loader.length, 2);
});

test("shuffle: every sample exactly once, order changes, same seed same order, epochs differ", async () => {
  const n = 1000;
  const make = () => dataloader(numberedSource(n, 50)).batch(64).shuffle({ seed: 7, bufferSizeMB: 0.001 }).numpy({ tensors: ["id", "x"] });
  const loader = make();
  const first = (await idBatches(loader)).flat();
  assert.equal([...first].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  assert.not.equal(first, Array.from({ length: n }, (_, i) => i));
  const again = (await idBatches(make())).flat();
  assert.equal(again, first, "same seed, same first epoch");
  const second = (await idBatches(loader)).flat();
  assert.not.equal(second, first, "the next epoch is another permutation");
  assert.equal([...second].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
});

test("shuffle keeps rows of different tensors together", async () => {
  for await (const b of dataloader(numberedSource(300, 20)).batch(32).shuffle({ seed: 1 }).numpy({ returnIndex: true })) {
    const batch = b as B;
    const ids = (batch.id as NDArray).data as Uint32Array;
    const x = (batch.x as NDArray).data as Float32Array;
    const index = (batch.index as NDArray).data as Uint32Array;
    for (let j = 0; j < ids.length; j++) {
      assert.is(x[2 * j], ids[j]);
      assert.is(x[2 * j + 1], -ids[j]!);
      assert.is(index[j], ids[j]);
    }
  }
});

test("ranks are disjoint and complete, with and without shuffle", async () => {
  const n = 203;
  for (const shuffled of [false, true]) {
    const seen: number[] = [];
    for (let rank = 0; rank < 4; rank++) {
      let loader = dataloader(numberedSource(n, 10)).batch(8);
      if (shuffled) loader = loader.shuffle({ seed: 99, bufferSizeMB: 0.0005 });
      loader = loader.numpy({ tensors: ["id"], distributed: { rank, worldSize: 4 } });
      const rows = (await idBatches(loader)).flat();
      assert.ok(rows.length <= Math.ceil(n / 4));
      seen.push(...rows);
    }
    assert.equal(seen.sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), `shuffle=${shuffled}`);
  }
});

test("chunk-aware reads: each chunk read in one call per epoch, even shuffled", async () => {
  const src = new CountingSource(numberedSource(200, 25));
  const loader = dataloader(src).batch(16).shuffle({ seed: 3, bufferSizeMB: 0.0001 }).numpy({ tensors: ["x"] });
  let rows = 0;
  for await (const b of loader) rows += ((b as B).x as NDArray).shape[0]!;
  assert.is(rows, 200);
  const calls = src.calls.filter((c) => c.tensor === "x");
  assert.is(calls.length, 8, "8 chunks of 25 rows, one readMany each");
  for (const c of calls) {
    const chunk = Math.floor(c.indices[0]! / 25);
    assert.ok(c.indices.every((i) => Math.floor(i / 25) === chunk), "a call never spans chunks");
    assert.is(c.indices.length, 25);
  }
});

test("labels-only column path gathers batches and honours the sample shape", async () => {
  const loader = dataloader(numberedSource(70)).batch(32).numpy({ tensors: ["id"] });
  const batches: NDArray[] = [];
  for await (const b of loader) batches.push((b as B).id as NDArray);
  assert.equal(batches.map((b) => b.shape), [[32, 1], [32, 1], [6, 1]]);
  assert.is(batches[0]!.dtype, "uint32");
});

test("onProgress reports samples done of the epoch", async () => {
  const seen: [number, number][] = [];
  for await (const _ of dataloader(numberedSource(10)).batch(4).numpy({ tensors: ["id"], onProgress: (d, t) => seen.push([d, t]) })) void _;
  assert.equal(seen, [[4, 10], [8, 10], [10, 10]]);
});

test("an aborted signal stops the epoch", async () => {
  const ctl = new AbortController();
  const loader = dataloader(numberedSource(100)).batch(10).numpy({ tensors: ["x"], signal: ctl.signal });
  let count = 0;
  try {
    for await (const _ of loader) {
      void _;
      if (++count === 2) ctl.abort(new Error("stop"));
    }
    assert.unreachable("should have thrown");
  } catch (e) {
    assert.is((e as Error).message, "stop");
  }
  assert.is(count, 2);
});

test("an empty source yields no batches", async () => {
  const loader = dataloader(numberedSource(0)).batch(4).numpy();
  assert.equal(await idBatches(loader), []);
  assert.is(loader.length, 0);
});

test.run();
