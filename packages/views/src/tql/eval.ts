/**
 * Batch evaluator: an expression is evaluated over a batch of rows at once. Scalar tensors with a dense `column()`,
 * fixed-shape tensors with `columnMatrix()` and shape predicates over `shapes()` run as typed-array loops; anything
 * else falls back to per-row values read with `readMany`. Never compiles to JS.
 * @module
 */
import type { NDArray } from "@shoal/core";
import { TQLFunctionError, TQLTypeError, TensorDoesNotExistError } from "../errors.ts";
import type { Rng } from "../prng.ts";
import type { Slice } from "../row-index.ts";
import type { ColumnMeta, ReadOptions, TensorColumn, TensorSource } from "../source.ts";
import type { Expr } from "./ast.ts";
import { checkCalls } from "./functions.ts";
import { numericData } from "./kernels.ts";
import { type Arr, type Value, arith, arr, classIndex, compare, describe, fromSample, isArr, negate, scalarOf, subscript, truthy, zip } from "./values.ts";

export type Vec =
  | { k: "num"; d: ArrayLike<number>; bool: boolean; cls?: readonly string[] }
  | { k: "mat"; d: ArrayLike<number>; dim: number; shape: readonly number[]; cls?: readonly string[] }
  | { k: "vals"; v: Value[] }
  | { k: "const"; v: Value };

export interface Batch {
  /** Row positions in the queried table (view-relative). */
  readonly positions: Uint32Array;
  /** True when positions are `positions[0], positions[0]+1, ...` (columns can then be subarrays). */
  readonly contiguous: boolean;
  readonly samples: Map<string, Value[]>;
  readonly shapes: Map<string, (readonly number[])[]>;
  /** Values of `data(t, i)` calls whose row `i` varies per row, keyed by the call. */
  readonly data?: Map<Expr, Value[]>;
}

interface Needs {
  samples: Set<string>;
  shapes: Set<string>;
  matrix: Set<string>;
  data: { tensor: string; index: Expr; call: Expr }[];
}

const NORMS = new Set(["l1_norm", "l2_norm", "linf_norm", "cosine_similarity"]);

function collect(e: Expr, needs: Needs, matrixOk: boolean): void {
  switch (e.k) {
    case "ident":
      needs.samples.add(e.name);
      if (matrixOk) needs.matrix.add(e.name);
      return;
    case "call":
      if (e.name === "shape" && e.args[0]?.k === "ident") {
        needs.shapes.add(e.args[0].name);
        return;
      }
      if (e.name === "data" && e.args[0]?.k === "ident") {
        needs.data.push({ tensor: e.args[0].name, index: e.args[1]!, call: e });
        collect(e.args[1]!, needs, false);
        return;
      }
      for (const a of e.args) collect(a, needs, NORMS.has(e.name) && (a.k === "ident" || (a.k === "bin" && (a.op === "-" || a.op === "+"))));
      for (const w of e.weighted ?? []) collect(w.cond, needs, false);
      return;
    case "bin":
      collect(e.l, needs, matrixOk);
      collect(e.r, needs, matrixOk);
      return;
    case "neg":
    case "not":
      return collect(e.e, needs, false);
    case "in":
      collect(e.e, needs, false);
      for (const x of e.list) collect(x, needs, false);
      return;
    case "array":
      for (const x of e.items) collect(x, needs, false);
      return;
    case "sub":
      collect(e.e, needs, false);
      for (const it of e.items) {
        if (it.k === "idx") collect(it.e, needs, false);
        else for (const b of [it.start, it.stop, it.step]) if (b) collect(b, needs, false);
      }
      return;
    default:
      return;
  }
}

function usesRowData(e: Expr): boolean {
  switch (e.k) {
    case "ident":
      return true;
    case "call":
      return e.name === "row_number" || e.name === "random" || e.args.some(usesRowData);
    case "bin":
      return usesRowData(e.l) || usesRowData(e.r);
    case "neg":
    case "not":
      return usesRowData(e.e);
    case "in":
      return usesRowData(e.e) || e.list.some(usesRowData);
    case "array":
      return e.items.some(usesRowData);
    case "sub":
      return usesRowData(e.e) || e.items.some((it) => (it.k === "idx" ? usesRowData(it.e) : [it.start, it.stop, it.step].some((b) => b !== undefined && usesRowData(b))));
    default:
      return false;
  }
}

function asNumbers(a: NDArray): ArrayLike<number> {
  return numericData(a);
}

const EMPTY_BATCH: Batch = { positions: new Uint32Array(0), contiguous: true, samples: new Map(), shapes: new Map() };

