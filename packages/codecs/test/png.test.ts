import { type DType, type NDArray, ndarray, viewAs } from "@shoal/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { png } from "../src/png.ts";
import { crc32 } from "../src/checksums.ts";
import { fixture, flip, loadFixtures, prng, throwsCode } from "./helpers.ts";

const pngNames = ["gray8", "gray16", "graya8", "rgb8", "rgba8", "rgb16", "palette"];
await loadFixtures(["meta.json", "gray.jpg", ...pngNames.flatMap((n) => [`${n}.png`, `${n}.raw`])]);
const meta = JSON.parse(new TextDecoder().decode(fixture("meta.json"))) as Record<string, { shape: number[]; dtype: DType }>;

function sameArray(a: NDArray, b: NDArray, label: string): void {
  assert.is(a.dtype, b.dtype, label);
  assert.equal([...a.shape], [...b.shape], label);
  assert.equal(Array.from(a.data as Uint8Array), Array.from(b.data as Uint8Array), label);
}

test("hand-written PNGs (python zlib) decode to their reference pixels; readInfo agrees", () => {
  for (const name of pngNames) {
    const { shape, dtype } = meta[name]!;
    const data = fixture(`${name}.png`);
    assert.equal(png.readInfo(data), { shape, dtype }, name);
    const expected = ndarray(dtype, shape, viewAs(dtype, fixture(`${name}.raw`)) as never);
    sameArray(png.decode(data), expected, name);
  }
});

test("encode → decode is lossless for uint8/uint16 with 1-4 channels", () => {
  const rnd = prng(7);
  for (const dtype of ["uint8", "uint16"] as const) {
    for (const channels of [1, 2, 3, 4]) {
      const shape = [19, 23, channels];
      const n = 19 * 23 * channels;
      const data = dtype === "uint8" ? new Uint8Array(n) : new Uint16Array(n);
      for (let i = 0; i < n; i++) data[i] = i % 7 === 0 ? (rnd() * (dtype === "uint8" ? 256 : 65536)) | 0 : (i * 3) % (dtype === "uint8" ? 256 : 65536);
      const array = ndarray(dtype, shape, data as never);
      const encoded = png.encode!(array);
      assert.equal(png.readInfo(encoded), { shape, dtype });
      sameArray(png.decode(encoded), array, `${dtype} ${channels}`);
    }
  }
  const flat = ndarray("uint8", [4, 5], new Uint8Array(20).fill(9));
  assert.equal(png.decode(png.encode!(flat)).shape, [4, 5, 1]);
});

test("corrupt or truncated PNG → CorruptDataError naming png", () => {
  const data = fixture("rgb8.png");
  assert.ok(throwsCode(() => png.readInfo(fixture("gray.jpg")), "CorruptDataError", /\[shoal\] png: bad signature at byte 0/));
  assert.ok(throwsCode(() => png.decode(data.subarray(0, 20)), "CorruptDataError", /png: missing IHDR/));
  assert.ok(throwsCode(() => png.decode(data.subarray(0, data.length - 40)), "CorruptDataError", /png/));
  const badCrc = data.slice();
  flip(badCrc, 30, 0xff);
  assert.ok(throwsCode(() => png.readInfo(badCrc), "CorruptDataError", /IHDR CRC mismatch/));
  const badIdat = data.slice();
  flip(badIdat, 60, 0xff);
  assert.ok(throwsCode(() => png.decode(badIdat), "CorruptDataError", /png/));
});

// Found by the reliability fuzzer: upng-js trusted a chunk length of 0xffffffff and spun for minutes.
test("a chunk length past the end of the file, or a size the image data cannot hold, is refused before decoding", () => {
  const data = fixture("rgb8.png");
  const huge = data.slice();
  new DataView(huge.buffer).setUint32(33, 0xffffffff);
  assert.ok(throwsCode(() => png.decode(huge), "CorruptDataError", /declares 4294967295 bytes/));
  const wide = data.slice();
  new DataView(wide.buffer).setUint32(16, 0x7fffffff);
  new DataView(wide.buffer).setUint32(29, crc32(wide.subarray(12, 29)));
  assert.ok(throwsCode(() => png.decode(wide), "CorruptDataError", /cannot inflate/));
});

test("bad arguments → InvalidArgumentError", () => {
  assert.ok(throwsCode(() => png.decode(123 as never), "InvalidArgumentError"));
  assert.ok(throwsCode(() => png.encode!(ndarray("float32", [2, 2, 1]), {}), "InvalidArgumentError", /uint8 or uint16/));
  assert.ok(throwsCode(() => png.encode!(ndarray("uint8", [2, 2, 5]), {}), "InvalidArgumentError", /shape/));
  assert.ok(throwsCode(() => png.encode!({ dtype: "uint8", shape: [2, 2, 1], data: new Uint8Array(3) }, {}), "InvalidArgumentError", /needs 4/));
});

test.run();
