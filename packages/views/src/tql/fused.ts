/**
 * Fused WHERE: a predicate made of comparisons (== != < <= > >=, IN, BETWEEN, contains on a scalar) between a scalar
 * column or a shape dimension and constants, combined with AND / OR / NOT, becomes a plan of scan kernels that write
 * matching row positions straight into one Uint32Array: no per-row values, no intermediate masks. Anything else
 * returns undefined and the batch evaluator takes over, with identical semantics (NULL and NaN never compare true,
 * NOT flips, unknown class names never match).
 * @module
 */
import type { ReadOptions, TensorSource } from "../source.ts";
import type { Expr } from "./ast.ts";
import {
  type NumArray, filterDiff, filterRange, filterSet, isIntegerArray, nextDown, nextUp, numericData, scanDiff, scanRange,
  scanRangeStrided, scanSorted, scanTable, unionInto,
} from "./kernels.ts";

interface Operand {
  readonly d: NumArray;
  /** Elements per row and the row's element read (1 and 0 for a column; ndim and k for `shape(t)[k]`). */
  readonly stride: number;
  readonly offset: number;
  /** Integer-valued: no NaN or infinities, so differences are exact and negation needs no NaN care. */
  readonly int: boolean;
  readonly cls?: readonly string[];
}

type Node =
  | { k: "const"; v: boolean }
  | { k: "range"; a: Operand; lo: number; hi: number; flip: number }
  | { k: "set"; a: Operand; sorted: Float64Array; table?: Uint8Array; min: number; span: number; flip: number }
  | { k: "diff"; a: Operand; b: Operand; lo: number; hi: number; flip: number }
  | { k: "and" | "or"; items: Node[] };

/** `shape(t)[k]` past the sample's rank reads NULL, and NULL compares false with everything. */
const NULL_OPERAND = "null";
type Resolved = Operand | typeof NULL_OPERAND | undefined;

type Const = { v: number | string | boolean | null } | undefined;

const CMP_OPS = new Set(["==", "!=", "<", "<=", ">", ">="]);
const BLOCK = 1 << 20;
const TABLE_SPAN = 1 << 16;

class Compiler {
  readonly #table: TensorSource;
  readonly #opts: ReadOptions;
  readonly #cache = new Map<string, Promise<Resolved>>();

  constructor(table: TensorSource, opts: ReadOptions) {
    this.#table = table;
    this.#opts = opts;
  }

  async compile(e: Expr, neg: boolean): Promise<Node | undefined> {
    switch (e.k) {
      case "not":
        return this.compile(e.e, !neg);
      case "bool":
        return { k: "const", v: e.v !== neg };
      case "null":
        return { k: "const", v: neg };
      case "bin": {
        if (e.op === "and" || e.op === "or") {
          const l = await this.compile(e.l, neg);
          if (!l) return undefined;
          const r = await this.compile(e.r, neg);
          if (!r) return undefined;
          // De Morgan: NOT pushed into the leaves turns AND into OR and back.
          return combine((e.op === "and") !== neg ? "and" : "or", l, r);
        }
        if (!CMP_OPS.has(e.op)) return undefined;
        return this.#comparison(e.op, e.l, e.r, neg);
      }
      case "in":
        return this.#membership(e.e, e.list, e.not, neg);
      case "call":
        if (e.name === "contains" && e.args.length === 2 && e.args[0]!.k === "ident") return this.#comparison("==", e.args[0]!, e.args[1]!, neg);
        return undefined;
      case "ident": {
        // A bare scalar column is true when non-zero and not NaN: outside [-0, 0], both ranges excluding NaN.
        const a = await this.#operand(e);
        if (!a || a === NULL_OPERAND) return a === NULL_OPERAND ? { k: "const", v: neg } : undefined;
        if (a.int) return { k: "range", a, lo: 0, hi: 0, flip: neg ? 0 : 1 };
        const nonZero = combine("or", { k: "range", a, lo: -Infinity, hi: nextDown(0), flip: 0 }, { k: "range", a, lo: nextUp(0), hi: Infinity, flip: 0 });
        return neg ? negate(nonZero) : nonZero;
      }
      default:
        return undefined;
    }
  }