export class Evaluator {
  readonly #table: TensorSource;
  readonly #needs: Needs = { samples: new Set(), shapes: new Set(), matrix: new Set(), data: [] };
  readonly #rng: Rng;
  readonly #opts: ReadOptions;
  readonly #metas = new Map<string, ColumnMeta>();
  readonly #scalar = new Map<string, { d: ArrayLike<number>; cls?: readonly string[]; bool: boolean }>();
  readonly #matrix = new Map<string, { d: ArrayLike<number>; dim: number; shape: readonly number[]; cls?: readonly string[] }>();
  readonly #bulkShapes = new Map<string, { ndim: number; data: Uint32Array }>();
  readonly #data = new Map<string, Value>();
  /** Tensors that must be read sample by sample (no dense column). */
  readonly #rowTensors: string[] = [];
  readonly #shapeTensors: string[] = [];
  /** `data(t, i)` calls with a per-row `i`, innermost first (an index may itself use `data()`). */
  readonly #dynamicData: { tensor: string; index: Expr; call: Expr }[] = [];

  constructor(table: TensorSource, exprs: readonly Expr[], rng: Rng, opts: ReadOptions = {}, allowWeights = false) {
    this.#table = table;
    this.#rng = rng;
    this.#opts = opts;
    for (const e of exprs) {
      checkCalls(e, allowWeights);
      collect(e, this.#needs, false);
    }
    const known = table.tensorNames();
    for (const name of [...this.#needs.samples, ...this.#needs.shapes, ...this.#needs.data.map((d) => d.tensor)]) {
      if (!known.includes(name)) throw new TensorDoesNotExistError(name, known);
    }
  }

  #col(name: string): TensorColumn {
    return this.#table.tensor(name);
  }

  /** Loads dense columns, shape indexes and `data()` references once, before any batch. */
  async prepare(): Promise<void> {
    for (const name of this.#needs.samples) {
      const col = this.#col(name);
      this.#metas.set(name, col.meta);
      const c = col.column ? await col.column(this.#opts) : undefined;
      if (c && c.data.length === this.#table.length) {
        this.#scalar.set(name, { d: asNumbers(c), cls: col.meta.classNames, bool: c.dtype === "bool" });
        continue;
      }
      if (this.#needs.matrix.has(name) && col.columnMatrix) {
        const m = await col.columnMatrix(this.#opts);
        if (m && m.shape[0] === this.#table.length) {
          const shape = m.shape.slice(1);
          this.#matrix.set(name, { d: asNumbers(m), dim: shape.reduce((a, b) => a * b, 1), shape, cls: col.meta.classNames });
          continue;
        }
      }
      this.#rowTensors.push(name);
    }
    for (const name of this.#needs.shapes) {
      const col = this.#col(name);
      const s = col.shapes ? await col.shapes(this.#opts) : undefined;
      if (s) this.#bulkShapes.set(name, s);
      else this.#shapeTensors.push(name);
    }
    for (const ref of this.#needs.data) {
      if (usesRowData(ref.index)) {
        this.#dynamicData.unshift(ref);
        continue;
      }
      const i = scalarOf(this.#constValue(ref.index));
      if (typeof i !== "number" || !Number.isInteger(i)) throw new TQLFunctionError("data", `row must be an integer, got ${describe(i)}`);
      const n = this.#table.length;
      const p = i < 0 ? i + n : i;
      const key = `${ref.tensor}\u0000${i}`;
      if (p < 0 || p >= n) this.#data.set(key, null);
      else {
        const col = this.#col(ref.tensor);
        this.#data.set(key, fromSample(await col.read(p, this.#opts), col.meta));
      }
    }
  }

  /** Rows per batch: large for pure column work, small when samples must be read. */
  get batchSize(): number {
    return this.#rowTensors.length || this.#dynamicData.length ? 256 : 65536;
  }

  /** Reads what the batch needs beyond dense columns. */
  async load(positions: Uint32Array, ascending = false): Promise<Batch> {
    // Strictly ascending positions are contiguous exactly when the span matches the count: no scan needed.
    let contiguous = positions.length === 0 || positions[positions.length - 1]! - positions[0]! === positions.length - 1;
    if (contiguous && !ascending) for (let i = 1; i < positions.length && contiguous; i++) contiguous = positions[i] === positions[i - 1]! + 1;
    const samples = new Map<string, Value[]>();
    const shapes = new Map<string, (readonly number[])[]>();
    for (const name of this.#rowTensors) {
      const col = this.#col(name);
      const raw = await col.readMany(positions, this.#opts);
      samples.set(name, raw.map((s) => fromSample(s, col.meta)));
    }
    for (const name of this.#shapeTensors) {
      const col = this.#col(name);
      shapes.set(name, await Promise.all(Array.from(positions, (p) => col.shape(p, this.#opts))));
    }
    const batch: Batch = { positions, contiguous, samples, shapes, data: new Map() };
    for (const ref of this.#dynamicData) batch.data!.set(ref.call, await this.#dataAt(ref, batch));
    return batch;
  }

  /** `data(t, i)` for a per-row `i`: view-relative row, negative from the end, out of range → NULL. */
  async #dataAt(ref: { tensor: string; index: Expr }, b: Batch): Promise<Value[]> {
    const idx = this.ev(ref.index, b);
    const n = this.#table.length;
    const rows = new Float64Array(b.positions.length);
    for (let i = 0; i < rows.length; i++) {
      const v = scalarOf(Evaluator.at(idx, i));
      if (v === null) {
        rows[i] = -1;
        continue;
      }
      if (typeof v !== "number" || !Number.isInteger(v)) throw new TQLFunctionError("data", `row must be an integer, got ${describe(v)} at row ${b.positions[i]}`);
      const p = v < 0 ? v + n : v;
      rows[i] = p >= 0 && p < n ? p : -1;
    }
    const col = this.#col(ref.tensor);
    const wanted = [...new Set(Array.from(rows).filter((p) => p >= 0))];
    const read = await col.readMany(wanted, this.#opts);
    const byRow = new Map<number, Value>();
    wanted.forEach((p, k) => byRow.set(p, fromSample(read[k], col.meta)));
    return Array.from(rows, (p) => (p < 0 ? null : byRow.get(p) ?? null));
  }

  #constValue(e: Expr): Value {
    const v = this.ev(e, EMPTY_BATCH);
    if (v.k !== "const") throw new TQLTypeError("expected a constant expression");
    return v.v;
  }

  // ---- helpers --------------------------------------------------------------------------------------------------

  #gather(d: ArrayLike<number>, b: Batch, each = 1): ArrayLike<number> {
    const p = b.positions;
    if (p.length === 0) return new Float64Array(0);
    if (b.contiguous && ArrayBuffer.isView(d)) {
      return (d as unknown as Float64Array).subarray(p[0]! * each, (p[0]! + p.length) * each);
    }
    const out = new Float64Array(p.length * each);
    for (let i = 0; i < p.length; i++) {
      const r = p[i]! * each;
      for (let k = 0; k < each; k++) out[i * each + k] = d[r + k]!;
    }
    return out;
  }

  static at(v: Vec, i: number): Value {
    switch (v.k) {
      case "const":
        return v.v;
      case "vals":
        return v.v[i]!;
      case "num": {
        const x = v.d[i]!;
        return v.bool ? x !== 0 : x;
      }
      case "mat":
        return arr(v.shape, (v.d as Float64Array).subarray(i * v.dim, (i + 1) * v.dim), false, v.cls);
    }
  }

  #map(n: number, f: (i: number) => Value): Vec {
    const out = new Array<Value>(n);
    for (let i = 0; i < n; i++) out[i] = f(i);
    return { k: "vals", v: out };
  }

  #rows(b: Batch, vecs: readonly Vec[], f: (vals: Value[], i: number) => Value): Vec {
    if (vecs.every((v) => v.k === "const")) return { k: "const", v: f(vecs.map((v) => (v as { v: Value }).v), -1) };
    return this.#map(b.positions.length, (i) => f(vecs.map((v) => Evaluator.at(v, i)), b.positions[i]!));
  }

  // ---- evaluation -----------------------------------------------------------------------------------------------

  ev(e: Expr, b: Batch): Vec {
    switch (e.k) {
      case "num":
        return { k: "const", v: e.v };
      case "str":
        return { k: "const", v: e.v };
      case "bool":
        return { k: "const", v: e.v };
      case "null":
        return { k: "const", v: null };
      case "ident":
        return this.#ident(e.name, b);
      case "array": {
        const items = e.items.map((x) => this.ev(x, b));
        return this.#rows(b, items, (vals, row) => arrayLiteral(vals, row));
      }
      case "neg": {
        const v = this.ev(e.e, b);
        if (v.k === "num") return { k: "num", d: Float64Array.from(v.d, (x) => -x), bool: false };
        return this.#rows(b, [v], ([x], row) => negate(x!, row));
      }
      case "not": {
        const v = this.ev(e.e, b);
        if (v.k === "num") return { k: "num", d: Uint8Array.from(v.d, (x) => (x === 0 || Number.isNaN(x) ? 1 : 0)), bool: true };
        return this.#rows(b, [v], ([x], row) => !truthy(x!, row));
      }
      case "bin":
        return this.#binary(e.op, this.ev(e.l, b), this.ev(e.r, b), b);
      case "in":
        return this.#in(e, b);
      case "sub":
        return this.#sub(e, b);
      case "call":
        return this.#call(e, b);
    }
  }

  #ident(name: string, b: Batch): Vec {
    const s = this.#scalar.get(name);
    if (s) return { k: "num", d: this.#gather(s.d, b), bool: s.bool, cls: s.cls };
    const m = this.#matrix.get(name);
    if (m) return { k: "mat", d: this.#gather(m.d, b, m.dim), dim: m.dim, shape: m.shape, cls: m.cls };
    const vals = b.samples.get(name);
    if (!vals) throw new TQLTypeError(`tensor ${name} is not available in a constant expression`);
    return { k: "vals", v: vals };
  }

  #binary(op: string, l: Vec, r: Vec, b: Batch): Vec {
    if (op === "and" || op === "or") {
      if ((l.k === "num" || l.k === "const") && (r.k === "num" || r.k === "const") && (l.k === "num" || r.k === "num")) {
        const n = b.positions.length;
        const out = new Uint8Array(n);
        const lt = l.k === "const" ? truthy(l.v) : undefined;
        const rt = r.k === "const" ? truthy(r.v) : undefined;
        const ld = l.k === "num" ? l.d : undefined;
        const rd = r.k === "num" ? r.d : undefined;
        for (let i = 0; i < n; i++) {
          const x = lt ?? (ld![i] !== 0 && !Number.isNaN(ld![i]));
          const y = rt ?? (rd![i] !== 0 && !Number.isNaN(rd![i]));
          out[i] = (op === "and" ? x && y : x || y) ? 1 : 0;
        }
        return { k: "num", d: out, bool: true };
      }
      return this.#rows(b, [l, r], ([x, y], row) => (op === "and" ? truthy(x!, row) && truthy(y!, row) : truthy(x!, row) || truthy(y!, row)));
    }
    const cmp = op === "==" || op === "!=" || op === "<" || op === "<=" || op === ">" || op === ">=";
    if (l.k === "num" || r.k === "num") {
      const fast = this.#numBinary(op, cmp, l, r, b);
      if (fast) return fast;
    }
    const lc = l.k === "num" || l.k === "mat" ? l.cls : undefined;
    const rc = r.k === "num" || r.k === "mat" ? r.cls : undefined;
    if (cmp) return this.#rows(b, [l, r], ([x, y], row) => compare(op, x!, y!, row, lc, rc));
    return this.#rows(b, [l, r], ([x, y], row) => arith(op, x!, y!, row));
  }

  /** Typed-array loops for number columns against number columns or constants. */
  #numBinary(op: string, cmp: boolean, l: Vec, r: Vec, b: Batch): Vec | undefined {
    const n = b.positions.length;
    const side = (v: Vec, other: Vec): ArrayLike<number> | number | undefined => {
      if (v.k === "num") return v.d;
      if (v.k !== "const") return undefined;
      const s = scalarOf(v.v);
      if (typeof s === "number") return s;
      if (typeof s === "boolean") return s ? 1 : 0;
      if (typeof s === "string" && cmp && other.k === "num" && other.cls) {
        if (op !== "==" && op !== "!=") throw new TQLTypeError(`class_label values are not ordered against string '${s}'`);
        return classIndex(other.cls, s);
      }
      if (typeof s === "string" || s === null) {
        if (s === null) return undefined;
        throw new TQLTypeError(`cannot ${cmp ? "compare" : "combine"} a number with string '${s}'`);
      }
      return undefined;
    };
    const x = side(l, r);
    const y = side(r, l);
    if (x === undefined || y === undefined) return undefined;
    if (cmp) {
      const out = new Uint8Array(n);
      if (typeof y === "number" && typeof x !== "number") cmpColConst(op, x, y, out);
      else if (typeof x === "number" && typeof y !== "number") cmpColConst(flip(op), y, x, out);
      else if (typeof x !== "number" && typeof y !== "number") cmpColCol(op, x, y, out);
      return { k: "num", d: out, bool: true };
    }
    const out = new Float64Array(n);
    const f = (p: number, q: number): number => (op === "+" ? p + q : op === "-" ? p - q : op === "*" ? p * q : op === "/" ? p / q : p % q);
    for (let i = 0; i < n; i++) out[i] = f(typeof x === "number" ? x : x[i]!, typeof y === "number" ? y : y[i]!);
    return { k: "num", d: out, bool: false };
  }

  #in(e: Extract<Expr, { k: "in" }>, b: Batch): Vec {
    const lhs = this.ev(e.e, b);
    const items = e.list.map((x) => this.ev(x, b));
    // `x IN ARRAY[...]` lists the array's elements.
    const constItems = items.every((v) => v.k === "const") ? items.flatMap((v) => expandList((v as { v: Value }).v)) : undefined;
    if (lhs.k === "num" && constItems) {
      const set = new Set<number>();
      for (const it of constItems) {
        if (typeof it === "number") set.add(it);
        else if (typeof it === "boolean") set.add(it ? 1 : 0);
        else if (typeof it === "string") set.add(classIndex(lhs.cls, it));
        else if (it !== null) throw new TQLTypeError(`IN list holds ${describe(it)}`);
      }
      const out = new Uint8Array(b.positions.length);
      for (let i = 0; i < out.length; i++) out[i] = set.has(lhs.d[i]!) !== e.not ? 1 : 0;
      return { k: "num", d: out, bool: true };
    }
    const cls = lhs.k === "num" || lhs.k === "mat" ? lhs.cls : undefined;
    return this.#rows(b, [lhs, ...items], ([x, ...list], row) => {
      const candidates = list.flatMap(expandList);
      // Elements of a class_label sample are plain numbers: the sample's class names map string candidates.
      const names = isArr(x!) ? x.classNames ?? cls : cls;
      const hit = (v: Value): boolean => candidates.some((c) => compare("==", v, c, row, names) === true);
      const v = scalarOf(x!);
      if (isArr(v)) {
        const out = new Uint8Array(v.data.length);
        for (let k = 0; k < out.length; k++) out[k] = hit(v.data[k]!) !== e.not ? 1 : 0;
        return arr(v.shape, out, true);
      }
      if (v === null) return false;
      return hit(v) !== e.not;
    });
  }

  #sub(e: Extract<Expr, { k: "sub" }>, b: Batch): Vec {
    const base = e.e;
    const only = e.items.length === 1 ? e.items[0]! : undefined;
    // shape(t)[k] straight from the shape index.
    if (base.k === "call" && base.name === "shape" && base.args[0]?.k === "ident" && only?.k === "idx" && !usesRowData(only.e)) {
      const k = scalarOf(this.#constValue(only.e));
      const bulk = this.#bulkShapes.get(base.args[0].name);
      if (typeof k === "number" && Number.isInteger(k) && bulk) {
        const n = b.positions.length;
        const ax = k < 0 ? k + bulk.ndim : k;
        if (ax < 0 || ax >= bulk.ndim) return { k: "const", v: null };
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = bulk.data[b.positions[i]! * bulk.ndim + ax]!;
        return { k: "num", d: out, bool: false };
      }
    }
    const v = this.ev(base, b);
    const parts: Vec[] = [];
    const layout: ("idx" | "slice")[] = [];
    for (const it of e.items) {
      if (it.k === "idx") {
        parts.push(this.ev(it.e, b));
        layout.push("idx");
      } else {
        for (const bound of [it.start, it.stop, it.step]) parts.push(bound ? this.ev(bound, b) : { k: "const", v: null });
        layout.push("slice");
      }
    }
    if (v.k === "num" && parts.every((p) => p.k === "const")) {
      // A scalar column: [0] / [-1] give the value back, other ints are out of range.
      const idx = parts.map((p) => scalarOf((p as { v: Value }).v));
      if (layout.length === 1 && layout[0] === "idx" && (idx[0] === 0 || idx[0] === -1)) return v;
    }
    return this.#rows(b, [v, ...parts], ([x, ...ps], row) => {
      const items: (number | string | Slice)[] = [];
      let j = 0;
      for (const kind of layout) {
        if (kind === "idx") {
          const key = scalarOf(ps[j++]!);
          if (typeof key !== "number" && typeof key !== "string") throw new TQLTypeError(`index must be an integer or a string key, got ${describe(key)}`, row);
          if (typeof key === "number" && !Number.isInteger(key)) throw new TQLTypeError(`index ${key} is not an integer`, row);
          items.push(key);
        } else {
          const bound = (): number | null => {
            const s = scalarOf(ps[j++]!);
            if (s === null) return null;
            if (typeof s !== "number" || !Number.isInteger(s)) throw new TQLTypeError(`slice bounds must be integers, got ${describe(s)}`, row);
            return s;
          };
          items.push({ start: bound(), stop: bound(), step: bound() });
        }
      }
      return subscript(x!, items, row);
    });
  }

  #shapeOf(arg: Expr, b: Batch): Vec {
    if (arg.k === "ident") {
      const name = arg.name;
      const bulk = this.#bulkShapes.get(name);
      if (bulk) {
        return this.#map(b.positions.length, (i) => {
          const o = b.positions[i]! * bulk.ndim;
          return arr([bulk.ndim], bulk.data.subarray(o, o + bulk.ndim));
        });
      }
      const per = b.shapes.get(name);
      if (!per) throw new TQLTypeError(`shape(${name}) is not available in a constant expression`);
      return this.#map(per.length, (i) => arr([per[i]!.length], Float64Array.from(per[i]!)));
    }
    return this.#rows(b, [this.ev(arg, b)], ([x]) => (x === null || x === undefined ? null : isArr(x) ? arr([x.shape.length], Float64Array.from(x.shape)) : arr([1], [1])));
  }

  #call(e: Extract<Expr, { k: "call" }>, b: Batch): Vec {
    const n = b.positions.length;
    switch (e.name) {
      case "shape":
        return this.#shapeOf(e.args[0]!, b);
      case "row_number":
        return { k: "num", d: b.positions, bool: false };
      case "random": {
        const out = new Float64Array(n);
        for (let i = 0; i < n; i++) out[i] = this.#rng.random();
        return { k: "num", d: out, bool: false };
      }
      case "data": {
        const dynamic = b.data?.get(e);
        if (dynamic) return { k: "vals", v: dynamic };
        const idx = scalarOf(this.#constValue(e.args[1]!));
        const name = (e.args[0] as { name: string }).name;
        return { k: "const", v: this.#data.get(`${name}\u0000${idx}`) ?? null };
      }
      case "l1_norm":
      case "l2_norm":
      case "linf_norm":
        return this.#norm(e.name, e.args[0]!, b);
      case "cosine_similarity":
        return this.#cosine(this.ev(e.args[0]!, b), this.ev(e.args[1]!, b), b);
      case "max_weight":
      case "sum_weight":
        return this.weights(e.name, e.weighted ?? [], b);
    }
    const args = e.args.map((a) => this.ev(a, b));
    const name = e.name;
    if (name === "contains") {
      const [a, v] = args as [Vec, Vec];
      if (a.k === "num" && v.k === "const") return this.#binary("==", a, v, b);
      const cls = a.k === "num" || a.k === "mat" ? a.cls : undefined;
      return this.#rows(b, args, (vals, row) => contains(vals[0] ?? null, vals[1] ?? null, row, cls));
    }
    if ((name === "all" || name === "any" || name === "all_strict") && args[0]!.k === "num") {
      const a = args[0] as Extract<Vec, { k: "num" }>;
      return { k: "num", d: Uint8Array.from(a.d, (x) => (x !== 0 && !Number.isNaN(x) ? 1 : 0)), bool: true };
    }
    return this.#rows(b, args, (vals, row) => scalarFunction(name, vals, row));
  }

  #norm(name: string, arg: Expr, b: Batch): Vec {
    const n = b.positions.length;
    let mat: Extract<Vec, { k: "mat" }> | undefined;
    let q: ArrayLike<number> | undefined;
    let sign = 1;
    if (arg.k === "bin" && (arg.op === "-" || arg.op === "+")) {
      const l = this.ev(arg.l, b);
      const r = this.ev(arg.r, b);
      const constArr = (v: Vec): ArrayLike<number> | undefined => (v.k === "const" && isArr(v.v) ? v.v.data : undefined);
      if (l.k === "mat" && constArr(r)?.length === l.dim) {
        mat = l;
        q = constArr(r);
        sign = arg.op === "-" ? -1 : 1;
      } else if (r.k === "mat" && constArr(l)?.length === r.dim) {
        mat = r;
        q = constArr(l);
        sign = arg.op === "-" ? -1 : 1;
      } else {
        return this.#rows(b, [this.#binary(arg.op, l, r, b)], ([x], row) => scalarFunction(name, [x!], row));
      }
    } else {
      const v = this.ev(arg, b);
      if (v.k !== "mat") return this.#rows(b, [v], ([x], row) => scalarFunction(name, [x!], row));
      mat = v;
    }
    const out = new Float64Array(n);
    const d = mat.d;
    const dim = mat.dim;
    const qq = q ?? new Float64Array(dim);
    const sg = q ? sign : 0;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      const o = i * dim;
      if (name === "l2_norm") {
        for (let j = 0; j < dim; j++) {
          const t = d[o + j]! + sg * qq[j]!;
          acc += t * t;
        }
        out[i] = Math.sqrt(acc);
      } else if (name === "l1_norm") {
        for (let j = 0; j < dim; j++) acc += Math.abs(d[o + j]! + sg * qq[j]!);
        out[i] = acc;
      } else {
        for (let j = 0; j < dim; j++) acc = Math.max(acc, Math.abs(d[o + j]! + sg * qq[j]!));
        out[i] = acc;
      }
    }
    return { k: "num", d: out, bool: false };
  }

  #cosine(a: Vec, c: Vec, b: Batch): Vec {
    const mat = a.k === "mat" ? a : c.k === "mat" ? c : undefined;
    const other = mat === a ? c : a;
    if (mat && other.k === "const" && isArr(other.v) && other.v.data.length === mat.dim) {
      const q = other.v.data;
      let qn = 0;
      for (let j = 0; j < mat.dim; j++) qn += q[j]! * q[j]!;
      qn = Math.sqrt(qn);
      const n = b.positions.length;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let dot = 0;
        let nn = 0;
        const o = i * mat.dim;
        for (let j = 0; j < mat.dim; j++) {
          const x = mat.d[o + j]!;
          dot += x * q[j]!;
          nn += x * x;
        }
        out[i] = dot / (Math.sqrt(nn) * qn);
      }
      return { k: "num", d: out, bool: false };
    }
    return this.#rows(b, [a, c], ([x, y], row) => scalarFunction("cosine_similarity", [x!, y!], row));
  }

  /** Row weights of `max_weight(cond: w, ...)` / `sum_weight(...)`: max (or sum) of the weights whose condition holds. */
  weights(mode: string, weighted: readonly { cond: Expr; weight: number }[], b: Batch): Vec {
    const n = b.positions.length;
    const out = new Float64Array(n);
    for (const w of weighted) {
      const c = this.ev(w.cond, b);
      for (let i = 0; i < n; i++) {
        const hit = c.k === "num" ? c.d[i] !== 0 && !Number.isNaN(c.d[i]) : truthy(Evaluator.at(c, i), b.positions[i]);
        if (!hit) continue;
        out[i] = mode === "sum_weight" ? out[i]! + w.weight : Math.max(out[i]!, w.weight);
      }
    }
    return { k: "num", d: out, bool: false };
  }
}

