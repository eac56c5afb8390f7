/**
 * Turns any numeric input (NDArray, typed array, nested JS arrays, scalars) into an NDArray of the tensor's dtype.
 * Casting follows numpy's "can this be stored without loss" idea: integers must fit, floats never silently become
 * integers, and an input already in the right dtype is passed through without a copy.
 * @module
 */
import { type DType, type NDArray, type TypedArray, allocTyped, dtypeInfo, dtypeOfArray, ndarray } from "@shoal/core";
import { SampleDtypeError, SampleShapeError, type SampleErrorWhere, SampleTypeError } from "./errors.ts";

export function isNDArray(x: unknown): x is NDArray {
  if (typeof x !== "object" || x === null) return false;
  const o = x as Record<string, unknown>;
  return typeof o.dtype === "string" && Array.isArray(o.shape) && ArrayBuffer.isView(o.data);
}

export function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

type Leaf = number | bigint | boolean;

/** Shape and leaves of nested JS arrays; SampleShapeError when ragged, SampleTypeError on a non-number leaf. */
function flattenNested(input: unknown, at: SampleErrorWhere): { shape: number[]; leaves: Leaf[] } {
  const shape: number[] = [];
  let probe: unknown = input;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const leaves: Leaf[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof node === "number" || typeof node === "bigint" || typeof node === "boolean") leaves.push(node);
      else if (Array.isArray(node)) throw new SampleShapeError(at, `ragged nested array: deeper than [${shape.join(", ")}]`);
      else throw new SampleTypeError(at, `expected a number, got ${node === null ? "null" : typeof node}`);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new SampleShapeError(at, `ragged nested array: axis ${depth} should have ${shape[depth]} elements, got ${Array.isArray(node) ? node.length : "a scalar"}`);
    }
    for (const child of node) walk(child, depth + 1);
  };
  walk(input, 0);
  return { shape, leaves };
}

function inferLeafDtype(leaves: readonly Leaf[]): DType {
  if (leaves.length > 0 && leaves.every((v) => typeof v === "boolean")) return "bool";
  // numpy infers int64 for Python ints and float64 for floats; we follow so generic tensors match Deep Lake.
  if (leaves.every((v) => typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v)))) return "int64";
  return "float64";
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
  uint8: [0, 255], uint16: [0, 65535], uint32: [0, 4294967295],
  int64: [-(2 ** 63), 2 ** 63 - 1], uint64: [0, 2 ** 64 - 1],
};

function storeLeaves(leaves: readonly Leaf[], dtype: DType, at: SampleErrorWhere): TypedArray {
  const info = dtypeInfo(dtype);
  const out = allocTyped(dtype, leaves.length) as TypedArray;
  const range = INT_RANGE[dtype];
  for (let i = 0; i < leaves.length; i++) {
    const raw = leaves[i]!;
    const v = typeof raw === "boolean" ? (raw ? 1 : 0) : raw;
    if (info.kind === "float") {
      (out as Float64Array)[i] = Number(v);
      continue;
    }
    if (typeof v === "number" && !Number.isInteger(v)) throw new SampleDtypeError(at, `value ${v} at flat position ${i} is not an integer; cannot store it as ${dtype}`);
    if (info.kind === "bool") {
      if (v != 0 && v != 1) throw new SampleDtypeError(at, `value ${String(v)} at flat position ${i} is not 0/1/true/false; cannot store it as bool`);
      (out as Uint8Array)[i] = Number(v);
      continue;
    }
    const n = Number(v);
    if (range && (n < range[0] || n > range[1])) throw new SampleDtypeError(at, `value ${String(v)} at flat position ${i} is out of range for ${dtype}`);
    if (info.bigint) (out as BigInt64Array)[i] = BigInt(v);
    else (out as Int32Array)[i] = n;
  }
  return out;
}

