import { type DType, type NDArray, ndarray, viewAs } from "@shoal/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readWavHeader, wav } from "../src/wav.ts";
import { fixture, loadFixtures, prng, throwsCode } from "./helpers.ts";

const cases: [string, DType][] = [["pcm8", "uint8"], ["pcm16", "int16"], ["pcm24", "int32"], ["pcm32", "int32"], ["float32", "float32"]];
await loadFixtures(["meta.json", ...cases.flatMap(([n]) => [`${n}.wav`, `${n}.expected`])]);
const meta = JSON.parse(new TextDecoder().decode(fixture("meta.json"))) as Record<string, { shape: number[] }>;

function sameArray(a: NDArray, b: NDArray, label: string): void {
  assert.is(a.dtype, b.dtype, label);
  assert.equal([...a.shape], [...b.shape], label);
  assert.equal(Array.from(a.data as Int32Array), Array.from(b.data as Int32Array), label);
}

test("python wave/struct files decode to their expected samples; readInfo agrees", () => {
  for (const [name, dtype] of cases) {
    const data = fixture(`${name}.wav`);
    const { shape } = meta[name]!;
    assert.equal(wav.readInfo(data), { shape, dtype }, name);
    sameArray(wav.decode(data), ndarray(dtype, shape, viewAs(dtype, fixture(`${name}.expected`)) as never), name);
  }
  assert.is(readWavHeader(fixture("pcm16.wav")).sampleRate, 8000);
});

test("encode → decode round trip for every writable dtype, mono and multi-channel", () => {
  const rnd = prng(3);
  for (const dtype of ["uint8", "int16", "int32", "float32", "float64"] as const) {
    for (const shape of [[100], [64, 2], [0, 3]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const array = ndarray(dtype, shape, undefined);
      for (let i = 0; i < n; i++) (array.data as Float64Array)[i] = dtype.startsWith("float") ? rnd() * 2 - 1 : ((rnd() * 200) | 0) - (dtype === "uint8" ? 0 : 100);
      const encoded = wav.encode!(array, { sampleRate: 22050 });
      const expectedShape = shape.length === 1 ? [shape[0]!, 1] : shape;
      assert.equal(wav.readInfo(encoded), { shape: expectedShape, dtype });
      sameArray(wav.decode(encoded), ndarray(dtype, expectedShape, array.data as never), `${dtype} ${shape}`);
      assert.is(readWavHeader(encoded).sampleRate, 22050);
    }
  }
});

test("truncated or malformed WAV → CorruptDataError", () => {
  const data = fixture("pcm16.wav");
  assert.ok(throwsCode(() => wav.readInfo(new Uint8Array(12)), "CorruptDataError", /\[shoal\] wav: not a RIFF\/WAVE file at byte 0/));
  assert.ok(throwsCode(() => wav.decode(data.subarray(0, data.length - 10)), "CorruptDataError", /only \d+ present/));
  assert.ok(throwsCode(() => wav.readInfo(data.subarray(0, 30)), "CorruptDataError", /fmt/));
  const adpcm = data.slice();
  adpcm[20] = 2;
  assert.ok(throwsCode(() => wav.readInfo(adpcm), "CorruptDataError", /unsupported format code 2/));
});

test("bad arguments → InvalidArgumentError", () => {
  assert.ok(throwsCode(() => wav.readInfo(undefined as never), "InvalidArgumentError"));
  assert.ok(throwsCode(() => wav.encode!(ndarray("int64", [2])), "InvalidArgumentError", /dtype/));
  assert.ok(throwsCode(() => wav.encode!(ndarray("int16", [2, 2, 2])), "InvalidArgumentError", /shape/));
  assert.ok(throwsCode(() => wav.encode!(ndarray("int16", [2]), { sampleRate: 0 }), "InvalidArgumentError", /sampleRate/));
});

test.run();