function flip(op: string): string {
  return op === "<" ? ">" : op === ">" ? "<" : op === "<=" ? ">=" : op === ">=" ? "<=" : op;
}

function cmpColConst(op: string, a: ArrayLike<number>, y: number, out: Uint8Array): void {
  const n = out.length;
  switch (op) {
    case "==":
      for (let i = 0; i < n; i++) out[i] = a[i] === y ? 1 : 0;
      return;
    case "!=":
      for (let i = 0; i < n; i++) out[i] = a[i] !== y ? 1 : 0;
      return;
    case "<":
      for (let i = 0; i < n; i++) out[i] = a[i]! < y ? 1 : 0;
      return;
    case "<=":
      for (let i = 0; i < n; i++) out[i] = a[i]! <= y ? 1 : 0;
      return;
    case ">":
      for (let i = 0; i < n; i++) out[i] = a[i]! > y ? 1 : 0;
      return;
    default:
      for (let i = 0; i < n; i++) out[i] = a[i]! >= y ? 1 : 0;
  }
}

function cmpColCol(op: string, a: ArrayLike<number>, c: ArrayLike<number>, out: Uint8Array): void {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = c[i]!;
    out[i] = (op === "==" ? x === y : op === "!=" ? x !== y : op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y) ? 1 : 0;
  }
}

