import { ndarray } from "@shoal/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { jpeg, readJpegHeader } from "../src/jpeg.ts";
import { fixture, gunzip, loadFixtures, throwsCode } from "./helpers.ts";

/** Parses a binary PPM/PGM as djpeg writes it. */
function pnm(bytes: Uint8Array): { width: number; height: number; channels: number; pixels: Uint8Array } {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 40));
  const m = /^P([56])\s+(\d+)\s+(\d+)\s+255\s/.exec(head);
  if (!m) throw new Error("not a binary PNM");
  return { width: Number(m[2]), height: Number(m[3]), channels: m[1] === "6" ? 3 : 1, pixels: bytes.subarray(m[0].length) };
}

/** jpeg-js and libjpeg-turbo differ in IDCT rounding and chroma upsampling, so compare with a tolerance. */
function assertClose(actual: Uint8Array, expected: Uint8Array, label: string): void {
  assert.is(actual.length, expected.length, label);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (d > max) max = d;
    sum += d;
  }
  assert.ok(max <= 32 && sum / actual.length <= 3, `${label}: max diff ${max}, mean ${(sum / actual.length).toFixed(2)}`);
}

const cases: [string, string, boolean][] = [
  ["rgb-baseline.jpg", "rgb-baseline.ppm", false],
  ["rgb-progressive.jpg", "rgb-progressive.ppm", false],
  ["gray.jpg", "gray.pgm", false],
  ["deeplake-0.jpg", "deeplake-0.ppm.gz", true],
];

await loadFixtures(["gray8.png", ...cases.flatMap(([file, reference]) => [file, reference])]);

test("decodes cjpeg baseline/progressive/grayscale files and a Deep Lake 2.0.6 sample like djpeg does", async () => {
  for (const [file, reference, gzipped] of cases) {
    const ref = pnm(gzipped ? await gunzip(fixture(reference)) : fixture(reference));
    const data = fixture(file);
    const info = jpeg.readInfo(data);
    assert.equal(info, { shape: [ref.height, ref.width, ref.channels], dtype: "uint8" }, file);
    const array = jpeg.decode(data);
    assert.equal(array.shape, info.shape, file);
    assert.is(array.dtype, "uint8");
    assertClose(array.data as Uint8Array, ref.pixels, file);
  }
  assert.equal(jpeg.readInfo(fixture("deeplake-0.jpg")).shape, [200, 200, 3]);
  assert.ok(readJpegHeader(fixture("rgb-progressive.jpg")).progressive);
});

test("encode → decode round trip stays close; quality changes size", () => {
  const h = 37;
  const w = 53;
  const data = new Uint8Array(h * w * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = (x * 4 + y * 3 + c * 40) & 0xff;
  // The sawtooth wraps 255 → 0 every few pixels, which halved (4:2:0) chroma cannot follow.
  const encoded = jpeg.encode!(ndarray("uint8", [h, w, 3], data), { quality: 95, subsampling: "4:4:4" });
  assert.equal(jpeg.readInfo(encoded), { shape: [h, w, 3], dtype: "uint8" });
  assertClose(jpeg.decode(encoded).data as Uint8Array, data, "round trip");
  assert.ok(jpeg.encode!(ndarray("uint8", [h, w, 3], data), { quality: 20 }).length < encoded.length);
  const gray = jpeg.decode(jpeg.encode!(ndarray("uint8", [h, w], data.subarray(0, h * w))));
  assert.equal(gray.shape, [h, w, 1]);
});

test("corrupt or truncated JPEG → CorruptDataError naming jpeg", () => {
  const data = fixture("rgb-baseline.jpg");
  assert.ok(throwsCode(() => jpeg.readInfo(new Uint8Array([1, 2, 3, 4])), "CorruptDataError", /\[shoal\] jpeg: missing SOI marker at byte 0/));
  assert.ok(throwsCode(() => jpeg.readInfo(data.subarray(0, 100)), "CorruptDataError", /jpeg/));
  assert.ok(throwsCode(() => jpeg.decode(data.subarray(0, 20)), "CorruptDataError", /jpeg/));
  const broken = data.slice();
  broken[2] = 0x00;
  assert.ok(throwsCode(() => jpeg.decode(broken), "CorruptDataError", /expected a marker/));
  assert.ok(throwsCode(() => jpeg.decode(fixture("gray8.png")), "CorruptDataError", /jpeg/));
});

test("bad arguments → InvalidArgumentError", () => {
  assert.ok(throwsCode(() => jpeg.readInfo("x" as never), "InvalidArgumentError"));
  assert.ok(throwsCode(() => jpeg.encode!(ndarray("uint16", [2, 2, 3]), {}), "InvalidArgumentError", /uint8/));
  assert.ok(throwsCode(() => jpeg.encode!(ndarray("uint8", [2, 2, 2]), {}), "InvalidArgumentError", /shape/));
  assert.ok(throwsCode(() => jpeg.encode!(ndarray("uint8", [2, 2, 3]), { quality: 0 }), "InvalidArgumentError", /quality/));
});

test.run();
