import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { compute, pipeline } from "../src/index.ts";
import { evensOnly, failOn, lopsided, square, twice, renamedExport, dieOn } from "./fixtures/transforms.ts";
import { memoryTarget } from "./helpers/target.ts";

const code = (c: string, text?: string) => (e: unknown) => isShoalError(e, c) && (!text || (e as Error).message.includes(text));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

for (const scheduler of ["serial", "threads", "processes"] as const) {
  const numWorkers = scheduler === "serial" ? 0 : 2;

  test(`${scheduler}: rows land in input order, one extend for the whole run`, async () => {
    const ds = memoryTarget();
    const r = await square(2).eval(range(50), ds, { scheduler, numWorkers, batchSize: 3 });
    assert.equal(ds.columns.labels, range(50).map((x) => x * x));
    assert.is(ds.columns.images!.length, 50);
    assert.is(ds.extends, 1);
    assert.equal({ samples: r.samples, rows: r.rows, skipped: r.skipped }, { samples: 50, rows: 50, skipped: [] });
  });

  test(`${scheduler}: a sample may append no rows, or several; pipelines chain`, async () => {
    const ds = memoryTarget();
    await pipeline(evensOnly(), twice()).eval(range(7), ds, { scheduler, numWorkers, batchSize: 2 });
    assert.equal(ds.columns.value, [0, 1, 20, 21, 40, 41, 60, 61]);
  });

  test(`${scheduler}: a throwing transform names the sample and input, and nothing is written`, async () => {
    const ds = memoryTarget();
    const err = await failOn(13).eval(range(30), ds, { scheduler, numWorkers, batchSize: 4 }).catch((e) => e);
    assert.ok(code("TransformError", "sample 13 (input 13)")(err), String(err));
    assert.match((err as Error).message, /cannot take 13/);
    assert.is((err as { index: number }).index, 13);
    assert.is(ds.extends, 0);
  });

  test(`${scheduler}: ignoreErrors skips the failing samples and reports them`, async () => {
    const ds = memoryTarget();
    const r = await failOn(4).eval(range(8), ds, { scheduler, numWorkers, ignoreErrors: true, batchSize: 3 });
    assert.equal(r.skipped, [4]);
    assert.equal(ds.columns.value, [0, 1, 2, 3, 5, 6, 7]);
  });

  test(`${scheduler}: unequal tensor lengths for one sample are a TransformOutputError`, async () => {
    const ds = memoryTarget();
    const err = await lopsided().eval(range(3), ds, { scheduler, numWorkers }).catch((e) => e);
    assert.ok(code("TransformOutputError", "sample 0")(err), String(err));
    assert.is(ds.extends, 0);
  });

  test(`${scheduler}: an export found by the name given in compute()`, async () => {
    const ds = memoryTarget();
    await renamedExport().eval(range(4), ds, { scheduler, numWorkers });
    assert.equal(ds.columns.value, [1, 2, 3, 4]);
  });
}

