/**
 * The per-row value model of TQL and its operators: numbers, booleans, strings, NULL, n-d arrays (samples, with
 * class names for class_label) and JSON values. Arrays broadcast like NumPy; size-1 arrays act as scalars.
 * @module
 */
import { type NDArray, type TypedArray, ndarray } from "@shoal/core";
import { IndexError, TQLTypeError } from "../errors.ts";
import { indexSample } from "../nd-index.ts";
import type { Slice } from "../row-index.ts";
import type { ColumnMeta, SampleValue } from "../source.ts";
import { numericData } from "./kernels.ts";

export interface Arr {
  readonly t: "arr";
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
  readonly bool?: boolean;
  readonly classNames?: readonly string[];
}

export interface Json {
  readonly t: "json";
  readonly v: unknown;
}

export type Value = null | boolean | number | string | Arr | Json;

export function isArr(v: Value): v is Arr {
  return typeof v === "object" && v !== null && v.t === "arr";
}

export function arr(shape: readonly number[], data: ArrayLike<number>, bool?: boolean, classNames?: readonly string[]): Arr {
  return { t: "arr", shape, data, bool, classNames };
}

function isNDArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v;
}

/** JSON value → TQL value: primitives stay primitives, objects/arrays stay JSON. */
export function fromJson(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  return { t: "json", v };
}

/** A stored sample as a TQL value. */
export function fromSample(s: SampleValue, meta: ColumnMeta | undefined): Value {
  if (isNDArray(s)) {
    return arr(s.shape, numericData(s), s.dtype === "bool", meta?.classNames);
  }
  if (Array.isArray(s) && s.every(isNDArray)) return { t: "json", v: s };
  return fromJson(s);
}

/** A TQL value as a sample of a virtual tensor. */
export function toSample(v: Value): SampleValue {
  if (isArr(v)) {
    const d = v.data;
    const typed = ArrayBuffer.isView(d) ? (d as unknown as TypedArray) : Float64Array.from(d);
    const dtype = v.bool ? "bool" : typed instanceof Float32Array ? "float32" : typed instanceof Float64Array ? "float64" : typed instanceof Int32Array ? "int32" : typed instanceof Uint32Array ? "uint32" : typed instanceof Uint8Array ? "uint8" : typed instanceof Int16Array ? "int16" : typed instanceof Uint16Array ? "uint16" : typed instanceof Int8Array ? "int8" : "float64";
    const data = v.bool && !(typed instanceof Uint8Array) ? Uint8Array.from(typed as unknown as ArrayLike<number>) : dtype === "float64" && !(typed instanceof Float64Array) ? Float64Array.from(typed as unknown as ArrayLike<number>) : typed;
    return ndarray(dtype, v.shape, data.slice() as never);
  }
  if (typeof v === "object" && v !== null) return v.v;
  return v;
}

export function describe(v: Value): string {
  if (v === null) return "NULL";
  if (isArr(v)) return `array of shape [${v.shape.join(", ")}]`;
  if (typeof v === "object") return Array.isArray(v.v) ? "JSON array" : "JSON object";
  return typeof v === "string" ? "string" : typeof v;
}

/** Size-1 arrays become their element; everything else is returned as is. */
export function scalarOf(v: Value): Value {
  if (isArr(v) && v.data.length === 1 && v.shape.every((d) => d === 1)) {
    const x = v.data[0]!;
    return v.bool ? x !== 0 : x;
  }
  return v;
}

/** WHERE truthiness: booleans, numbers (non-zero), size-1 arrays; NULL is false; strings/JSON/arrays are errors. */
export function truthy(v: Value, row?: number): boolean {
  const s = scalarOf(v);
  if (s === null) return false;
  if (typeof s === "boolean") return s;
  if (typeof s === "number") return s !== 0 && !Number.isNaN(s);
  throw new TQLTypeError(`${describe(s)} is not convertible to boolean`, row);
}

