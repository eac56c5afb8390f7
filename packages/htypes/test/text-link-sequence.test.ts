import { isShoalError, ndarray } from "@shoal/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { resolveTensorMeta } from "../src/meta.ts";
import { normalizeSample } from "../src/normalize.ts";
import { normalizer } from "./normalize-helpers.ts";
import { decodePolygons, encodePolygons } from "../src/htypes/polygon.ts";
import { link } from "../src/htypes/link.ts";
import { checkJsonSchema, parseJsonSchema } from "../src/schema.ts";
import type { NormalizedSample, SampleInput } from "../src/index.ts";

const ctx = { tensor: "docs", index: 3 };
const { norm, rejects } = normalizer(ctx);



test("text takes strings only", async () => {
  assert.equal(await norm({ htype: "text" }, "héllo"), { kind: "text", value: "héllo" });
  await rejects({ htype: "text" }, 5, "SampleTypeError");
  await rejects({ htype: "text" }, ["a"], "SampleTypeError");
});

test("json: plain JSON only, schema enforced when the dtype names one", async () => {
  const v = { source: "white_paper.pdf", page: 0, tags: ["a"], nested: { ok: true, none: null } };
  assert.equal(await norm({ htype: "json" }, v), { kind: "json", value: v });
  assert.equal(await norm({ htype: "json" }, 3), { kind: "json", value: 3 });
  await rejects({ htype: "json" }, { a: undefined } as unknown as SampleInput, "SampleTypeError", /\$\.a/);
  await rejects({ htype: "json" }, { a: [1, Number.NaN] }, "SampleTypeError", /\$\.a\[1\]/);
  await rejects({ htype: "json" }, new Date() as unknown as SampleInput, "SampleTypeError");
  const typed = { htype: "json", dtype: "Dict[str, List[int]]" };
  assert.ok(await norm(typed, { a: [1, 2] }));
  await rejects(typed, { a: [1, 2.5] }, "SampleValueError", /\$\.a\[1\]/);
  await rejects(typed, ["a"], "SampleValueError");
});

test("json schema parser", () => {
  const s = parseJsonSchema("Optional[Union[int, List[str]]]");
  assert.is(checkJsonSchema(null, s), null);
  assert.is(checkJsonSchema(["x"], s), null);
  assert.is(checkJsonSchema(1.5, s), "$");
  assert.is(checkJsonSchema({ "1": 2 }, parseJsonSchema("Dict[int, float]")), null);
  assert.is(checkJsonSchema({ x: 2 }, parseJsonSchema("Dict[int, float]")), "$.x");
  for (const bad of ["Dict[", "Frob", "List[int, str]", "int]", "Union"]) assert.throws(() => parseJsonSchema(bad), /./, bad);
});

test("list and tag", async () => {
  assert.equal(await norm({ htype: "list" }, ["a", 1, { b: 2 }]), { kind: "list", value: ["a", 1, { b: 2 }] });
  await rejects({ htype: "list" }, "a", "SampleTypeError");
  await rejects({ htype: "list", dtype: "List[str]" }, ["a", 1], "SampleValueError");
  assert.equal(await norm({ htype: "tag" }, "x"), { kind: "list", value: ["x"] });
  await rejects({ htype: "tag" }, ["x", 1], "SampleTypeError");
});

test("link: urls, creds keys, cloud urls need creds", async () => {
  const opts = { htype: "link[image]", sampleCompression: "jpeg" };
  assert.equal(await norm(opts, link("s3://abc/def.jpeg", { credsKey: "MY_S3_KEY" })), { kind: "link", url: "s3://abc/def.jpeg", credsKey: "MY_S3_KEY" });
  assert.equal(await norm(opts, "https://picsum.photos/200/300"), { kind: "link", url: "https://picsum.photos/200/300", credsKey: null });
  assert.equal(await norm(opts, link("./path/to/cat.jpeg")), { kind: "link", url: "./path/to/cat.jpeg", credsKey: null });
  await rejects(opts, link("s3://abc/def.jpeg"), "SampleValueError", /credsKey/);
  await rejects(opts, link("gcs://ghi/jkl.png"), "SampleValueError");
  await rejects(opts, ndarray("uint8", [2, 2, 3]), "SampleTypeError");
  assert.throws(() => link(""), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
});

test("sequence: items normalised with the inner htype; errors name the item", async () => {
  const seq = await norm({ htype: "sequence" }, [1, 2, 3]);
  assert.is(seq.kind, "sequence");
  const items = (seq as Extract<NormalizedSample, { kind: "sequence" }>).items;
  assert.equal(items.map((i) => (i.kind === "array" ? i.array.shape : null)), [[1], [1], [1]]);
  const boxes = await norm({ htype: "sequence[bbox]" }, ndarray("float32", [2, 3, 4]));
  assert.equal((boxes as Extract<NormalizedSample, { kind: "sequence" }>).items.length, 2);
  await rejects({ htype: "sequence[bbox]" }, [[[1, 2, 3, 4]], [[1, 2, 3]]], "SampleShapeError", /sample 3 item 1/);
  await rejects({ htype: "sequence[text]" }, "abc", "SampleTypeError");
  const meta = resolveTensorMeta({ htype: "sequence[class_label]", classNames: ["a"] });
  const r = await normalizeSample(meta, ["a", "b", ["b", "c"]], ctx);
  assert.equal(r.classNames, ["a", "b", "c"]);
  const links = await norm({ htype: "sequence[link[image]]" }, ["a.jpg", "b.jpg"]);
  assert.equal((links as Extract<NormalizedSample, { kind: "sequence" }>).items.map((i) => i.kind), ["link", "link"]);
});

test("polygon: ragged polygons flatten, encode and decode back", async () => {
  const sample = [[[1, 2], [2, 3], [3, 4]], [[10, 12], [14, 19]], [[33, 32], [54, 67], [67, 43], [56, 98]]];
  const p = await norm({ htype: "polygon" }, sample);
  assert.is(p.kind, "polygons");
  const poly = p as Extract<NormalizedSample, { kind: "polygons" }>;
  assert.equal([...poly.counts], [3, 2, 4]);
  assert.equal(poly.shape, [3, 4, 2]);
  assert.equal(poly.points.shape, [9, 2]);
  const bytes = encodePolygons(poly);
  const back = decodePolygons(bytes, "float32");
  assert.equal(back.map((a) => [...a.data]), sample.map((pg) => pg.flat()));
  const uniform = await norm({ htype: "polygon" }, ndarray("float32", [5, 7, 2]));
  assert.equal((uniform as Extract<NormalizedSample, { kind: "polygons" }>).shape, [5, 7, 2]);
  await rejects({ htype: "polygon" }, [[[1, 2]], [[1, 2, 3]]], "SampleShapeError", /same dims/);
  await rejects({ htype: "polygon" }, "x", "SampleTypeError");
  assert.throws(() => decodePolygons(bytes.subarray(0, bytes.length - 1), "float32"), (e: unknown) => isShoalError(e, "CorruptDataError"));
  assert.throws(() => decodePolygons(new Uint8Array(3), "float32"), (e: unknown) => isShoalError(e, "CorruptDataError"));
});

test.run();