for (const scheduler of ["threads", "processes"] as const) {
  test(`${scheduler}: a worker that dies fails the run with ComputeWorkerError and writes nothing`, async () => {
    const ds = memoryTarget();
    const err = await dieOn(5, scheduler === "processes" ? "exit" : "uncaught").eval(range(20), ds, { scheduler, numWorkers: 2, batchSize: 2 }).catch((e) => e);
    assert.ok(code("ComputeWorkerError", "died")(err), String(err));
    assert.is(ds.extends, 0);
  });

  test(`${scheduler}: workers encode samples of tensors with a sample compression`, async () => {
    const ds = memoryTarget({ images: "png" });
    await square(4).eval(range(6), ds, { scheduler, numWorkers: 2 });
    const first = ds.columns.images![0] as { bytes: Uint8Array; compression: string };
    assert.is(first.compression, "png");
    assert.equal([...first.bytes.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(""), "PNG");
  });
}

test("checkpoints commit every interval; a failure keeps them and says where to resume", async () => {
  const ds = memoryTarget();
  const err = await failOn(25).eval(range(40), ds, { checkpointInterval: 10 }).catch((e) => e);
  assert.ok(code("TransformError", "sample 25")(err));
  assert.is((err as { completed: number }).completed, 20);
  assert.is(ds.committed.length, 2);
  assert.equal(ds.columns.value, range(20));
  // The rerun from where it stopped, with the bad input fixed by ignoring it, completes the dataset.
  const r = await failOn(25).eval(range(40), ds, { checkpointInterval: 10, resumeFrom: 20, ignoreErrors: true });
  assert.equal(r.skipped, [25]);
  assert.equal(ds.columns.value, range(40).filter((x) => x !== 25));
});

test("writeInterval appends block by block: memory for one block, earlier blocks kept on failure", async () => {
  const ds = memoryTarget();
  await square(1).eval(range(10), ds, { writeInterval: 4, numWorkers: 2 });
  assert.is(ds.extends, 3);
  assert.equal(ds.columns.labels, range(10).map((x) => x * x));
  const failing = memoryTarget();
  await failOn(6).eval(range(10), failing, { writeInterval: 4 }).catch(() => {});
  assert.equal(failing.columns.value, range(4));
  assert.is(failing.committed.length, 0);
});

test("bad options and inputs are refused with InvalidArgumentError before any work", async () => {
  const ds = memoryTarget();
  const t = square(1);
  const cases: [unknown, unknown, string][] = [
    [range(3), { numWorkers: -1 }, "numWorkers"],
    [range(3), { numWorkers: 1.5 }, "numWorkers"],
    [range(3), { scheduler: "ray" }, "unknown scheduler"],
    [range(3), { scheduler: "queue" }, "redisQueue"],
    [range(3), { checkpointInterval: 2.5 }, "checkpointInterval"],
    [range(3), { resumeFrom: 9 }, "past the input's end"],
    [range(3), { batchSize: 0 }, "batchSize"],
    [range(3), { writeInterval: -4 }, "writeInterval"],
    [range(3), { onProgress: 3 }, "onProgress"],
    [42, {}, "input must be an array"],
    [range(3), null, "options must be an object"],
  ];
  for (const [input, opts, text] of cases) {
    const err = await t.eval(input as never, ds, opts as never).catch((e) => e);
    assert.ok(code("InvalidArgumentError", text)(err), `${JSON.stringify(opts)}: ${String(err)}`);
  }
  assert.ok(code("InvalidArgumentError", "dataset to write to")(await t.eval(range(3), {} as never).catch((e) => e)));
  assert.ok(code("ReadOnlyModeError")(await t.eval(range(3), { ...memoryTarget(), readOnly: true } as never).catch((e) => e)));
  assert.is(ds.extends, 0);
});

test("threads need a transform declared with its module; compute() checks its arguments", async () => {
  const local = compute((x: number, out) => out.append({ value: x }));
  const err = await local().eval([1], memoryTarget(), { scheduler: "threads", numWorkers: 1 }).catch((e) => e);
  assert.ok(code("InvalidArgumentError", "import.meta.url")(err), String(err));
  assert.throws(() => compute(3 as never), code("InvalidArgumentError", "takes a function"));
  assert.throws(() => compute(() => {}, { module: 3 as never }), code("InvalidArgumentError", "module must be"));
  assert.throws(() => compute(() => {}, { module: import.meta.url }), code("InvalidArgumentError", "needs { name }"));
  assert.throws(() => pipeline(), code("InvalidArgumentError", "at least one"));
  assert.throws(() => pipeline(square as never), code("InvalidArgumentError", "call the compute function"));
});

test("onProgress counts input samples up to the total", async () => {
  const seen: [number, number][] = [];
  await square(1).eval(range(9), memoryTarget(), { batchSize: 4, onProgress: (d, t) => seen.push([d, t]) });
  assert.equal(seen.at(-1), [9, 9]);
  assert.ok(seen.every(([d], i) => i === 0 || d > seen[i - 1]![0]));
});

test.run();