/** Class index of a name, or -1 (unknown names never match). */
export function classIndex(names: readonly string[] | undefined, name: string, row?: number): number {
  if (!names) throw new TQLTypeError(`cannot compare a number with string '${name}' (not a class_label tensor)`, row);
  return names.indexOf(name);
}

function broadcastShape(a: readonly number[], b: readonly number[], row?: number): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    const x = a[a.length - n + k] ?? 1;
    const y = b[b.length - n + k] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new TQLTypeError(`shapes [${a.join(", ")}] and [${b.join(", ")}] do not broadcast`, row);
    out[k] = x === 1 ? y : x;
  }
  return out;
}

/** Element-wise `f` over two arrays with NumPy broadcasting. */
export function zip(a: Arr, b: Arr, f: (x: number, y: number) => number, bool: boolean, row?: number): Arr {
  if (a.data.length === b.data.length && a.shape.length === b.shape.length && a.shape.every((d, k) => d === b.shape[k])) {
    const out = new Float64Array(a.data.length);
    for (let i = 0; i < out.length; i++) out[i] = f(a.data[i]!, b.data[i]!);
    return arr(a.shape, out, bool);
  }
  const shape = broadcastShape(a.shape, b.shape, row);
  const n = shape.length;
  const total = shape.reduce((x, y) => x * y, 1);
  const stridesFor = (s: readonly number[]): number[] => {
    const st = new Array<number>(n).fill(0);
    let acc = 1;
    for (let k = s.length - 1; k >= 0; k--) {
      st[n - s.length + k] = s[k] === 1 ? 0 : acc;
      acc *= s[k]!;
    }
    return st;
  };
  const sa = stridesFor(a.shape);
  const sb = stridesFor(b.shape);
  const out = new Float64Array(total);
  const counter = new Array<number>(n).fill(0);
  for (let i = 0; i < total; i++) {
    let oa = 0;
    let ob = 0;
    for (let k = 0; k < n; k++) {
      oa += counter[k]! * sa[k]!;
      ob += counter[k]! * sb[k]!;
    }
    out[i] = f(a.data[oa]!, b.data[ob]!);
    for (let k = n - 1; k >= 0; k--) {
      if (++counter[k]! < shape[k]!) break;
      counter[k] = 0;
    }
  }
  return arr(shape, out, bool);
}

const ARITH: Record<string, (x: number, y: number) => number> = {
  "+": (x, y) => x + y,
  "-": (x, y) => x - y,
  "*": (x, y) => x * y,
  "/": (x, y) => x / y,
  "%": (x, y) => x % y,
};

function numeric(v: Value, op: string, row?: number): Arr | number | null {
  if (v === null) return null;
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (isArr(v)) return v;
  throw new TQLTypeError(`operator ${op} needs numbers or arrays, got ${describe(v)}`, row);
}

const scalarArr = (x: number): Arr => arr([], [x]);

export function arith(op: string, a: Value, b: Value, row?: number): Value {
  const x = numeric(a, op, row);
  const y = numeric(b, op, row);
  if (x === null || y === null) return null;
  const f = ARITH[op]!;
  if (typeof x === "number" && typeof y === "number") return f(x, y);
  return zip(typeof x === "number" ? scalarArr(x) : x, typeof y === "number" ? scalarArr(y) : y, f, false, row);
}

export function negate(v: Value, row?: number): Value {
  const x = numeric(v, "-", row);
  if (x === null) return null;
  if (typeof x === "number") return -x;
  return arr(x.shape, Float64Array.from(x.data, (e) => -e));
}

const CMP: Record<string, (x: number, y: number) => boolean> = {
  "==": (x, y) => x === y,
  "!=": (x, y) => x !== y,
  "<": (x, y) => x < y,
  "<=": (x, y) => x <= y,
  ">": (x, y) => x > y,
  ">=": (x, y) => x >= y,
};

