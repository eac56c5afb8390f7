import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { firstDifference, patternBytes } from "../src/bytes.ts";

const fixture = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "map-store.mjs");
// The fixture runs on the node found on PATH against the built suite, whatever runtime runs this file.
const runFixture = (...args: string[]) => spawnSync("node", [fixture, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });

test("a store that keeps the contract passes the suite", () => {
  const r = runFixture();
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Passed:\s+\d+/);
});

test("a store that ignores create-only writes fails the suite on the create-only tests", () => {
  const r = runFixture("--ignore-create-only");
  assert.is.not(r.status, 0);
  assert.match(r.stdout, /FAIL .*create-only: ifNoneMatch/);
  assert.match(r.stdout, /FAIL .*create-only race/);
});

test("a store offering a readInto that keeps the contract passes the suite", () => {
  const r = runFixture("--read-into");
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Passed:\s+\d+/);
});

test("a store whose readInto ignores the range's offset fails the suite on the readInto tests", () => {
  const r = runFixture("--read-into-ignores-offset");
  assert.is.not(r.status, 0);
  assert.match(r.stdout, /FAIL .*readInto, when offered, fills out/);
});

test("patternBytes is deterministic, seed-dependent and uses every byte value", () => {
  const a = patternBytes(4096);
  assert.is(firstDifference(a, patternBytes(4096)), -1);
  assert.is.not(firstDifference(a, patternBytes(4096, 7)), -1);
  assert.is(new Set(a).size, 256);
  assert.is(patternBytes(0).byteLength, 0);
});

test("firstDifference finds the first differing byte and length differences", () => {
  assert.is(firstDifference(new Uint8Array([1, 2, 3]), new Uint8Array([1, 9, 3])), 1);
  assert.is(firstDifference(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3])), 2);
  assert.is(firstDifference(new Uint8Array(0), new Uint8Array(0)), -1);
});

test.run();
