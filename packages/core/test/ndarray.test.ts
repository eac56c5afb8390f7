import { test } from "uvu";
import * as assert from "uvu/assert";
import { equalShapes, fromValues, isShoalError, ndarray, reshape, shapeSize, stack, stridesOf } from "../src/index.ts";

test("ndarray checks data length against the shape", () => {
  const a = ndarray("float32", [2, 3]);
  assert.is(a.data.length, 6);
  assert.throws(() => ndarray("float32", [2, 3], new Float32Array(5)), (e: unknown) => isShoalError(e, "ShapeError"));
  assert.throws(() => ndarray("float32", [2], new Float64Array(2) as never), (e: unknown) => isShoalError(e, "DtypeError"));
  assert.throws(() => ndarray("uint8", [-1]), (e: unknown) => isShoalError(e, "ShapeError"));
});

test("size of a scalar is 1 and of an empty dim is 0", () => {
  assert.is(shapeSize([]), 1);
  assert.is(shapeSize([3, 0, 2]), 0);
});

test("stack adds a leading axis and refuses mismatched shapes or dtypes", () => {
  const s = stack([fromValues("int32", [1, 2]), fromValues("int32", [3, 4])]);
  assert.equal(s.shape, [2, 2]);
  assert.equal(Array.from(s.data), [1, 2, 3, 4]);
  assert.throws(() => stack([fromValues("int32", [1]), fromValues("int32", [1, 2])]), (e: unknown) => isShoalError(e, "ShapeError"));
  assert.throws(() => stack([fromValues("int32", [1]), fromValues("uint8", [1]) as never]), (e: unknown) => isShoalError(e, "DtypeError"));
  assert.throws(() => stack([]), (e: unknown) => isShoalError(e, "ShapeError"));
});

test("equalShapes, strides and reshape", () => {
  assert.ok(equalShapes([1, 2], [1, 2]));
  assert.not.ok(equalShapes([1, 2], [2, 1]));
  assert.not.ok(equalShapes([1], [1, 1]));
  assert.equal(stridesOf([2, 3, 4]), [12, 4, 1]);
  const r = reshape(fromValues("uint8", [1, 2, 3, 4, 5, 6]), [3, 2]);
  assert.equal(r.shape, [3, 2]);
  assert.throws(() => reshape(r, [4, 2]), (e: unknown) => isShoalError(e, "ShapeError"));
});

test("fromValues converts to bigint for 64-bit dtypes", () => {
  const a = fromValues("int64", [1, -2]);
  assert.equal(Array.from(a.data), [1n, -2n]);
});

test.run();