function expandList(v: Value): Value[] {
  if (isArr(v)) return Array.from(v.data, (x) => (v.bool ? x !== 0 : x));
  return [v];
}

function arrayLiteral(vals: Value[], row?: number): Value {
  if (vals.length === 0) return arr([0], new Float64Array(0));
  if (vals.every((v) => typeof v === "number" || typeof v === "boolean")) {
    return arr([vals.length], Float64Array.from(vals as (number | boolean)[], Number), vals.every((v) => typeof v === "boolean"));
  }
  if (vals.every(isArr)) {
    const first = vals[0] as Arr;
    const each = first.data.length;
    const out = new Float64Array(each * vals.length);
    vals.forEach((v, k) => {
      const a = v as Arr;
      if (a.data.length !== each || a.shape.length !== first.shape.length) throw new TQLTypeError("ARRAY[...] rows have different shapes", row);
      out.set(Array.from(a.data), k * each);
    });
    return arr([vals.length, ...first.shape], out);
  }
  throw new TQLTypeError(`ARRAY[...] holds ${vals.map(describe).join(", ")}; only numbers or arrays are allowed`, row);
}

function contains(a: Value, v: Value, row: number, cls?: readonly string[]): Value {
  if (a === null || v === null) return false;
  if (typeof a === "string") {
    if (typeof v !== "string") throw new TQLTypeError(`contains(text, ${describe(v)}) needs a string`, row);
    return a.includes(v);
  }
  if (typeof a === "object" && !isArr(a)) {
    if (Array.isArray(a.v)) return a.v.some((x) => x === v);
    if (typeof v === "string" && a.v !== null && typeof a.v === "object") return v in (a.v as object);
    return false;
  }
  const s = isArr(a) ? a : arr([1], [typeof a === "boolean" ? Number(a) : a]);
  let target: number;
  if (typeof v === "string") target = classIndex(s.classNames ?? cls, v, row);
  else if (typeof v === "number") target = v;
  else if (typeof v === "boolean") target = Number(v);
  else throw new TQLTypeError(`contains(array, ${describe(v)}) needs a scalar`, row);
  for (let k = 0; k < s.data.length; k++) if (s.data[k] === target) return true;
  return false;
}

