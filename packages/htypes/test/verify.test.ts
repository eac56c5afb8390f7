// Structural verification of compressed samples kept byte for byte: truncated or damaged PNG/JPEG/WAV files whose
// headers are intact are refused with CorruptSampleError naming tensor and index.
import { readFileSync } from "node:fs";
import { getSampleCodec } from "@shoal/codecs";
import { isShoalError, ndarray } from "@shoal/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { resolveTensorMeta } from "../src/meta.ts";
import { normalizeSample } from "../src/normalize.ts";
import { readMediaInfo } from "../src/media-info.ts";
import { sampleFromBytes } from "../src/sniff.ts";
import { verifyStructure } from "../src/verify.ts";
import type { CreateTensorOptions, SampleInput } from "../src/index.ts";

const wav = new Uint8Array(readFileSync(new URL("./fixtures/tiny.wav", import.meta.url)));

function pixels(h: number, w: number): ReturnType<typeof ndarray> {
  const data = new Uint8Array(h * w * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 251;
  return ndarray("uint8", [h, w, 3], data);
}

const png = async () => (await getSampleCodec("png")).encode!(pixels(16, 16));
const jpeg = async () => (await getSampleCodec("jpeg")).encode!(pixels(16, 16));

async function rejectsAt(opts: CreateTensorOptions, sample: SampleInput, index: number, message: RegExp): Promise<void> {
  try {
    await normalizeSample(resolveTensorMeta(opts), sample, { tensor: "media", index });
  } catch (e) {
    assert.ok(isShoalError(e, "CorruptSampleError"), `expected CorruptSampleError, got ${String(e)}`);
    assert.match((e as Error).message, new RegExp(`tensor "media", sample ${index}`));
    assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable("expected CorruptSampleError");
}

test("intact PNG, JPEG and WAV files pass and are kept as they are", async () => {
  for (const [bytes, c] of [[await png(), "png"], [await jpeg(), "jpeg"], [wav, "wav"]] as const) {
    verifyStructure(bytes, c);
    const htype = c === "wav" ? "audio" : "image";
    const out = await normalizeSample(resolveTensorMeta({ htype, sampleCompression: c }), sampleFromBytes(bytes), { tensor: "media", index: 0 });
    assert.is((out.sample as { bytes?: Uint8Array }).bytes, bytes);
  }
});

test("a truncated PNG whose header still reads is refused (no IEND, or a chunk past the end)", async () => {
  const bytes = await png();
  const cut = bytes.subarray(0, bytes.length - 6);
  assert.ok((await readMediaInfo(cut, "png")).shape, "the header alone still reads");
  await rejectsAt({ htype: "image", sampleCompression: "png" }, sampleFromBytes(cut), 7, /png: .*(truncated|IEND)/);
  const noEnd = bytes.subarray(0, bytes.length - 12);
  await rejectsAt({ htype: "image", sampleCompression: "png" }, sampleFromBytes(noEnd), 3, /no IEND/);
});

test("a PNG with a flipped byte inside IDAT fails its chunk CRC-32", async () => {
  const bytes = (await png()).slice();
  const idat = bytes.findIndex((_, i) => bytes[i] === 0x49 && bytes[i + 1] === 0x44 && bytes[i + 2] === 0x41 && bytes[i + 3] === 0x54);
  bytes[idat + 10]! ^= 0x40;
  await rejectsAt({ htype: "image", sampleCompression: "png" }, sampleFromBytes(bytes), 0, /CRC-32/);
});

test("a truncated JPEG (no EOI) and one cut inside its headers are refused", async () => {
  const bytes = await jpeg();
  const cut = bytes.subarray(0, bytes.length - 40);
  assert.ok((await readMediaInfo(cut, "jpeg")).shape, "the header alone still reads");
  await rejectsAt({ htype: "image", sampleCompression: "jpeg" }, sampleFromBytes(cut), 2, /EOI/);
  // Cut right after the SOF: the marker segments stop before any SOS.
  const sof = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xc0);
  const headerOnly = bytes.subarray(0, sof + 2 + ((bytes[sof + 2]! << 8) | bytes[sof + 3]!));
  await rejectsAt({ htype: "image", sampleCompression: "jpeg" }, sampleFromBytes(headerOnly), 1, /SOS/);
  // Zero padding after EOI is tolerated.
  const padded = new Uint8Array(bytes.length + 4);
  padded.set(bytes);
  verifyStructure(padded, "jpeg");
});

test("a WAV whose data chunk runs past the end is refused", async () => {
  const cut = wav.subarray(0, wav.length - 2);
  await rejectsAt({ htype: "audio", sampleCompression: "wav" }, sampleFromBytes(cut), 5, /wav: data chunk/);
  assert.throws(() => verifyStructure(cut, "wav"), /data chunk declares 40 bytes but the file holds 38/);
  assert.throws(() => verifyStructure(new Uint8Array(12), "wav"), /RIFF/);
  verifyStructure(new Uint8Array(3), "mp4"); // formats without a verifier pass through
});

test.run();