/** Comparison; `classNames` lets a string be compared with class indices held as plain numbers. */
export function compare(op: string, a: Value, b: Value, row?: number, classesA?: readonly string[], classesB?: readonly string[]): Value {
  if (a === null || b === null) return false;
  const ordering = op !== "==" && op !== "!=";
  // A string against a class_label: map the string through the tensor's class names.
  if (typeof b === "string" && typeof a !== "string" && !(typeof a === "object" && !isArr(a))) {
    const names = isArr(a) ? a.classNames ?? classesA : classesA;
    if (ordering) throw new TQLTypeError(`class_label values are not ordered against string '${b}'`, row);
    return compare(op, a, classIndex(names, b, row), row);
  }
  if (typeof a === "string" && typeof b !== "string" && !(typeof b === "object" && !isArr(b))) {
    const names = isArr(b) ? b.classNames ?? classesB : classesB;
    if (ordering) throw new TQLTypeError(`class_label values are not ordered against string '${a}'`, row);
    return compare(op, classIndex(names, a, row), b, row);
  }
  if (typeof a === "object" && !isArr(a)) return compare(op, scalarJson(a, row), b, row);
  if (typeof b === "object" && !isArr(b)) return compare(op, a, scalarJson(b, row), row);
  const f = CMP[op]!;
  if (typeof a === "string" || typeof b === "string") {
    if (typeof a !== "string" || typeof b !== "string") throw new TQLTypeError(`cannot compare ${describe(a)} with ${describe(b)}`, row);
    return f(a < b ? -1 : a > b ? 1 : 0, 0);
  }
  const x = numeric(a, op, row)!;
  const y = numeric(b, op, row)!;
  if (typeof x === "number" && typeof y === "number") return f(x, y);
  return zip(typeof x === "number" ? scalarArr(x) : x, typeof y === "number" ? scalarArr(y) : y, (p, q) => (f(p, q) ? 1 : 0), true, row);
}

function scalarJson(j: Json, row?: number): Value {
  throw new TQLTypeError(`cannot compare ${describe(j)}`, row);
}

/** `v[items]`: NumPy basic indexing on arrays, key/position access on JSON. Out of range → NULL. */
export function subscript(v: Value, items: readonly (number | string | Slice)[], row?: number): Value {
  if (v === null) return null;
  if (typeof v === "object" && !isArr(v)) {
    let cur: unknown = v.v;
    for (const it of items) {
      if (typeof it === "object") throw new TQLTypeError("JSON values cannot be sliced", row);
      if (cur === null || typeof cur !== "object") return null;
      if (Array.isArray(cur)) {
        if (typeof it !== "number") return null;
        cur = cur[it < 0 ? it + cur.length : it];
      } else {
        cur = (cur as Record<string, unknown>)[String(it)];
      }
      if (cur === undefined) return null;
    }
    return fromJson(cur);
  }
  if (isArr(v)) {
    if (items.some((it) => typeof it === "string")) throw new TQLTypeError(`string keys index JSON values, not ${describe(v)}`, row);
    const shape = v.shape.length === 0 ? [1] : v.shape;
    const data = ArrayBuffer.isView(v.data) ? (v.data as unknown as Float64Array) : Float64Array.from(v.data);
    let picked: NDArray;
    try {
      picked = indexSample(ndarray("float64", shape, data instanceof Float64Array ? data : Float64Array.from(data)), items as (number | Slice)[]);
    } catch (e) {
      if (e instanceof IndexError) return null;
      throw e;
    }
    if (picked.shape.length === 0) {
      const x = (picked.data as Float64Array)[0]!;
      return v.bool ? x !== 0 : x;
    }
    return arr(picked.shape, picked.data as Float64Array, v.bool, v.classNames);
  }
  if (typeof v === "string") throw new TQLTypeError("text values cannot be indexed", row);
  // A scalar acts as a size-1 array: [0] / [-1] give it back.
  if (items.length === 1 && (items[0] === 0 || items[0] === -1)) return v;
  if (items.length === 1 && typeof items[0] === "number") return null;
  throw new TQLTypeError(`${describe(v)} cannot be indexed`, row);
}
