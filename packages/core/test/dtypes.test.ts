import { test } from "uvu";
import * as assert from "uvu/assert";
import { DtypeError, allocTyped, dtypeInfo, float16ToFloat32, float32ToFloat16, isShoalError, normalizeDType, viewAs } from "../src/index.ts";

test("every dtype has a typed-array constructor of its item size", () => {
  for (const name of ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64"] as const) {
    const info = dtypeInfo(name);
    assert.is(info.ArrayType.BYTES_PER_ELEMENT, info.itemSize, name);
    assert.is(allocTyped(name, 3).length, 3);
  }
});

test("numpy spellings normalise to canonical names", () => {
  assert.is(normalizeDType("<f4"), "float32");
  assert.is(normalizeDType("|u1"), "uint8");
  assert.is(normalizeDType("float"), "float64");
  assert.is(normalizeDType("b1"), "bool");
});

test("unknown dtype gives a DtypeError naming it", () => {
  try {
    normalizeDType("complex128");
    assert.unreachable("should throw");
  } catch (e) {
    assert.ok(e instanceof DtypeError);
    assert.ok(isShoalError(e, "DtypeError"));
    assert.match((e as Error).message, "complex128");
  }
});

test("viewAs shares memory when aligned and copies when not", () => {
  const bytes = new Uint8Array([0, 0, 128, 63, 0, 0, 0, 64, 9]);
  const aligned = viewAs("float32", bytes.subarray(0, 8));
  assert.equal(Array.from(aligned), [1, 2]);
  assert.is(aligned.buffer, bytes.buffer);
  const unaligned = viewAs("uint16", bytes.subarray(1, 5));
  assert.is.not(unaligned.buffer, bytes.buffer);
  assert.throws(() => viewAs("float32", bytes.subarray(0, 3)), (e: unknown) => isShoalError(e, "DtypeError"));
});

test("float16 round-trips representable values and rounds to nearest even", () => {
  for (const v of [0, 1, -2, 0.5, 65504, 6.103515625e-5, 5.960464477539063e-8]) {
    assert.is(float16ToFloat32(float32ToFloat16(v)), v, String(v));
  }
  assert.is(float32ToFloat16(Infinity), 0x7c00);
  assert.ok(Number.isNaN(float16ToFloat32(float32ToFloat16(NaN))));
  assert.is(float16ToFloat32(float32ToFloat16(1 + 2 ** -11)), 1, "tie rounds to even");
  assert.is(float32ToFloat16(1e6), 0x7c00, "overflow becomes infinity");
});

test.run();
