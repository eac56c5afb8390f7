// The fused WHERE path against the batch evaluator: the same predicates over the same data, once with dense columns
// and shape indexes (fused kernels) and once through per-row reads (the evaluator), must select the same rows.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type DType, float32ToFloat16, fromValues, isShoalError, ndarray } from "@shoal/core";
import { MemorySource, type TensorColumn, type TensorSource, filter, parseExpression, query, view } from "../src/index.ts";
import { fusedWhere } from "../src/tql/fused.ts";

const N = 300;
let seed = 99;
const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const floats = Array.from({ length: N }, () => pick([NaN, -Infinity, Infinity, -0, 0, 0.5, -2.5, 3, 1e-300, 7]));
const ints = Array.from({ length: N }, () => Math.floor(rand() * 12) - 3);
const column = (dtype: DType, values: number[]) => ndarray(dtype, [values.length], fromValues(dtype, values).data);

const dense = new MemorySource({
  f64: { samples: column("float64", floats) },
  f32: { samples: column("float32", floats) },
  f16: { samples: ndarray("float16", [N], Uint16Array.from(floats, float32ToFloat16)) },
  i32: { samples: column("int32", ints) },
  i16: { samples: column("int16", ints) },
  i8: { samples: column("int8", ints) },
  u8: { samples: column("uint8", ints.map((x) => x + 3)) },
  u16: { samples: column("uint16", ints.map((x) => x + 3)) },
  i64: { samples: ndarray("int64", [N], BigInt64Array.from(ints, (x) => BigInt(x))) },
  flag: { samples: column("bool", ints.map((x) => (x > 2 ? 1 : 0))) },
  label: { htype: "class_label", classNames: ["cat", "dog", "bird"], samples: column("uint32", ints.map((x) => Math.abs(x) % 3)) },
  img: { samples: Array.from({ length: N }, (_, i) => ndarray("uint8", [1 + (i % 7), 1 + ((i * 3) % 5), 3])) },
});

/** The same tensors without column()/shapes(): the evaluator must read row by row. */
const rowWise: TensorSource = {
  length: dense.length,
  tensorNames: () => dense.tensorNames(),
  tensor: (name) => {
    const c = dense.tensor(name);
    const plain: TensorColumn = { meta: c.meta, length: c.length, read: (i, o) => c.read(i, o), readMany: (i, o) => c.readMany(i, o), shape: (i, o) => c.shape(i, o) };
    return plain;
  },
};

const PREDICATES = [
  "f64 == 3", "f64 != 3", "f64 < 0.5", "f64 <= 0.5", "f64 > -2.5", "f64 >= 0", "f64 == 0", "f64 != 0", "f64 < ninf_", "f64 > 1e309", "not f64 > 0",
  "f32 between -1 and 3", "f32 not between -1 and 3", "not (f32 between -1 and 3)", "f16 > 0.5", "f16 in (3, 7, 0.5)", "f64 not in (3, 0)",
  "i32 == 4", "i32 < -1", "i32 in (1, 3, 7)", "i32 not in (1, 3, 7)", "i32 in ARRAY[-3, 8]", "not i32 in (1, 2)", "i32 in (1000000, -1000000, 2)",
  "i16 >= 2 and i16 <= 5", "i8 > 6 or i8 < -2", "u8 == 3 and not (u16 > 5 or i32 == 0)", "i64 >= 4", "i64 in (0, 1)",
  "flag", "not flag", "f64", "not f64", "flag == true", "flag and i32 > 5",
  "label == 'dog'", "label != 'dog'", "label == 'unicorn'", "label != 'unicorn'", "label in ('cat', 'bird', 'unicorn')", "contains(label, 'bird')", "label == 2",
  "shape(img)[0] > 3", "shape(img)[-1] == 3", "shape(img)[5] == 1", "not shape(img)[5] == 1", "shape(img)[1] > shape(img)[0]", "shape(img)[1] != shape(img)[0]",
  "not shape(img)[0] <= shape(img)[1]", "shape(img)[0] in (1, 2, 7)", "shape(img)[0] not in (1, 2)", "shape(img)[9] in (1)", "not (shape(img)[9] in (1))",
  "i32 == NULL", "not i32 != NULL", "5 < i32", "2 >= f64", "true", "false and i32 > 0", "(i32 > 0 or f64 > 0) and (label == 'cat' or shape(img)[0] == 2)",
  "i32 > 0 and i32 < 5 and i32 != 2", "i32 == 2.5", "i32 < 2.5", "i32 > 2.5",
];

const tql = (p: string): string => p.replace("ninf_", "-1e309");

for (const p of PREDICATES) {
  test(`fused == evaluator: ${p}`, async () => {
    const expr = parseExpression(tql(p));
    const fused = await fusedWhere(dense, expr);
    assert.ok(fused, `predicate should fuse: ${p}`);
    const slow = Array.from((await query(rowWise, `select * where ${tql(p)}`)).indices());
    assert.equal(Array.from(fused!), slow);
    assert.equal(Array.from((await query(dense, `select * where ${tql(p)}`)).indices()), slow);
    const v = view(dense).slice(null, null, -3);
    assert.equal(Array.from((await filter(v, tql(p))).indices()), Array.from((await filter(view(rowWise).slice(null, null, -3), tql(p))).indices()), "on a view");
  });
}

test("non-fusable predicates fall back, errors stay typed", async () => {
  for (const p of ["i32 * 2 > 3", "row_number() < 4", "i32 > 'dog'", "label < 'dog'", "f64 == f32"]) assert.is(await fusedWhere(dense, parseExpression(p)), undefined, p);
  for (const [p, code] of [["label < 'dog'", "TQLTypeError"], ["i32 == 'x'", "TQLTypeError"], ["nope == 1", "TensorDoesNotExistError"], ["shape(nope)[0] == 1", "TensorDoesNotExistError"]] as const) {
    await query(dense, `select * where ${p}`).then(() => assert.unreachable(p), (e) => assert.ok(isShoalError(e, code), `${p}: ${e}`));
  }
});

test("the view keeps the scan buffer or a range, and reports progress", async () => {
  const all = await query(dense, "select * where i32 > -100");
  assert.equal(all.index, { kind: "range", start: 0, step: 1, length: N });
  const most = await query(dense, "select * where i32 != 4");
  assert.is(most.index.kind, "list");
  if (most.index.kind === "list") assert.ok(most.index.indices.buffer.byteLength === N * 4, "dense result keeps the scan buffer, no copy");
  const seen: number[] = [];
  await query(dense, "select * where i32 == 4", { onProgress: (d, t) => seen.push(d, t) });
  assert.equal(seen, [N, N]);
  const ac = new AbortController();
  ac.abort();
  await query(dense, "select * where i32 == 4", { signal: ac.signal }).then(() => assert.unreachable(), (e) => assert.is((e as Error).name, "AbortError"));
});

test.run();