/** Casts a typed array to `dtype`, refusing lossy conversions; returns the input itself when nothing changes. */
function castTyped(data: TypedArray, from: DType, to: DType, at: SampleErrorWhere): TypedArray {
  if (from === to) return data;
  const src = dtypeInfo(from);
  const dst = dtypeInfo(to);
  if (src.kind === "float" && dst.kind !== "float") {
    throw new SampleDtypeError(at, `cannot store ${from} data in a ${to} tensor without loss; convert it first`);
  }
  if (from === "float16") throw new SampleDtypeError(at, `cannot convert float16 data to ${to}; pass ${to} data`);
  const out = allocTyped(to, data.length) as TypedArray;
  const n = data.length;
  if (dst.kind === "float" && to !== "float16") {
    const o = out as Float64Array;
    for (let i = 0; i < n; i++) o[i] = Number(data[i]!);
    return out;
  }
  if (to === "float16") throw new SampleDtypeError(at, `cannot convert ${from} data to float16; pass float16 bits (Uint16Array) as an NDArray`);
  const range = INT_RANGE[to];
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    const num = Number(v);
    if (dst.kind === "bool") {
      if (num !== 0 && num !== 1) throw new SampleDtypeError(at, `value ${String(v)} at flat position ${i} is not 0 or 1; cannot store it as bool`);
    } else if (range && (num < range[0] || num > range[1])) {
      throw new SampleDtypeError(at, `value ${String(v)} at flat position ${i} is out of range for ${to}`);
    }
    if (dst.bigint) (out as BigInt64Array)[i] = BigInt(v);
    else (out as Int32Array)[i] = num;
  }
  return out;
}

/**
 * Any numeric input as an NDArray of `dtype` (or of its own/inferred dtype when `dtype` is null).
 * Scalars become shape [1], as Deep Lake stores them.
 */
export function toNDArray(input: unknown, dtype: DType | null, at: SampleErrorWhere): NDArray {
  if (isNDArray(input)) {
    let from: DType;
    try {
      from = dtypeInfo(input.dtype).name;
    } catch (e) {
      throw new SampleDtypeError(at, `unknown dtype ${JSON.stringify(input.dtype)}`, { cause: e });
    }
    const target = dtype ?? from;
    if (!(input.data instanceof dtypeInfo(from).ArrayType)) {
      throw new SampleDtypeError(at, `NDArray says ${from} but holds a ${input.data.constructor.name}`);
    }
    const expected = input.shape.reduce((a, b) => a * b, 1);
    if (input.data.length !== expected || input.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new SampleShapeError(at, `NDArray shape [${input.shape.join(", ")}] does not match its ${input.data.length} elements`);
    }
    return ndarray(target, input.shape, castTyped(input.data as TypedArray, from, target, at) as never);
  }
  if (isTypedArray(input)) {
    const from = dtypeOfArray(input);
    const target = dtype ?? from;
    return ndarray(target, [input.length], castTyped(input, from, target, at) as never);
  }
  if (typeof input === "number" || typeof input === "bigint" || typeof input === "boolean") {
    const leaves = [input];
    const target = dtype ?? inferLeafDtype(leaves);
    return ndarray(target, [1], storeLeaves(leaves, target, at) as never);
  }
  if (Array.isArray(input)) {
    // An array of typed arrays / NDArrays stacks along a new axis, as np.asarray does.
    if (input.length > 0 && input.every((x) => isNDArray(x) || isTypedArray(x))) return stackInputs(input, dtype, at);
    const { shape, leaves } = flattenNested(input, at);
    const target = dtype ?? inferLeafDtype(leaves);
    return ndarray(target, shape, storeLeaves(leaves, target, at) as never);
  }
  throw new SampleTypeError(at, `expected a numeric array, got ${describe(input)}`);
}

function stackInputs(parts: readonly unknown[], dtype: DType | null, at: SampleErrorWhere): NDArray {
  const arrays = parts.map((p) => toNDArray(p, dtype, at));
  const first = arrays[0]!;
  const each = first.data.length;
  const out = allocTyped(first.dtype, each * arrays.length) as TypedArray;
  arrays.forEach((a, i) => {
    if (a.dtype !== first.dtype) throw new SampleDtypeError(at, `row ${i} is ${a.dtype}, row 0 is ${first.dtype}`);
    if (a.data.length !== each || a.shape.join() !== first.shape.join()) {
      throw new SampleShapeError(at, `row ${i} has shape [${a.shape.join(", ")}], row 0 has [${first.shape.join(", ")}]`);
    }
    out.set(a.data as never, i * each);
  });
  return ndarray(first.dtype, [arrays.length, ...first.shape], out as never);
}

export function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  if (x instanceof Uint8Array) return "a Uint8Array";
  if (typeof x === "object") return "an object";
  return `a ${typeof x}`;
}