  async #comparison(op: string, l: Expr, r: Expr, neg: boolean): Promise<Node | undefined> {
    const lc = constOf(l);
    const rc = constOf(r);
    if (lc && rc) return undefined;
    if (lc || rc) {
      const a = await this.#operand(lc ? r : l);
      if (!a) return undefined;
      const c = (lc ?? rc)!.v;
      if (a === NULL_OPERAND || c === null) return { k: "const", v: neg };
      let y: number;
      if (typeof c === "string") {
        // A class name compares as its index; other strings (and ordering against names) raise in the evaluator.
        if (!a.cls || (op !== "==" && op !== "!=")) return undefined;
        y = a.cls.indexOf(c);
      } else y = Number(c);
      return leafRange(a, lc ? mirror(op) : op, y, neg);
    }
    const a = await this.#operand(l);
    const b = await this.#operand(r);
    if (!a || !b) return undefined;
    if (a === NULL_OPERAND || b === NULL_OPERAND) return { k: "const", v: neg };
    if (!a.int || !b.int) return undefined;
    const [lo, hi] = bounds(op, 0);
    const flip = (op === "!=" ? 1 : 0) ^ (neg ? 1 : 0);
    return { k: "diff", a, b, lo, hi, flip };
  }

  async #membership(e: Expr, list: readonly Expr[], not: boolean, neg: boolean): Promise<Node | undefined> {
    const items: Const[] = [];
    for (const x of list) {
      if (x.k === "array") items.push(...x.items.map(constOf));
      else items.push(constOf(x));
    }
    if (items.some((c) => c === undefined)) return undefined;
    const a = await this.#operand(e);
    if (!a) return undefined;
    // A NULL left side makes IN and NOT IN false alike; only an outer NOT turns that into true.
    if (a === NULL_OPERAND) return { k: "const", v: neg };
    const values: number[] = [];
    for (const c of items) {
      const v = c!.v;
      if (v === null) continue;
      if (typeof v === "string") {
        if (!a.cls) return undefined;
        values.push(a.cls.indexOf(v));
      } else if (!Number.isNaN(Number(v))) values.push(Number(v));
    }
    const sorted = Float64Array.from(new Set(values)).sort();
    const flip = not !== neg ? 1 : 0;
    if (sorted.length === 0) return { k: "const", v: flip === 1 };
    if (sorted.length === 1) return { k: "range", a, lo: sorted[0]!, hi: sorted[0]!, flip };
    const min = sorted[0]!;
    const span = sorted[sorted.length - 1]! - min + 1;
    let table: Uint8Array | undefined;
    if (a.int && span <= TABLE_SPAN && sorted.every(Number.isInteger)) {
      table = new Uint8Array(2 ** Math.ceil(Math.log2(span)));
      for (const v of sorted) table[v - min] = 1;
    }
    return { k: "set", a, sorted, table, min, span, flip };
  }

  #operand(e: Expr): Promise<Resolved> {
    let key: string | undefined;
    let tensor: string | undefined;
    let axis = 0;
    if (e.k === "ident") {
      key = `c\u0000${e.name}`;
      tensor = e.name;
    } else if (e.k === "sub" && e.e.k === "call" && e.e.name === "shape" && e.e.args.length === 1 && e.e.args[0]!.k === "ident" && e.items.length === 1 && e.items[0]!.k === "idx") {
      const k = constOf(e.items[0]!.e);
      if (!k || typeof k.v !== "number" || !Number.isInteger(k.v)) return Promise.resolve(undefined);
      tensor = e.e.args[0]!.name;
      axis = k.v;
      key = `s\u0000${tensor}\u0000${axis}`;
    }
    if (key === undefined || tensor === undefined) return Promise.resolve(undefined);
    let p = this.#cache.get(key);
    if (!p) {
      p = e.k === "ident" ? this.#column(tensor) : this.#shapeDim(tensor, axis);
      this.#cache.set(key, p);
    }
    return p;
  }

  async #column(name: string): Promise<Resolved> {
    const col = this.#table.tensor(name);
    const c = col.column ? await col.column(this.#opts) : undefined;
    if (!c || c.data.length !== this.#table.length) return undefined;
    const d = numericData(c);
    return { d, stride: 1, offset: 0, int: isIntegerArray(d), cls: col.meta.classNames };
  }

  async #shapeDim(name: string, axis: number): Promise<Resolved> {
    const col = this.#table.tensor(name);
    const s = col.shapes ? await col.shapes(this.#opts) : undefined;
    if (!s || s.data.length !== this.#table.length * s.ndim) return undefined;
    const ax = axis < 0 ? axis + s.ndim : axis;
    if (ax < 0 || ax >= s.ndim) return NULL_OPERAND;
    return { d: s.data, stride: s.ndim, offset: ax, int: true };
  }
}

/** A literal constant (numbers, strings, booleans, NULL); anything computed is left to the evaluator. */
function constOf(e: Expr): Const {
  if (e.k === "num" || e.k === "str" || e.k === "bool") return { v: e.v };
  if (e.k === "null") return { v: null };
  return undefined;
}

/** `c op x` as `x op' c`. */
function mirror(op: string): string {
  return op === "<" ? ">" : op === ">" ? "<" : op === "<=" ? ">=" : op === ">=" ? "<=" : op;
}

/** `x op y` as the inclusive range `lo <= x <= hi` (`!=` is `==` flipped). */
function bounds(op: string, y: number): [number, number] {
  switch (op) {
    case "<":
      return [-Infinity, nextDown(y)];
    case "<=":
      return [-Infinity, y];
    case ">":
      return [nextUp(y), Infinity];
    case ">=":
      return [y, Infinity];
    default:
      return [y, y];
  }
}

function leafRange(a: Operand, op: string, y: number, neg: boolean): Node {
  const [lo, hi] = bounds(op, y);
  return { k: "range", a, lo, hi, flip: (op === "!=" ? 1 : 0) ^ (neg ? 1 : 0) };
}

function negate(n: Node): Node {
  switch (n.k) {
    case "const":
      return { k: "const", v: !n.v };
    case "and":
    case "or":
      return { k: n.k === "and" ? "or" : "and", items: n.items.map(negate) };
    default:
      return { ...n, flip: n.flip ^ 1 };
  }
}

function sameOperand(a: Operand, b: Operand): boolean {
  return a.d === b.d && a.stride === b.stride && a.offset === b.offset;
}

/** AND/OR with constant folding, flattening, and `x >= a AND x <= b` merged into one range (BETWEEN: one loop). */
function combine(kind: "and" | "or", l: Node, r: Node): Node {
  for (const [c, other] of [[l, r], [r, l]] as const) {
    if (c.k !== "const") continue;
    if (kind === "and") return c.v ? other : c;
    return c.v ? c : other;
  }
  const items = [...(l.k === kind ? l.items : [l]), ...(r.k === kind ? r.items : [r])];
  if (kind === "and") {
    let merged = true;
    while (merged) {
      merged = false;
      for (let i = 0; i < items.length && !merged; i++) {
        const x = items[i]!;
        if (x.k !== "range" || x.flip) continue;
        for (let j = i + 1; j < items.length; j++) {
          const y = items[j]!;
          if (y.k !== "range" || y.flip || !sameOperand(x.a, y.a)) continue;
          items[i] = { k: "range", a: x.a, lo: Math.max(x.lo, y.lo), hi: Math.min(x.hi, y.hi), flip: 0 };
          items.splice(j, 1);
          merged = true;
          break;
        }
      }
    }
  }
  return items.length === 1 ? items[0]! : { k: kind, items };
}

function scanInto(n: Node, start: number, end: number, out: Uint32Array, at: number): number {
  switch (n.k) {
    case "const":
      if (!n.v) return 0;
      for (let i = start; i < end; i++) out[at + i - start] = i;
      return end - start;
    case "range":
      return n.a.stride === 1
        ? scanRange(n.a.d, n.lo, n.hi, n.flip, out, at, start, end)
        : scanRangeStrided(n.a.d as Uint32Array, n.a.stride, n.a.offset, n.lo, n.hi, n.flip, out, at, start, end);
    case "set":
      return n.table
        ? scanTable(n.a.d, n.a.stride, n.a.offset, n.table, n.min, n.span, n.flip, out, at, start, end)
        : scanSorted(n.a.d, n.a.stride, n.a.offset, n.sorted, n.flip, out, at, start, end);
    case "diff":
      return scanDiff(n.a.d, n.a.stride, n.a.offset, n.b.d, n.b.stride, n.b.offset, n.lo, n.hi, n.flip, out, at, start, end);
    case "and": {
      let c = scanInto(n.items[0]!, start, end, out, at);
      for (let k = 1; k < n.items.length && c > 0; k++) c = filterInPlace(n.items[k]!, out, at, c);
      return c;
    }
    case "or": {
      const parts = n.items.map((item) => {
        const buf = new Uint32Array(end - start);
        return { buf, count: scanInto(item, start, end, buf, 0) };
      });
      return mergeInto(parts, out, at);
    }
  }
}

function filterInPlace(n: Node, buf: Uint32Array, at: number, count: number): number {
  switch (n.k) {
    case "const":
      return n.v ? count : 0;
    case "range":
      return filterRange(n.a.d, n.a.stride, n.a.offset, n.lo, n.hi, n.flip, buf, at, count);
    case "set":
      return filterSet(n.a.d, n.a.stride, n.a.offset, n.sorted, n.flip, buf, at, count);
    case "diff":
      return filterDiff(n.a.d, n.a.stride, n.a.offset, n.b.d, n.b.stride, n.b.offset, n.lo, n.hi, n.flip, buf, at, count);
    case "and": {
      let c = count;
      for (const item of n.items) c = filterInPlace(item, buf, at, c);
      return c;
    }
    case "or": {
      const parts = n.items.map((item) => {
        const copy = buf.slice(at, at + count);
        return { buf: copy, count: filterInPlace(item, copy, 0, count) };
      });
      return mergeInto(parts, buf, at);
    }
  }
}

function mergeInto(parts: { buf: Uint32Array; count: number }[], out: Uint32Array, at: number): number {
  let acc = parts[0]!;
  for (let k = 1; k < parts.length; k++) {
    const next = parts[k]!;
    const merged = new Uint32Array(acc.count + next.count);
    acc = { buf: merged, count: unionInto(acc.buf, acc.count, next.buf, next.count, merged, 0) };
  }
  out.set(acc.buf.subarray(0, acc.count), at);
  return acc.count;
}

/**
 * Matching row positions (ascending) of a fusable WHERE over every row of `table`, or undefined when the predicate
 * needs the general evaluator. The result is the scan buffer itself when at least half of it is used, else a tight
 * copy (a long-lived view should not pin 4 bytes per source row for a sparse match).
 */
export async function fusedWhere(table: TensorSource, where: Expr, opts: ReadOptions & { onProgress?: (done: number, total: number) => void } = {}): Promise<Uint32Array | undefined> {
  const plan = await new Compiler(table, opts).compile(where, false);
  if (!plan) return undefined;
  const n = table.length;
  const out = new Uint32Array(n);
  let count = 0;
  let start = 0;
  do {
    opts.signal?.throwIfAborted();
    const end = Math.min(n, start + BLOCK);
    count += scanInto(plan, start, end, out, count);
    opts.onProgress?.(end, n);
    start = end;
  } while (start < n);
  return count * 2 >= n ? out.subarray(0, count) : out.slice(0, count);
}
