import { test } from "uvu";
import * as assert from "uvu/assert";
import { InvalidKeyError, assertKey, assertPrefix, joinKey } from "../src/index.ts";

test("valid keys pass", () => {
  for (const k of ["a", "a/b/c.json", "tensor/chunks/0a1b", "..a/b..", "a.b"]) assertKey(k);
  assertPrefix("");
  assertPrefix("a/");
});

test("keys that could escape the root are rejected with InvalidKeyError", () => {
  for (const k of ["", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a/", "a\0b", "C:/x", "a\\..\\b"]) {
    assert.throws(() => assertKey(k), (e: unknown) => e instanceof InvalidKeyError && (e as InvalidKeyError).key === k, JSON.stringify(k));
  }
  assert.throws(() => assertPrefix("../"), (e: unknown) => e instanceof InvalidKeyError);
});

test("joinKey drops empty segments", () => {
  assert.is(joinKey("a/", "/b", "", "c"), "a/b/c");
});

test.run();
