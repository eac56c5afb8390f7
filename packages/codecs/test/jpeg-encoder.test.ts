// @runtimes node,node24,bun,deno
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NDArray, ndarray } from "@shoal/core";
import jpegJs from "jpeg-js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { getSampleCodec } from "../src/registry.ts";
import { JpegEncoder } from "../src/jpeg-encoder.ts";
import { jpeg } from "../src/jpeg.ts";
import { equalBytes, prng, throwsCode } from "./helpers.ts";

/** Gradients, waves, a flat rectangle and ±noise per channel: what photos look like to a DCT. */
function picture(h: number, w: number, channels: number, seed: number, noise = 4): Uint8Array {
  const rnd = prng(seed);
  const out = new Uint8Array(h * w * channels);
  let i = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inRect = x > w / 3 && x < w / 2 && y > h / 4 && y < h / 2;
      for (let c = 0; c < channels; c++) {
        const base = inRect ? 60 + 50 * c : 128 + 80 * Math.sin(x / (9 + 4 * c) + y / 23) + 30 * Math.cos(y / (7 + c));
        out[i++] = Math.max(0, Math.min(255, Math.round(base + (rnd() * 2 - 1) * noise)));
      }
    }
  }
  return out;
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  assert.is(a.length, b.length, "decoded size");
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return sum === 0 ? Infinity : 10 * Math.log10((255 * 255 * a.length) / sum);
}

function jpegJsDecode(bytes: Uint8Array): Uint8Array {
  return jpegJs.decode(bytes, { useTArray: true, formatAsRGBA: false }).data;
}

const hasDjpeg = spawnSync("djpeg", ["-version"]).status === 0;
const hasCjpeg = spawnSync("cjpeg", ["-version"]).status === 0;

const scratch = mkdtempSync(join(tmpdir(), "shoal-jpeg-"));
let scratchFiles = 0;

/** libjpeg-turbo's decode as binary PPM/PGM pixels, or undefined where `djpeg` is not installed. */
function djpeg(bytes: Uint8Array): { channels: number; pixels: Uint8Array } | undefined {
  if (!hasDjpeg) return undefined;
  // Files, not pipes: piping input and output at once deadlocks some runtimes' spawnSync past 64 KiB.
  const input = join(scratch, `${scratchFiles}.jpg`);
  const output = join(scratch, `${scratchFiles++}.pnm`);
  writeFileSync(input, bytes);
  const run = spawnSync("djpeg", ["-pnm", "-outfile", output, input]);
  // libjpeg reports damage ("Corrupt JPEG data: …") as a warning on stderr and still exits 0.
  assert.is(new TextDecoder().decode(run.stderr), "", "djpeg warnings");
  assert.is(run.status, 0, "djpeg exit status");
  const out = new Uint8Array(readFileSync(output));
  const m = /^P([56])\s+\d+\s+\d+\s+255\s/.exec(new TextDecoder("latin1").decode(out.subarray(0, 40)));
  if (!m) throw new Error("djpeg wrote no binary PNM");
  return { channels: m[1] === "6" ? 3 : 1, pixels: out.subarray(m[0].length) };
}

/** cjpeg's baseline encode of binary PPM `ppm`. */
function cjpeg(ppm: Uint8Array, quality: number): Uint8Array {
  const input = join(scratch, `${scratchFiles}.ppm`);
  const output = join(scratch, `${scratchFiles++}.jpg`);
  writeFileSync(input, ppm);
  const run = spawnSync("cjpeg", ["-quality", String(quality), "-baseline", "-outfile", output, input]);
  assert.is(run.status, 0, "cjpeg exit status");
  return new Uint8Array(readFileSync(output));
}

