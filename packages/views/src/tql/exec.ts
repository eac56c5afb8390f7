/**
 * Query execution: WHERE → GROUP/UNGROUP/EXPAND → SAMPLE BY | (ORDER BY → OFFSET → LIMIT) → projection, over a
 * view. Results are views over the root dataset; positions inside a query (row_number(), data()) are relative to
 * the queried view.
 * @module
 */
import { TQLTypeError } from "../errors.ts";
import { type Rng, rngFor } from "../prng.ts";
import { weightedDraw } from "../sample.ts";
import type { ReadOptions, SampleValue, TensorSource } from "../source.ts";
import { View, view as asView } from "../view.ts";
import { VirtualColumn } from "../virtual-column.ts";
import type { Expr, OrderItem, Query, SelectStmt } from "./ast.ts";
import { type Batch, Evaluator, type Vec } from "./eval.ts";
import { type KeyColumn, keyTypeError, sortRows } from "./order.ts";
import { fusedWhere } from "./fused.ts";
import { GroupSource } from "./group-source.ts";
import { parseQuery } from "./parser.ts";
import { type Value, describe, isArr, scalarOf, toSample, truthy } from "./values.ts";

export interface QueryOptions extends ReadOptions {
  /** Seed for RANDOM() and SAMPLE BY (default: the process-wide seed, see `setSeed`). */
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

interface Ctx {
  rng: Rng;
  opts: QueryOptions;
}

/** Positions of one operand, relative to `base`. */
interface Result {
  base: View;
  positions: Uint32Array;
  tensors?: readonly string[];
  virtual?: VirtualColumn[];
  groups?: Uint32Array[];
  /** Position in the query's input of each `base` row, when `base` is a FROM sub-query result (else base = input). */
  origin?: Uint32Array;
}

const QUERY_MESSAGE_MAX = 1000;

/** Runs a TQL query over a source or view; the result is a view over the root dataset. */
export async function query(source: TensorSource, tql: string, opts: QueryOptions = {}): Promise<View> {
  const ast = parseQuery(tql);
  const input = asView(source);
  const ctx: Ctx = { rng: rngFor(opts.seed), opts };
  const r = await run(ast, input, ctx);
  const text = tql.length > QUERY_MESSAGE_MAX ? `${tql.slice(0, QUERY_MESSAGE_MAX - 3)}...` : tql;
  const groups = r.groups?.map((g) => r.base.withPositions(g).indices());
  // Positions come from the engine itself, always within the base view.
  return r.base.withPositions(r.positions, { tensors: r.tensors, virtual: r.virtual, query: text, groups }, true);
}

async function run(q: Query, input: View, ctx: Ctx): Promise<Result> {
  if (q.k === "select") return runSelect(q, input, ctx);
  if (q.k === "wrap") {
    const inner = await run(q.q, input, ctx);
    let positions = inner.positions;
    if (q.order) positions = await orderPositions(inner.base, positions, q.order, ctx, q.offset ?? 0, q.limit);
    else positions = cut(positions, q.offset ?? 0, q.limit);
    return { base: inner.base, positions, origin: inner.origin };
  }
  const l = await run(q.l, input, ctx);
  const r = await run(q.r, input, ctx);
  const a = new Uint8Array(input.length);
  const b = new Uint8Array(input.length);
  // An operand with FROM (sub-query) has positions in its own base; `origin` maps them back to input positions.
  for (const p of l.positions) a[l.origin ? l.origin[p]! : p] = 1;
  for (const p of r.positions) b[r.origin ? r.origin[p]! : p] = 1;
  const out: number[] = [];
  for (let p = 0; p < input.length; p++) {
    const keep = q.op === "union" ? a[p] || b[p] : q.op === "intersect" ? a[p] && b[p] : a[p] && !b[p];
    if (keep) out.push(p);
  }
  return { base: input, positions: Uint32Array.from(out) };
}

function cut(p: Uint32Array, offset: number, limit: number | undefined): Uint32Array {
  return p.subarray(Math.min(offset, p.length), limit === undefined ? p.length : Math.min(p.length, offset + limit));
}

function allPositions(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Calls `fn` with each loaded batch of `positions`, checking the signal and reporting progress. */
async function forBatches(ev: Evaluator, positions: Uint32Array, ctx: Ctx, fn: (b: Batch, offset: number) => void, ascending = false): Promise<void> {
  const size = ev.batchSize;
  for (let o = 0; o < positions.length; o += size) {
    ctx.opts.signal?.throwIfAborted();
    const b = await ev.load(positions.subarray(o, Math.min(positions.length, o + size)), ascending);
    fn(b, o);
    ctx.opts.onProgress?.(Math.min(positions.length, o + size), positions.length);
  }
}

/** Positions of `table`'s rows (ascending) whose WHERE expression is true: fused scan kernels when possible. */
export async function wherePositions(table: TensorSource, where: Expr, ctx: { rng: Rng; opts: QueryOptions }): Promise<Uint32Array> {
  const fused = await fusedWhere(table, where, ctx.opts);
  if (fused) return fused;
  const positions = allPositions(table.length);
  const ev = new Evaluator(table, [where], ctx.rng, ctx.opts);
  await ev.prepare();
  const out = new Uint32Array(positions.length);
  let count = 0;
  await forBatches(ev, positions, ctx, (b) => {
    const v = ev.ev(where, b);
    const p = b.positions;
    if (v.k === "num") {
      const d = v.d;
      if (b.contiguous) {
        const p0 = p[0]!;
        for (let i = 0; i < p.length; i++) if (d[i] !== 0 && d[i] === d[i]) out[count++] = p0 + i;
      } else for (let i = 0; i < p.length; i++) if (d[i] !== 0 && d[i] === d[i]) out[count++] = p[i]!;
    } else if (v.k === "const") {
      if (truthy(v.v)) for (let i = 0; i < p.length; i++) out[count++] = p[i]!;
    } else {
      for (let i = 0; i < p.length; i++) if (truthy(Evaluator.at(v, i), p[i])) out[count++] = p[i]!;
    }
  }, true);
  return out.slice(0, count);
}

/** Values of `exprs` at `positions`, one array per expression. */
async function valuesAt(table: TensorSource, positions: Uint32Array, exprs: readonly Expr[], ctx: Ctx, each: (vecs: Vec[], b: Batch, offset: number) => void, allowWeights = false): Promise<void> {
  const ev = new Evaluator(table, exprs, ctx.rng, ctx.opts, allowWeights);
  await ev.prepare();
  await forBatches(ev, positions, ctx, (b, o) => each(exprs.map((e) => ev.ev(e, b)), b, o));
}

async function orderPositions(table: TensorSource, positions: Uint32Array, order: readonly OrderItem[], ctx: Ctx, offset: number, limit: number | undefined): Promise<Uint32Array> {
  const n = positions.length;
  const keys: KeyColumn[] = order.map(() => ({ kind: "num", d: new Float64Array(n) }));
  await fillKeys(table, positions, order.map((o) => o.expr), keys, ctx);
  const rows = sortRows(keys, order.map((o) => o.desc), n, offset, limit);
  const out = new Uint32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = positions[rows[i]!]!;
  return out;
}

/** ORDER BY keys of `exprs` at `positions`, written into `keys[k]` (numbers, or strings once a string shows up). */
async function fillKeys(table: TensorSource, positions: Uint32Array, exprs: readonly Expr[], keys: KeyColumn[], ctx: Ctx, slots?: readonly number[]): Promise<void> {
  if (!exprs.length) return;
  await valuesAt(table, positions, exprs, ctx, (vecs, b, o) => {
    vecs.forEach((v, j) => {
      const k = slots ? slots[j]! : j;
      const key = keys[k]!;
      if (v.k === "num" && key.kind === "num") {
        for (let i = 0; i < b.positions.length; i++) key.d[o + i] = v.d[i]!;
        return;
      }
      for (let i = 0; i < b.positions.length; i++) putKey(keys, k, o + i, Evaluator.at(v, i), b.positions[i]!);
    });
  });
}

function putKey(keys: KeyColumn[], k: number, slot: number, v: Value, row: number): void {
  let key = keys[k]!;
  const s = scalarOf(v);
  if (typeof s === "string") {
    if (key.kind === "num") {
      if (slot > 0 && key.d.subarray(0, slot).some((x) => !Number.isNaN(x))) throw new TQLTypeError("ORDER BY key mixes numbers and strings", row);
      key = keys[k] = { kind: "str", d: new Array<string | null>(key.d.length).fill(null) };
    }
    key.d[slot] = s;
  } else if (s === null) {
    if (key.kind === "num") key.d[slot] = NaN;
    else key.d[slot] = null;
  } else if (typeof s === "number" || typeof s === "boolean") {
    if (key.kind === "str") throw new TQLTypeError("ORDER BY key mixes numbers and strings", row);
    key.d[slot] = Number(s);
  } else keyTypeError(describe(s), row);
}

/** Structural equality of expressions (positions in the query text ignored). */
function sameExpr(a: Expr, b: Expr): boolean {
  const strip = (_k: string, v: unknown): unknown => (_k === "pos" ? undefined : v);
  return JSON.stringify(a, strip) === JSON.stringify(b, strip);
}

/**
 * ORDER BY over groups: an item equal to a GROUP BY key sorts by that key; any other expression is evaluated per
 * group over the group's stacked samples (`len(labels)`, `sum(difficulty)`, `mean(score)`...).
 */
async function orderGroups(base: View, group: readonly Expr[], keyValues: readonly Value[][], rows: readonly Uint32Array[], order: readonly OrderItem[], ctx: Ctx, offset: number, limit: number | undefined): Promise<Uint32Array> {
  const g = rows.length;
  const keys: KeyColumn[] = order.map(() => ({ kind: "num", d: new Float64Array(g) }));
  const computed: { expr: Expr; slot: number }[] = [];
  order.forEach((o, k) => {
    const j = group.findIndex((e) => sameExpr(e, o.expr));
    if (j < 0) computed.push({ expr: o.expr, slot: k });
    else for (let i = 0; i < g; i++) putKey(keys, k, i, keyValues[i]![j]!, rows[i]![0]!);
  });
  await fillKeys(new GroupSource(base, rows), allPositions(g), computed.map((c) => c.expr), keys, ctx, computed.map((c) => c.slot));
  return sortRows(keys, order.map((o) => o.desc), g, offset, limit);
}

async function runSelect(s: SelectStmt, input: View, ctx: Ctx): Promise<Result> {
  let base = input;
  let origin: Uint32Array | undefined;
  if (s.from?.k === "query") {
    const sub = await run(s.from.q, input, ctx);
    origin = sub.origin ? Uint32Array.from(sub.positions, (p) => sub.origin![p]!) : sub.positions;
    base = sub.base.withPositions(sub.positions, { tensors: sub.tensors, virtual: sub.virtual, groups: sub.groups?.map((g) => sub.base.withPositions(g).indices()) });
  }
  let positions = s.where ? await wherePositions(base, s.where, ctx) : allPositions(base.length);

  // UNGROUP BY: a grouped input is already stored flattened (its index lists every row), so rows come out ungrouped.
  if (s.group) {
    const groups = new Map<string, { rows: number[]; key: Value[] }>();
    await valuesAt(base, positions, s.group, ctx, (vecs, b) => {
      for (let i = 0; i < b.positions.length; i++) {
        const values = vecs.map((v) => Evaluator.at(v, i));
        const key = JSON.stringify(values.map((v) => keyOf(v, b.positions[i]!)));
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { rows: [], key: values }));
        g.rows.push(b.positions[i]!);
      }
    });
    const list = [...groups.values()];
    const rows = list.map((g) => Uint32Array.from(g.rows));
    const picked = s.order
      ? await orderGroups(base, s.group, list.map((g) => g.key), rows, s.order, ctx, s.offset ?? 0, s.limit)
      : cut(allPositions(list.length), s.offset ?? 0, s.limit);
    const chosen = Array.from(picked, (k) => rows[k]!);
    const flat = new Uint32Array(chosen.reduce((n, g) => n + g.length, 0));
    let o = 0;
    for (const g of chosen) {
      flat.set(g, o);
      o += g.length;
    }
    return { base, positions: flat, groups: chosen, origin, ...(await project(s, base, flat, ctx)) };
  }
  if (s.expand) {
    const [before, after] = s.expand;
    const mark = new Uint8Array(base.length);
    for (const p of positions) for (let q = Math.max(0, p - before); q <= Math.min(base.length - 1, p + after); q++) mark[q] = 1;
    const out: number[] = [];
    for (let p = 0; p < mark.length; p++) if (mark[p]) out.push(p);
    positions = Uint32Array.from(out);
  }
  if (s.sample) {
    const sm = s.sample;
    const weights = new Float64Array(positions.length);
    const expr: Expr = sm.mode === "expr" ? sm.expr! : { k: "call", name: sm.mode, args: [], weighted: sm.weighted, pos: 0 };
    await valuesAt(base, positions, [expr], ctx, ([v], b, o) => {
      for (let i = 0; i < b.positions.length; i++) {
        const w = v!.k === "num" ? v!.d[i]! : scalarOf(Evaluator.at(v!, i));
        if (typeof w !== "number" && typeof w !== "boolean") throw new TQLTypeError(`SAMPLE BY weight must be a number, got ${describe(w)}`, b.positions[i]);
        weights[o + i] = Number(w);
      }
    }, true);
    const drawn = weightedDraw(weights, sm.limit ?? base.length, sm.replace ?? true, ctx.rng);
    positions = Uint32Array.from(drawn, (k) => positions[k]!);
  } else if (s.order) {
    positions = await orderPositions(base, positions, s.order, ctx, s.offset ?? 0, s.limit);
  } else {
    positions = cut(positions, s.offset ?? 0, s.limit);
  }
  return { base, positions, origin, ...(await project(s, base, positions, ctx)) };
}

