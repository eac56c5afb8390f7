/**
 * The dtype table: every element type a tensor can hold, with the typed array that stores it.
 * float16 is a storage type: its elements live in a Uint16Array of IEEE half-precision bit patterns
 * (`float16ToFloat32`/`float32ToFloat16` convert), since not every runtime has `Float16Array` yet.
 * @module
 */
import { DtypeError } from "./errors.ts";

export type DType =
  | "bool"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64"
  | "float16"
  | "float32"
  | "float64";

export type TypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** The typed array that stores each dtype; `bool` is one byte per element (0 or 1). */
export interface DTypeArrayMap {
  bool: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  float16: Uint16Array;
  float32: Float32Array;
  float64: Float64Array;
}

export interface TypedArrayConstructorOf<T extends TypedArray> {
  new (length: number): T;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

export interface DTypeInfo<D extends DType = DType> {
  readonly name: D;
  readonly itemSize: number;
  readonly kind: "bool" | "int" | "uint" | "float";
  /** True for 64-bit integers, whose elements are bigint. */
  readonly bigint: boolean;
  readonly ArrayType: TypedArrayConstructorOf<DTypeArrayMap[D]>;
  /** numpy's `dtype.str` without the byte-order char, e.g. `"f4"`. */
  readonly numpy: string;
}

const table: { readonly [D in DType]: DTypeInfo<D> } = {
  bool: { name: "bool", itemSize: 1, kind: "bool", bigint: false, ArrayType: Uint8Array, numpy: "b1" },
  int8: { name: "int8", itemSize: 1, kind: "int", bigint: false, ArrayType: Int8Array, numpy: "i1" },
  int16: { name: "int16", itemSize: 2, kind: "int", bigint: false, ArrayType: Int16Array, numpy: "i2" },
  int32: { name: "int32", itemSize: 4, kind: "int", bigint: false, ArrayType: Int32Array, numpy: "i4" },
  int64: { name: "int64", itemSize: 8, kind: "int", bigint: true, ArrayType: BigInt64Array, numpy: "i8" },
  uint8: { name: "uint8", itemSize: 1, kind: "uint", bigint: false, ArrayType: Uint8Array, numpy: "u1" },
  uint16: { name: "uint16", itemSize: 2, kind: "uint", bigint: false, ArrayType: Uint16Array, numpy: "u2" },
  uint32: { name: "uint32", itemSize: 4, kind: "uint", bigint: false, ArrayType: Uint32Array, numpy: "u4" },
  uint64: { name: "uint64", itemSize: 8, kind: "uint", bigint: true, ArrayType: BigUint64Array, numpy: "u8" },
  float16: { name: "float16", itemSize: 2, kind: "float", bigint: false, ArrayType: Uint16Array, numpy: "f2" },
  float32: { name: "float32", itemSize: 4, kind: "float", bigint: false, ArrayType: Float32Array, numpy: "f4" },
  float64: { name: "float64", itemSize: 8, kind: "float", bigint: false, ArrayType: Float64Array, numpy: "f8" },
};

export const DTYPES: readonly DType[] = Object.keys(table) as DType[];

export function isDType(name: unknown): name is DType {
  return typeof name === "string" && Object.hasOwn(table, name);
}

/** Looks up a dtype, accepting numpy spellings too (`"f4"`, `"<u2"`, `"float"`, `"int"`, `"bool_"`). */
export function dtypeInfo<D extends DType>(name: D): DTypeInfo<D>;
export function dtypeInfo(name: string): DTypeInfo;
export function dtypeInfo(name: string): DTypeInfo {
  const canonical = normalizeDType(name);
  return table[canonical];
}

const aliases: Record<string, DType> = {
  bool_: "bool",
  float: "float64",
  double: "float64",
  half: "float16",
  int: "int64",
  uint: "uint64",
  byte: "int8",
  ubyte: "uint8",
};

/** Canonical dtype name for `name`, or a DtypeError naming the input. */
export function normalizeDType(name: string): DType {
  if (isDType(name)) return name;
  const alias = aliases[name];
  if (alias) return alias;
  const stripped = name.replace(/^[<>|=]/, "");
  for (const info of Object.values(table)) if (info.numpy === stripped) return info.name;
  throw new DtypeError(`[shoal] unknown dtype ${JSON.stringify(name)}; expected one of ${DTYPES.join(", ")}`);
}

/** A zero-filled typed array of `length` elements of `dtype`. */
export function allocTyped<D extends DType>(dtype: D, length: number): DTypeArrayMap[D] {
  return new table[dtype].ArrayType(length);
}

/**
 * A typed-array view of `bytes` as `dtype`, without a copy when the alignment allows one (copying otherwise).
 * The byte length must be a multiple of the item size.
 */
export function viewAs<D extends DType>(dtype: D, bytes: Uint8Array): DTypeArrayMap[D] {
  const info = table[dtype];
  if (bytes.byteLength % info.itemSize !== 0) {
    throw new DtypeError(`[shoal] ${bytes.byteLength} bytes is not a whole number of ${dtype} elements (${info.itemSize} bytes each)`);
  }
  const length = bytes.byteLength / info.itemSize;
  if (bytes.byteOffset % info.itemSize === 0) return new info.ArrayType(bytes.buffer, bytes.byteOffset, length);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new info.ArrayType(copy.buffer, 0, length);
}

/** The bytes of a typed array, as a view (no copy). */
export function bytesOf(data: TypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The dtype a typed array most naturally stores (Uint8Array → uint8, Uint16Array → uint16). */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof BigUint64Array) return "uint64";
  if (data instanceof Float32Array) return "float32";
  return "float64";
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Converts IEEE half-precision bits to a number. */
export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Converts a number to IEEE half-precision bits, rounding to nearest even. */
export function float32ToFloat16(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >> 16) & 0x8000;
  const exponent = (x >> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    return sign | (rest > midpoint || (rest === midpoint && half & 1) ? half + 1 : half);
  }
  const half = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  return sign | (rest > 0x1000 || (rest === 0x1000 && half & 1) ? half + 1 : half);
}