/** The payload of every `marker` segment before the scan. */
function segments(bytes: Uint8Array, marker: number): Uint8Array[] {
  const found: Uint8Array[] = [];
  for (let p = 2; p + 4 <= bytes.length; ) {
    const code = bytes[p + 1]!;
    const length = (bytes[p + 2]! << 8) | bytes[p + 3]!;
    if (code === marker) found.push(bytes.subarray(p + 4, p + 2 + length));
    if (code === 0xda) break;
    p += 2 + length;
  }
  return found;
}

const rgbOf = (rgba: Uint8Array): Uint8Array => rgba.filter((_, i) => i % 4 !== 3);
const encoder = new JpegEncoder();

test("q90 RGB/RGBA at 4:2:0 and 4:4:4: PSNR ≥ 30 dB decoded by jpeg-js and, where installed, djpeg", () => {
  const [h, w] = [96, 120];
  const rgba = picture(h, w, 4, 1);
  const rgb = rgbOf(rgba);
  for (const subsampling of ["4:2:0", "4:4:4"] as const) {
    const bytes = encoder.encode(ndarray("uint8", [h, w, 3], rgb), { quality: 90, subsampling });
    assert.equal(jpeg.readInfo(bytes), { shape: [h, w, 3], dtype: "uint8" });
    const viaJpegJs = psnr(jpegJsDecode(bytes), rgb);
    assert.ok(viaJpegJs >= 30, `${subsampling} jpeg-js PSNR ${viaJpegJs.toFixed(1)} dB`);
    const ref = djpeg(bytes);
    if (ref) {
      assert.is(ref.channels, 3);
      const viaDjpeg = psnr(ref.pixels, rgb);
      assert.ok(viaDjpeg >= 30, `${subsampling} djpeg PSNR ${viaDjpeg.toFixed(1)} dB`);
    }
    // Alpha is dropped, nothing else changes.
    assert.ok(equalBytes(encoder.encode(ndarray("uint8", [h, w, 4], rgba), { quality: 90, subsampling }), bytes), `${subsampling} RGBA`);
  }
  const low = encoder.encode(ndarray("uint8", [h, w, 3], rgb), { quality: 20 });
  const high = encoder.encode(ndarray("uint8", [h, w, 3], rgb), { quality: 98 });
  assert.ok(low.length < high.length, `q20 ${low.length} B < q98 ${high.length} B`);
  assert.ok(psnr(jpegJsDecode(low), rgb) < psnr(jpegJsDecode(high), rgb));
});

test("grayscale [h, w, 1] and [h, w] stay one component", () => {
  const [h, w] = [40, 50];
  const gray = picture(h, w, 1, 2);
  for (const shape of [[h, w, 1], [h, w]]) {
    const bytes = encoder.encode(ndarray("uint8", shape, gray));
    const sof = segments(bytes, 0xc0)[0]!;
    assert.is(sof[5], 1, "SOF0 component count");
    const decoded = jpeg.decode(bytes);
    assert.equal(decoded.shape, [h, w, 1]);
    assert.ok(psnr(decoded.data as Uint8Array, gray) >= 30, `jpeg-js PSNR ${psnr(decoded.data as Uint8Array, gray).toFixed(1)}`);
    const ref = djpeg(bytes);
    if (ref) {
      assert.is(ref.channels, 1);
      assert.ok(psnr(ref.pixels, gray) >= 30);
    }
  }
});