function keyOf(v: Value, row: number): unknown {
  const s = scalarOf(v);
  if (s === null || typeof s === "number" || typeof s === "string" || typeof s === "boolean") return s;
  if (isArr(s)) return Array.from(s.data);
  if (typeof s === "object") return s.v;
  throw new TQLTypeError(`GROUP BY key ${describe(s)}`, row);
}

function firstIdent(e: Expr): string | undefined {
  switch (e.k) {
    case "ident":
      return e.name;
    case "call":
      for (const a of e.args) {
        const n = firstIdent(a);
        if (n) return n;
      }
      return undefined;
    case "bin":
      return firstIdent(e.l) ?? firstIdent(e.r);
    case "neg":
    case "not":
    case "sub":
      return firstIdent(e.e);
    case "in":
      return firstIdent(e.e);
    default:
      return undefined;
  }
}

/** The SELECT list: `*`, kept tensors, and virtual tensors computed at the result rows. */
async function project(s: SelectStmt, base: View, positions: Uint32Array, ctx: Ctx): Promise<{ tensors?: readonly string[]; virtual?: VirtualColumn[] }> {
  const baseVirtual = new Map(base.virtualColumns().map((v) => [v.meta.name, v]));
  const realNames = base.realTensors ?? base.source.tensorNames();
  const tensors: string[] = [];
  const virtual: VirtualColumn[] = [];
  const computed: { name: string; expr: Expr }[] = [];
  for (const item of s.items) {
    if (item.expr === "*") {
      for (const t of realNames) if (!tensors.includes(t)) tensors.push(t);
      for (const v of baseVirtual.values()) virtual.push(v.pick(positions));
      continue;
    }
    const e = item.expr;
    if (e.k === "ident" && (item.alias === undefined || item.alias === e.name)) {
      const v = baseVirtual.get(e.name);
      if (v) virtual.push(v.pick(positions));
      else {
        base.tensor(e.name);
        if (!tensors.includes(e.name)) tensors.push(e.name);
      }
      continue;
    }
    computed.push({ name: item.alias ?? firstIdent(e) ?? `expr${computed.length}`, expr: e });
  }
  if (computed.length) {
    const values = computed.map(() => new Array<SampleValue>(positions.length));
    await valuesAt(base, positions, computed.map((c) => c.expr), ctx, (vecs, b, o) => {
      vecs.forEach((v, k) => {
        for (let i = 0; i < b.positions.length; i++) values[k]![o + i] = toSample(Evaluator.at(v, i));
      });
    });
    computed.forEach((c, k) => {
      const clash = tensors.indexOf(c.name);
      if (clash >= 0) tensors.splice(clash, 1);
      virtual.push(new VirtualColumn(c.name, values[k]!));
    });
  }
  const onlyStar = s.items.length === 1 && s.items[0]!.expr === "*";
  return onlyStar ? { tensors: base.realTensors, virtual: virtual.length ? virtual : undefined } : { tensors, virtual };
}

