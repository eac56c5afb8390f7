// TQL behaviours beyond the public cases: errors, projections, groups, sub-queries, NULL/NaN ordering.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, fromValues, isShoalError } from "@shoal/core";
import { MemorySource, TQLSyntaxError, parseQuery, query, view } from "../src/index.ts";
import { buildSource, loadCases } from "./fixture.ts";

const ds = view(buildSource((await loadCases()).dataset));
const ids = async (q: string, input = ds): Promise<number[]> => Array.from((await query(input, q, { seed: 1 })).indices());

async function fails(q: string, code: string): Promise<Error> {
  try {
    await query(ds, q);
  } catch (e) {
    assert.ok(isShoalError(e, code), `${q}: expected ${code}, got ${e}`);
    return e as Error;
  }
  throw new Error(`${q} should fail with ${code}`);
}

test("syntax errors carry line, column and a caret excerpt", async () => {
  const e = (await fails("select *\nwhere labels = = 1", "TQLSyntaxError")) as TQLSyntaxError;
  assert.is(e.line, 2);
  assert.is(e.column, 16);
  assert.is(e.excerpt, "where labels = = 1\n               ^");
  for (const q of ["select * wher labels == 1", "select", "select * where (labels == 1", "select * limit -1", "select * where 'abc", "select * where labels == 1 #", "selec *", "select * order labels"]) {
    await fails(q, "TQLSyntaxError");
  }
});

test("type, tensor and function errors are typed", async () => {
  await fails("select * where caption", "TQLTypeError");
  await fails("select * where meta", "TQLTypeError");
  await fails("select * where embeddings", "TQLTypeError");
  await fails("select * where caption == 5", "TQLTypeError");
  await fails("select * where labels > 'dog'", "TQLTypeError");
  await fails("select * order by embeddings", "TQLTypeError");
  await fails("select * where nope == 1", "TensorDoesNotExistError");
  await fails("select * where frobnicate(labels)", "TQLFunctionError");
  await fails("select * where contains(labels)", "TQLFunctionError");
  await fails("select * where max_weight(labels == 1: 2)", "TQLFunctionError");
  await fails("select * where embeddings - ARRAY[1, 2] == 0", "TQLTypeError");
});

test("operators: precedence, IN/NOT IN, BETWEEN, arithmetic, json and text", async () => {
  assert.equal(await ids("select * where labels == 'cat' or labels == 'dog' and difficulty == 1"), [0, 1, 3, 6, 9]);
  assert.equal(await ids("select * where (labels == 'cat' or labels == 'dog') and difficulty == 1"), [1]);
  assert.equal(await ids("select * where labels not in ('cat', 'bird')"), [1, 4, 7, 10]);
  assert.equal(await ids("select * where difficulty between 2 and 3 and labels == 'bird'"), [2]);
  assert.equal(await ids("select * where difficulty / 2 == 1.5"), [0, 3, 6, 9]);
  assert.equal(await ids("select * where meta['source'] == 'scan'"), [3, 6, 10]);
  assert.equal(await ids("select * where meta['nope'] == 1 or meta['nope'] != 1"), []);
  assert.equal(await ids("select * where contains(caption, 'dog')"), [1, 3, 7, 9, 10]);
  assert.equal(await ids("select * where labels == 'unicorn'"), []);
  assert.equal(await ids("select * where images[0, 0, 0] >= 100"), [9, 10, 11]);
  assert.equal(await ids("select * where images[1000, 0, 0] == 1"), [], "out-of-range index is NULL");
  assert.equal(await ids("select * where all(shape(images) == ARRAY[64, 64, 3])"), [5]);
  assert.equal(await ids("select * where \"stats/brightness\" > 100"), [10, 11]);
  assert.equal(await ids("SELECT * WHERE L2_NORM(embeddings) > 2 -- comment\n"), [6, 8, 10, 11]);
});

test("projection: virtual tensors, kept tensors and FROM sub-queries", async () => {
  const r = await query(ds, "select *, difficulty * 10 as d10 where labels == 'bird'");
  assert.equal([...r.tensorNames()].slice(-2), ["stats/brightness", "d10"]);
  assert.equal(await r.tensor("d10").readMany([0, 1, 2, 3]), [20, 10, 10, 10]);
  const kept = await query(ds, "select labels, meta['source'] where difficulty == 3");
  assert.equal([...kept.tensorNames()], ["labels", "meta"]);
  assert.equal(await kept.tensor("meta").readMany([0, 1]), ["web", "scan"]);
  const nested = await query(ds, "select * from (select *, l1_norm(embeddings) as n1) where n1 >= 3 order by n1 desc, row_number() desc");
  assert.equal(Array.from(nested.indices()), [10, 9, 11, 8, 7, 6]);
  const sliced = nested.slice(1, 3);
  assert.equal(await sliced.tensor("n1").readMany([0, 1]), [4, 3]);
});