test("odd sizes 1×1, 7×13, 17×9 (partial MCUs, edge replication) decode to the right shape and pixels", () => {
  for (const [h, w] of [[1, 1], [7, 13], [17, 9], [9, 17]] as const) {
    const rgb = picture(h, w, 3, h * 100 + w, 2);
    for (const subsampling of ["4:2:0", "4:4:4"] as const) {
      const bytes = encoder.encode(ndarray("uint8", [h, w, 3], rgb), { subsampling });
      assert.equal(jpeg.decode(bytes).shape, [h, w, 3]);
      // Halved chroma cannot follow the colour edges of a few-pixel image, so 4:2:0 gets a lower floor here.
      const floor = subsampling === "4:4:4" ? 30 : 25;
      assert.ok(psnr(jpegJsDecode(bytes), rgb) >= floor, `${h}x${w} ${subsampling} jpeg-js ${psnr(jpegJsDecode(bytes), rgb).toFixed(1)} dB`);
      const ref = djpeg(bytes);
      if (ref) assert.ok(psnr(ref.pixels, rgb) >= floor, `${h}x${w} ${subsampling} djpeg ${psnr(ref.pixels, rgb).toFixed(1)} dB`);
    }
    const gray = rgb.filter((_, i) => i % 3 === 0);
    assert.ok(psnr(jpeg.decode(encoder.encode(ndarray("uint8", [h, w, 1], gray))).data as Uint8Array, gray) >= 30, `${h}x${w} gray`);
  }
});

test("incompressible input at q100 (output far beyond the initial buffer) stays decodable", () => {
  const rnd = prng(8);
  const [h, w] = [192, 256];
  const noise = new Uint8Array(h * w * 3).map(() => (rnd() * 256) | 0);
  for (const [subsampling, restartInterval] of [["4:4:4", 0], ["4:2:0", 5]] as const) {
    const bytes = encoder.encode(ndarray("uint8", [h, w, 3], noise), { quality: 100, subsampling, restartInterval });
    assert.ok(bytes.length > 1 << 16, `${bytes.length} B`);
    assert.equal(jpeg.decode(bytes).shape, [h, w, 3]);
    if (subsampling === "4:4:4") assert.ok(psnr(jpegJsDecode(bytes), noise) >= 35, `q100 PSNR ${psnr(jpegJsDecode(bytes), noise).toFixed(1)}`);
    djpeg(bytes);
  }
});

test("restart markers: DRI, RST0..7 cycling between MCUs, same pixels as without", () => {
  const [h, w] = [40, 72];
  const rgb = picture(h, w, 3, 3);
  const image = ndarray("uint8", [h, w, 3], rgb);
  for (const [subsampling, mcus] of [["4:2:0", 3 * 5], ["4:4:4", 5 * 9]] as const) {
    const plain = encoder.encode(image, { subsampling });
    const interval = 2;
    const bytes = encoder.encode(image, { subsampling, restartInterval: interval });
    const dri = segments(bytes, 0xdd)[0]!;
    assert.is((dri[0]! << 8) | dri[1]!, interval);
    const markers: number[] = [];
    for (let i = 0; i + 1 < bytes.length; i++) if (bytes[i] === 0xff && bytes[i + 1]! >= 0xd0 && bytes[i + 1]! <= 0xd7) markers.push(bytes[i + 1]! - 0xd0);
    assert.equal(markers, Array.from({ length: Math.ceil(mcus / interval) - 1 }, (_, i) => i % 8), subsampling);
    // Restarts only reset DC prediction and byte-align: the decoded image is identical.
    assert.ok(equalBytes(jpegJsDecode(bytes), jpegJsDecode(plain)), subsampling);
    const ref = djpeg(bytes);
    const refPlain = djpeg(plain);
    if (ref && refPlain) assert.ok(equalBytes(ref.pixels, refPlain.pixels), `${subsampling} djpeg`);
  }
});

test("quantisation and Huffman tables are libjpeg's (cjpeg -baseline where installed, else known q75 values)", () => {
  const rgb = picture(16, 16, 3, 4);
  for (const quality of [30, 75, 97]) {
    const ours = encoder.encode(ndarray("uint8", [16, 16, 3], rgb), { quality });
    const dqt = segments(ours, 0xdb)[0]!;
    if (quality === 75) assert.equal([...dqt.subarray(0, 9)], [0, 8, 6, 6, 7, 6, 5, 8, 7]);
    if (!hasCjpeg) continue;
    const ppm = new Uint8Array([...new TextEncoder().encode("P6 16 16 255\n"), ...rgb]);
    const theirs = cjpeg(ppm, quality);
    const join = (parts: Uint8Array[]) => parts.flatMap((p) => [...p]);
    assert.equal(join(segments(ours, 0xdb)), join(segments(theirs, 0xdb)), `DQT q${quality}`);
    assert.equal(join(segments(ours, 0xc4)), join(segments(theirs, 0xc4)), `DHT q${quality}`);
  }
});

