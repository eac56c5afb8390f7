// The public TQL/view conformance cases (vendored in tooling/testing/fixtures; SHOAL_TQL_CASES points at a wider set).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, isShoalError } from "@shoal/core";
import { type Selector, type View, parseSelector, query, randomSplit, sampleBy, splitLengths, view } from "../src/index.ts";
import { buildSource, loadCases } from "./fixture.ts";

const data = await loadCases();
const source = buildSource(data.dataset);
const ds = view(source);

/** `ds[1:10][::2]`, `ds[[5,3,1]]`, `ds[4:]` ... applied to a view. */
function applyIndexExpr(expr: string, base: View = ds): View {
  let v = base;
  const body = expr.replace(/^ds/, "");
  const re = /\[(\[[^\]]*\]|[^\]]*)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    const inner = m[1]!.trim();
    const sel: Selector = inner.startsWith("[") ? (JSON.parse(inner) as number[]) : parseSelector(inner);
    v = v.get(sel);
  }
  return v;
}

for (const c of data.cases) {
  test(`${c.id} ${c.kind}: ${c.query}`, async () => {
    const input = c.on_view ? applyIndexExpr(c.on_view) : ds;
    if (c.kind === "tql_error") {
      try {
        await query(input, c.query);
      } catch (e) {
        assert.ok(isShoalError(e), `expected a shoal error, got ${e}`);
        return;
      }
      assert.unreachable(`query should fail: ${c.query}`);
    }
    const r = await query(input, c.query, { seed: 7 });
    if (c.kind === "tql_statistical") {
      const got = Array.from(r.indices());
      const inv = c.invariants;
      assert.is(got.length, inv.length);
      for (const i of got) assert.ok(inv.subset_of.includes(i), `row ${i} not in ${inv.subset_of}`);
      if (inv.distinct) assert.is(new Set(got).size, got.length);
      return;
    }
    if (c.kind === "tql_groups") {
      assert.equal(r.groups?.map((g) => Array.from(g)), c.expected_indices);
      return;
    }
    assert.equal(Array.from(r.indices()), c.expected_indices);
    if (c.expected_tensors) assert.equal([...r.tensorNames()], c.expected_tensors);
    for (const [name, values] of Object.entries(c.expected_columns ?? {})) {
      const col = r.tensor(name);
      const got = await col.readMany(Array.from({ length: r.length }, (_, i) => i));
      assert.equal(got.map((v) => (typeof v === "object" && v !== null && "data" in v ? Array.from((v as NDArray).data as ArrayLike<number>) : v)), values);
    }
  });
}

for (const c of data.view_index_cases) {
  test(`view index ${c.expr}`, () => {
    if (c.expect_error) {
      assert.throws(() => applyIndexExpr(c.expr), (e: unknown) => isShoalError(e, c.expect_error));
      return;
    }
    assert.equal(Array.from(applyIndexExpr(c.expr).indices()), c.expected_indices);
  });
}

for (const c of data.tensor_index_cases) {
  test(`tensor index ${c.expr}`, async () => {
    const m = /^(len\()?ds\.(\w+)\[(.*)\](\.shape)?\)?$/.exec(c.expr);
    assert.ok(m, `unparsed case ${c.expr}`);
    const [, len, tensor, inside, shape] = m!;
    const items: string[] = [];
    let depth = 0;
    let cur = "";
    for (const ch of inside!) {
      if (ch === "[") depth++;
      if (ch === "]") depth--;
      if (ch === "," && depth === 0) {
        items.push(cur.trim());
        cur = "";
      } else cur += ch;
    }
    items.push(cur.trim());
    const [rows, ...axes] = items.map((s) => (s.startsWith("[") ? (JSON.parse(s) as number[]) : parseSelector(s)));
    const t = ds.tensor(tensor!);
    assert.ok("index" in t);
    const tv = (t as import("../src/index.ts").ViewTensor).index(rows as Selector, ...(axes as (number | import("../src/index.ts").Slice)[]));
    if (len) return assert.is(tv.length, c.expected);
    const arr = (await tv.numpy()) as NDArray;
    // A single int row drops the row axis, as in NumPy.
    const out = typeof rows === "number" ? { shape: arr.shape.slice(1), data: arr.data } : arr;
    if (shape) assert.equal([...out.shape], c.expected);
    else assert.equal(Array.from(out.data as ArrayLike<number>), c.expected);
  });
}

for (const c of data.random_split_cases) {
  test(`randomSplit ${JSON.stringify(c.lengths)} of ${c.dataset_length}`, async () => {
    if (c.expect_error) {
      assert.throws(() => splitLengths(c.lengths, c.dataset_length), (e: unknown) => isShoalError(e, "InvalidArgumentError") && (e as Error).message.includes(c.error_message));
      return;
    }
    assert.equal(splitLengths(c.lengths, c.dataset_length), c.expected_lengths);
    if (c.dataset_length === 12) {
      const parts = await randomSplit(ds, c.lengths, { seed: 1 });
      assert.equal(parts.map((p) => p.length), c.expected_lengths);
      const all = parts.flatMap((p) => Array.from(p.indices())).sort((a, b) => a - b);
      assert.equal(all, Array.from({ length: 12 }, (_, i) => i));
    }
  });
}

test("sample_by cases", async () => {
  const [only2, cats, tooMany] = data.sample_by_cases;
  assert.ok(only2.call.includes("[0,0,1,"));
  const w = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  assert.equal(Array.from((await sampleBy(ds, w, { seed: 3 })).indices()), only2.expected_indices);
  const r = await sampleBy(ds, "max_weight(labels == 'cat': 10, labels == 'dog': 1)", { replace: false, size: 8, seed: 3 });
  assert.equal(Array.from(r.indices()).sort((a, b) => a - b), [...cats.invariants.subset_of].sort((a: number, b: number) => a - b));
  try {
    await sampleBy(ds, w, { replace: false, size: 3 });
    assert.unreachable("should fail");
  } catch (e) {
    assert.ok(isShoalError(e, "SamplingError"), String(e));
    assert.ok(tooMany.expect_error);
  }
});

test.run();