test("GROUP BY, EXPAND BY, set operations with trailing ORDER BY/LIMIT", async () => {
  const g = await query(ds, "select * group by labels, difficulty == 3");
  assert.equal(g.groups!.map((x) => Array.from(x)), [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8, 11]]);
  const g2 = await query(ds, "select * where labels != 'cat' group by difficulty limit 2");
  assert.equal(g2.groups!.map((x) => Array.from(x)), [[1, 5, 8, 11], [2, 4, 7, 10]]);
  assert.equal(await ids("select * where row_number() == 11 expand by 1, 3"), [10, 11]);
  assert.equal(await ids("(select * where labels == 'cat') union (select * where labels == 'dog') order by difficulty desc limit 3"), [0, 3, 6]);
  assert.equal(await ids("(select * where difficulty > 1) except (select * where labels == 'dog')"), [0, 2, 3, 6, 9]);
  assert.equal(await ids("(select * where difficulty > 1) intersect (select * where labels == 'dog') union (select * where row_number() == 0)"), [0, 4, 7, 10]);
});

test("ORDER BY is stable both ways and puts NULL/NaN last", async () => {
  const src = new MemorySource({
    s: { samples: [1, NaN, 3, 1, NaN, 2].map((x) => fromValues("float64", [x], [1])) },
    j: { htype: "json", samples: [{ a: 2 }, {}, { a: 1 }, { a: 2 }, null, { a: 0 }] },
  });
  assert.equal(await ids("select * order by s", view(src)), [0, 3, 5, 2, 1, 4]);
  assert.equal(await ids("select * order by s desc", view(src)), [2, 5, 0, 3, 1, 4]);
  assert.equal(await ids("select * order by j['a'] desc", view(src)), [0, 3, 2, 5, 1, 4]);
  assert.equal(await ids("select * order by j['a'] limit 2", view(src)), [5, 2]);
});

test("queries on views: row_number/data are view-relative, results are root indices", async () => {
  const v = ds.get([11, 3, 7, 0]);
  assert.equal(await ids("select * where row_number() >= 2", v), [7, 0]);
  assert.equal(await ids("select * order by l2_norm(embeddings - data(embeddings, 0)) limit 2", v), [11, 0]);
  const first = await query(ds, "select * limit 6");
  const sampled = await query(first, "select * sample by max_weight(labels == 'bird': 1) limit 10", { seed: 3 });
  assert.ok(Array.from(sampled.indices()).every((i) => i === 2 || i === 5), "sampling on a view maps through the view (#2023)");
  assert.equal(sampled.length, 10);
  const ac = new AbortController();
  ac.abort();
  await query(ds, "select * where labels == 1", { signal: ac.signal }).then(() => assert.unreachable(), (e) => assert.is((e as Error).name, "AbortError"));
});

test("parseQuery builds the AST without touching data", () => {
  const q = parseQuery("(select * where a == 1 limit 2) union (select * from \"x\") order by b desc limit 5 offset 1");
  assert.is(q.k, "wrap");
  if (q.k === "wrap") {
    assert.is(q.limit, 5);
    assert.is(q.offset, 1);
    assert.is(q.q.k, "setop");
  }
});

test("sample reads use shape() only for shape predicates", async () => {
  let reads = 0;
  const src = buildSource((await loadCases()).dataset);
  const wrapped = {
    length: src.length,
    tensorNames: () => src.tensorNames(),
    tensor: (name: string) => {
      const c = src.tensor(name);
      return { ...c, meta: c.meta, length: c.length, shape: c.shape.bind(c), shapes: c.shapes?.bind(c), column: c.column?.bind(c), read: (i: number) => (reads++, c.read(i)), readMany: (i: ArrayLike<number>) => ((reads += i.length), c.readMany(i)) };
    },
  };
  assert.equal(await ids("select * where shape(images)[1] > shape(images)[0]", view(wrapped)), [4, 7, 11]);
  assert.is(reads, 0);
  const arr = (await view(wrapped).tensor("images").read(0)) as NDArray;
  assert.equal([...arr.shape], [100, 100, 3]);
});