test("a reused encoder gives the same bytes as a fresh one, and returned bytes are not overwritten", () => {
  const a = ndarray("uint8", [33, 20, 3], picture(33, 20, 3, 5));
  const b = ndarray("uint8", [64, 64, 1], picture(64, 64, 1, 6));
  const first = encoder.encode(a, { quality: 80 });
  const copy = first.slice();
  encoder.encode(b, { quality: 40, restartInterval: 3 });
  assert.ok(equalBytes(first, copy), "earlier result untouched");
  assert.ok(equalBytes(encoder.encode(a, { quality: 80 }), copy), "same bytes on reuse");
  assert.ok(equalBytes(new JpegEncoder({ quality: 80 }).encode(a), copy), "constructor defaults");
  assert.ok(!equalBytes(new JpegEncoder({ quality: 80 }).encode(a, { quality: 81 }), copy), "call options override defaults");
});

test("the registry's jpeg encodes with our encoder (grayscale stays 1 channel)", async () => {
  const codec = await getSampleCodec("jpeg");
  const gray = picture(10, 12, 1, 7);
  const bytes = codec.encode!(ndarray("uint8", [10, 12, 1], gray), { quality: 90 });
  assert.equal(codec.readInfo(bytes), { shape: [10, 12, 1], dtype: "uint8" });
  assert.ok(equalBytes(bytes, encoder.encode(ndarray("uint8", [10, 12, 1], gray), { quality: 90 })));
});

test("bad input → InvalidArgumentError, and the encoder still works afterwards", () => {
  const ok = ndarray("uint8", [4, 4, 3]);
  const bad: [NDArray, object, RegExp][] = [
    [ndarray("uint16", [4, 4, 3]), {}, /uint8/],
    [ndarray("float32", [4, 4]), {}, /uint8/],
    [ndarray("uint8", [48]), {}, /shape/],
    [ndarray("uint8", [1, 4, 4, 3]), {}, /shape/],
    [ndarray("uint8", [4, 4, 2]), {}, /shape/],
    [ndarray("uint8", [0, 4, 3]), {}, /shape/],
    [{ dtype: "uint8", shape: [4, 4, 3], data: new Uint8Array(47) }, {}, /47/],
    [{ dtype: "uint8", shape: [2, 2, 1], data: [1, 2, 3, 4] } as unknown as NDArray, {}, /Uint8Array/],
    [ok, { quality: 0 }, /quality/],
    [ok, { quality: 101 }, /quality/],
    [ok, { quality: 90.5 }, /quality/],
    [ok, { quality: "90" }, /quality/],
    [ok, { subsampling: "4:2:2" }, /subsampling/],
    [ok, { restartInterval: -1 }, /restartInterval/],
    [ok, { restartInterval: 65536 }, /restartInterval/],
  ];
  for (const [image, opts, pattern] of bad) {
    assert.ok(throwsCode(() => encoder.encode(image, opts), "InvalidArgumentError", pattern), `${image.dtype} [${image.shape}] ${JSON.stringify(opts)}`);
  }
  assert.ok(throwsCode(() => encoder.encode(null as unknown as NDArray), "InvalidArgumentError"));
  assert.ok(throwsCode(() => new JpegEncoder({ quality: 0 }), "InvalidArgumentError", /quality/));
  assert.ok(throwsCode(() => jpeg.encode!(ok, { quality: 200 }), "InvalidArgumentError", /quality/));
  assert.equal(jpeg.decode(encoder.encode(ok)).shape, [4, 4, 3]);
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();
