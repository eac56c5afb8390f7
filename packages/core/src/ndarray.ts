/**
 * `NDArray {dtype, shape, data}`: a row-major n-dimensional array over a typed array. It maps one-to-one onto
 * `tf.tensor(data, shape)` and `new ort.Tensor(dtype, data, shape)`.
 * @module
 */
import { type DType, type DTypeArrayMap, type TypedArray, allocTyped, dtypeInfo } from "./dtypes.ts";
import { DtypeError, ShapeError } from "./errors.ts";

export interface NDArray<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: DTypeArrayMap[D];
}

/** Number of elements of a shape (1 for a scalar `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Number of elements of an array. */
export function size(array: NDArray): number {
  return shapeSize(array.shape);
}

export function equalShapes(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function assertShape(shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`[shoal] invalid shape [${shape.join(", ")}]: dimensions must be non-negative integers`);
  }
}

/**
 * Builds an NDArray, checking that `data` has the dtype's array type and exactly as many elements as the shape.
 * Without `data`, allocates zeros.
 */
export function ndarray<D extends DType>(dtype: D, shape: readonly number[], data?: DTypeArrayMap[D]): NDArray<D> {
  assertShape(shape);
  const info = dtypeInfo(dtype);
  const n = shapeSize(shape);
  const values = data ?? allocTyped(dtype, n);
  if (!(values instanceof info.ArrayType)) {
    throw new DtypeError(`[shoal] ${dtype} data must be a ${info.ArrayType.name}, got ${(values as object).constructor.name}`);
  }
  if (values.length !== n) {
    throw new ShapeError(`[shoal] shape [${shape.join(", ")}] holds ${n} elements but data has ${values.length}`);
  }
  return { dtype, shape: [...shape], data: values };
}

/** An NDArray from plain numbers (or bigints for 64-bit integers), e.g. `fromValues("int32", [1, 2, 3])`. */
export function fromValues<D extends DType>(dtype: D, values: ArrayLike<number | bigint | boolean>, shape?: readonly number[]): NDArray<D> {
  const out = allocTyped(dtype, values.length) as TypedArray;
  const info = dtypeInfo(dtype);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    (out as unknown as (number | bigint)[])[i] = info.bigint ? BigInt(v as number) : Number(v);
  }
  return ndarray(dtype, shape ?? [values.length], out as DTypeArrayMap[D]);
}

/**
 * Stacks arrays of one dtype and shape along a new leading axis: n arrays of shape S give one of shape [n, ...S].
 * One allocation, one `set` per input (no per-element work).
 */
export function stack<D extends DType>(arrays: readonly NDArray<D>[]): NDArray<D> {
  const first = arrays[0];
  if (!first) throw new ShapeError("[shoal] stack needs at least one array");
  const each = size(first);
  const out = allocTyped(first.dtype, each * arrays.length);
  for (let i = 0; i < arrays.length; i++) {
    const a = arrays[i]!;
    if (a.dtype !== first.dtype) throw new DtypeError(`[shoal] stack: array ${i} is ${a.dtype}, array 0 is ${first.dtype}`);
    if (!equalShapes(a.shape, first.shape)) {
      throw new ShapeError(`[shoal] stack: array ${i} has shape [${a.shape.join(", ")}], array 0 has [${first.shape.join(", ")}]`);
    }
    (out as TypedArray).set(a.data as never, i * each);
  }
  return ndarray(first.dtype, [arrays.length, ...first.shape], out);
}

/** Row-major strides (in elements) of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** The same data seen with another shape of equal size (no copy). */
export function reshape<D extends DType>(array: NDArray<D>, shape: readonly number[]): NDArray<D> {
  if (shapeSize(shape) !== size(array)) {
    throw new ShapeError(`[shoal] cannot reshape [${array.shape.join(", ")}] to [${shape.join(", ")}]`);
  }
  return ndarray(array.dtype, shape, array.data);
}