test("ORDER BY on GROUP BY results: by a group key or by an aggregate over each group", async () => {
  const groups = async (q: string, input = ds): Promise<number[][]> => ((await query(input, q)).groups ?? []).map((g) => Array.from(g));
  assert.equal(await groups("select * group by labels order by labels desc"), [[2, 5, 8, 11], [1, 4, 7, 10], [0, 3, 6, 9]]);
  // brightness sums: difficulty 3 → 10+40+70+100, 1 → 20+60+90+120, 2 → 30+50+80+110.
  assert.equal(await groups("select * group by difficulty order by sum(\"stats/brightness\") desc"), [[1, 5, 8, 11], [2, 4, 7, 10], [0, 3, 6, 9]]);
  assert.equal(await groups("select * group by difficulty order by sum(\"stats/brightness\") desc limit 1 offset 1"), [[2, 4, 7, 10]]);
  assert.equal(await groups("select * where row_number() < 5 group by labels order by len(labels), labels"), [[2], [0, 3], [1, 4]]);
  const g = await query(ds, "select * group by labels order by max(\"stats/brightness\") desc");
  assert.equal(Array.from(g.indices()), [2, 5, 8, 11, 1, 4, 7, 10, 0, 3, 6, 9], "the index lists the ordered groups' rows");
  await fails("select * group by labels order by caption", "TQLTypeError");
});

test("set operations accept operands with FROM sub-queries, on views too", async () => {
  assert.equal(await ids("(select * from (select * where difficulty > 1) where labels == 'dog') union (select * where row_number() == 0)"), [0, 4, 7, 10]);
  const reversed = ds.slice(null, null, -1);
  const q = "(select * from (select * where difficulty > 1) where labels == 'dog') intersect (select * where difficulty == 2)";
  assert.equal(await ids(q, reversed), [10, 7, 4], "ascending positions of the reversed input view");
  assert.equal(await ids("(select * where labels == 'cat') except (select * from (select * order by difficulty limit 3))", ds.get([0, 3, 0, 9])), [9]);
});

test("data(t, i) with a per-row index", async () => {
  // d(i+1) > d(i) with difficulty 3,1,2,3,2,1,3,2,1,3,2,1; past the end is NULL.
  assert.equal(await ids("select * where data(difficulty, row_number() + 1) > difficulty"), [1, 2, 5, 8]);
  const r = await query(ds, "select data(caption, 11 - row_number()) as rev limit 2");
  assert.equal(await r.tensor("rev").readMany([0, 1]), ["an empty sky", "a dog"]);
  const v = ds.get([5, 9, 1]);
  const onView = await query(v, "select data(labels, row_number() - 1) as prev");
  assert.equal((await onView.tensor("prev").readMany([0, 1, 2])).map((x) => Array.from((x as NDArray).data as Uint32Array)), [[1], [2], [0]], "view-relative, -1 is the last row");
  await fails("select * where data(difficulty, caption) == 1", "TQLFunctionError");
  await fails("select * where data(difficulty, row_number() / 2) == 1", "TQLFunctionError");
});

test("error messages: typed, syntax errors point at the spot", async () => {
  const lex = (await fails("select * where 'abc", "TQLSyntaxError")) as TQLSyntaxError;
  assert.equal([lex.line, lex.column], [1, 16]);
  assert.ok(lex.message.includes("unterminated string") && lex.message.endsWith("select * where 'abc\n               ^"), lex.message);
  const odd = (await fails("select *\n  where labels == 1 #", "TQLSyntaxError")) as TQLSyntaxError;
  assert.equal([odd.line, odd.column], [2, 21]);
  const kw = (await fails("select * where labels == 1 order labels", "TQLSyntaxError")) as TQLSyntaxError;
  assert.ok(kw.message.includes("expected BY"), kw.message);
  const missing = await fails("select * where nope == 1", "TensorDoesNotExistError");
  assert.ok(missing.message.includes('"nope"') && missing.message.includes("labels"), missing.message);
  const fn = await fails("select * where frob(labels)", "TQLFunctionError");
  assert.ok(fn.message.includes("frob()"), fn.message);
  const ty = await fails("select * where caption", "TQLTypeError");
  assert.ok(ty.message.includes("row 0") && ty.message.includes("not convertible to boolean"), ty.message);
});

test.run();