function elements(v: Value, fn: string, row: number): ArrayLike<number> {
  const s = v;
  if (isArr(s)) return s.data;
  if (typeof s === "number") return [s];
  if (typeof s === "boolean") return [s ? 1 : 0];
  throw new TQLTypeError(`${fn}() needs a numeric array, got ${describe(s)}`, row);
}

function scalarFunction(name: string, vals: Value[], row: number): Value {
  const [a, c] = vals;
  if (a === null || a === undefined) return null;
  switch (name) {
    case "len":
      if (typeof a === "string") return a.length;
      if (isArr(a)) return a.shape.length === 0 ? 1 : a.shape[0]!;
      if (typeof a === "object") return Array.isArray(a.v) ? a.v.length : Object.keys(a.v as object).length;
      return 1;
    case "all":
    case "all_strict":
    case "any": {
      const d = elements(a, name, row);
      if (name === "any") {
        for (let k = 0; k < d.length; k++) if (d[k] !== 0 && !Number.isNaN(d[k])) return true;
        return false;
      }
      if (d.length === 0) return name === "all";
      for (let k = 0; k < d.length; k++) if (d[k] === 0 || Number.isNaN(d[k])) return false;
      return true;
    }
    case "logical_and":
    case "logical_or": {
      if (c === null || c === undefined) return null;
      const x = elements(a, name, row);
      const y = elements(c, name, row);
      if (x.length !== y.length) return false;
      const out = new Uint8Array(x.length);
      for (let k = 0; k < x.length; k++) out[k] = (name === "logical_and" ? x[k] !== 0 && y[k] !== 0 : x[k] !== 0 || y[k] !== 0) ? 1 : 0;
      return arr(isArr(a) ? a.shape : [x.length], out, true);
    }
    case "l1_norm":
    case "l2_norm":
    case "linf_norm": {
      const d = elements(a, name, row);
      let acc = 0;
      for (let k = 0; k < d.length; k++) {
        const x = Math.abs(d[k]!);
        acc = name === "l1_norm" ? acc + x : name === "l2_norm" ? acc + x * x : Math.max(acc, x);
      }
      return name === "l2_norm" ? Math.sqrt(acc) : acc;
    }
    case "cosine_similarity": {
      if (c === null || c === undefined) return null;
      const x = elements(a, name, row);
      const y = elements(c, name, row);
      if (x.length !== y.length) throw new TQLTypeError(`cosine_similarity of arrays of ${x.length} and ${y.length} elements`, row);
      let dot = 0;
      let nx = 0;
      let ny = 0;
      for (let k = 0; k < x.length; k++) {
        dot += x[k]! * y[k]!;
        nx += x[k]! * x[k]!;
        ny += y[k]! * y[k]!;
      }
      return dot / Math.sqrt(nx * ny);
    }
    case "min":
    case "max":
    case "mean":
    case "sum": {
      const d = elements(a, name, row);
      if (d.length === 0) return name === "sum" ? 0 : null;
      let acc = name === "min" ? Infinity : name === "max" ? -Infinity : 0;
      for (let k = 0; k < d.length; k++) acc = name === "min" ? Math.min(acc, d[k]!) : name === "max" ? Math.max(acc, d[k]!) : acc + d[k]!;
      return name === "mean" ? acc / d.length : acc;
    }
    case "abs":
    case "sqrt": {
      const f = name === "abs" ? Math.abs : Math.sqrt;
      if (typeof a === "number") return f(a);
      if (isArr(a)) return arr(a.shape, Float64Array.from(a.data, f));
      throw new TQLTypeError(`${name}() needs a number or array, got ${describe(a)}`, row);
    }
    default:
      throw new TQLFunctionError(name, "is not available here");
  }
}

export { zip };
