import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromCsv, toCsv } from "../src/csv.ts";
import { createSha256, sha256Hex } from "../src/hash.ts";
import { PackBuilder, readPackIndex } from "../src/pack.ts";
import { normalizeDatasetFolder, normalizeEntryPath } from "../src/paths.ts";
import { applicationOrder, selectPart } from "../src/table.ts";
import type { DatasetState } from "../src/types.ts";
import { compareVersions, isValidVersion, nextVersion } from "../src/version.ts";
import { globMatch, matchesAnyWildcard } from "../src/wildcard.ts";

test("sha256 matches known vectors, incrementally too", () => {
  assert.is(sha256Hex(new Uint8Array()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const h = createSha256();
  h.update(new TextEncoder().encode("a"));
  h.update(new TextEncoder().encode("bc"));
  assert.is(h.digestHex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

test("entry paths: traversal, absolute, drive letters and NUL are refused; backslashes normalized", () => {
  assert.is(normalizeEntryPath("a\\b\\c.txt"), "a/b/c.txt");
  for (const bad of ["../x", "a/../../x", "/etc/passwd", "C:/x", "c:x", "a//b", "a/./b", "a\0b", ""]) {
    assert.throws(() => normalizeEntryPath(bad), (e: Error & { code?: string }) => e.code === "InvalidPathError", bad);
  }
  assert.is(normalizeDatasetFolder("/data/"), "data");
  assert.is(normalizeDatasetFolder("."), "");
  assert.throws(() => normalizeDatasetFolder("../up"), (e: Error & { code?: string }) => e.code === "InvalidPathError");
});

test("wildcards follow ClearML's table, with dir/ fixed", () => {
  const cases: [string, string, boolean, boolean][] = [
    ["a/b/c.jpg", "*.jpg", true, true],
    ["a/b/c.jpg", "*.jpg", false, false],
    ["c.jpg", "*.jpg", false, true],
    ["a/b/c.jpg", "a/*", true, true],
    ["x/a/c.jpg", "a/*", true, false],
    ["a/b/c.jpg", "a/b/*", false, true],
    ["a/b/c.jpg", "a/", true, true],
    ["a/b/c.jpg", "a", true, false],
    ["a/b/c.jpg", "b/*.jpg", true, false],
    ["ab/c.jpg", "a*", true, true],
  ];
  for (const [path, w, rec, want] of cases) assert.is(matchesAnyWildcard(path, w, rec), want, `${path} ${w} ${rec}`);
  assert.ok(globMatch("x/y/z.png", "**/*.png"));
  assert.ok(globMatch("z.png", "**/*.png"));
  assert.not.ok(globMatch("x/z.png", "*.png"));
});

test("versions auto-increment and order like PEP 440", () => {
  const next: [string, string][] = [
    ["1.0.0", "1.0.1"], ["1.0", "1.1"], ["1", "2"], ["1.0.9", "1.0.10"], ["v1.2.3", "1.2.4"],
    ["2.3.4rc1", "2.3.4rc2"], ["1.0.0.dev3", "1.0.0.dev4"], ["1.0.post2", "1.0.post3"],
  ];
  for (const [a, b] of next) assert.is(nextVersion(a), b, a);
  assert.is(nextVersion("abc"), undefined);
  assert.not.ok(isValidVersion("1.0.0+local"));
  assert.ok(compareVersions("1.0.10", "1.0.9") > 0);
  assert.ok(compareVersions("1.0.0rc1", "1.0.0") < 0);
  assert.ok(compareVersions("1.0.0.dev1", "1.0.0rc1") < 0);
});

test("CSV round-trips quotes, commas and newlines", () => {
  const rows = [{ a: "x,y", b: 'say "hi"' }, { a: "line\nbreak", b: 3 }];
  assert.equal(fromCsv(toCsv(rows)), [{ a: "x,y", b: 'say "hi"' }, { a: "line\nbreak", b: "3" }]);
  assert.throws(() => toCsv([1 as never]), (e: Error & { code?: string }) => e.code === "InvalidArgumentError");
});

test("packs carry a readable index and refuse foreign bytes", () => {
  const b = new PackBuilder();
  b.add("a".repeat(64), 0, new Uint8Array([1, 2, 3]), 3, 0);
  b.add("b".repeat(64), 5, new Uint8Array([4]), 7, 1);
  const { id, bytes } = b.finish();
  assert.match(id, /^[0-9a-f]{64}$/);
  const rows = readPackIndex("k", bytes);
  assert.equal(rows.map((r) => [r[0][0], r[1], r[3], r[4], r[5]]), [["a", 0, 3, 3, 0], ["b", 5, 1, 7, 1]]);
  assert.equal([...bytes.subarray(rows[1]?.[2] as number, (rows[1]?.[2] as number) + 1)], [4]);
  assert.throws(() => readPackIndex("k", new Uint8Array(40)), (e: Error & { code?: string }) => e.code === "CorruptContentError");
});

test("application order and part selection are contiguous blocks over chunks (ClearML example A:3 B:2 C:3)", () => {
  assert.equal(applicationOrder({ C: ["A", "B"], A: ["R"], B: ["R"], R: [] }, "C"), ["R", "A", "B", "C"]);
  const pk = (v: string, n: number) => Array.from({ length: n }, (_, i) => ({ id: `${v}${i}`, bytes: 1 }));
  const files = ["A0", "A1", "A2", "B0", "B1", "C0", "C1", "C2"].map((p, i) => ({ path: `f${i}`, sha256: `h${p}`, size: 1, origin: p[0] as string }));
  const state: DatasetState = {
    format: 1, id: "C", files, links: [], pending: {}, dirty: false, counters: { added: 0, modified: 0, removed: 0 },
    objects: Object.fromEntries(files.map((f) => [f.sha256, [[f.sha256.slice(1), 0, 1, 1, 0]]])) as DatasetState["objects"],
    packs: { A: pk("A", 3), B: pk("B", 2), C: pk("C", 3) },
    graph: { A: [], B: ["A"], C: ["B"] },
  };
  const parts = (n: number) => Array.from({ length: n }, (_, p) => selectPart(state, p, n).files.map((f) => f.sha256.slice(1)));
  assert.equal(parts(3), [["A0", "A1", "A2"], ["B0", "B1", "C0"], ["C1", "C2"]]);
  assert.equal(parts(5), [["A0", "A1"], ["A2", "B0"], ["B1", "C0"], ["C1"], ["C2"]]);
  const ten = parts(10);
  assert.equal(ten.slice(8), [[], []]);
  assert.is(ten.flat().length, 8);
  assert.throws(() => selectPart(state, 3, 3), (e: Error & { code?: string }) => e.code === "InvalidArgumentError");
  assert.throws(() => selectPart(state, 0, 0), (e: Error & { code?: string }) => e.code === "InvalidArgumentError");
});

test.run();
