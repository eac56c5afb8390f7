import { readFileSync } from "node:fs";
import { isShoalError } from "@shoal/core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readAviInfo } from "../src/formats/avi.ts";
import { readDicomInfo } from "../src/formats/dicom.ts";
import { readFlacInfo } from "../src/formats/flac.ts";
import { readLasInfo } from "../src/formats/las.ts";
import { readMp3Info } from "../src/formats/mp3.ts";
import { readMp4Info } from "../src/formats/mp4.ts";
import { readNiftiInfo } from "../src/formats/nifti.ts";
import { readPlyInfo } from "../src/formats/ply.ts";
import { FORMAT_SUPPORT, readMediaInfo } from "../src/media-info.ts";
import { sampleFromBytes, sniffCompression } from "../src/sniff.ts";
import { aviFile, dicomFile, flacFile, lasFile, mp3File, mp4File, niftiFile, plyFile } from "./builders.ts";

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const corrupt = (e: unknown) => isShoalError(e, "CorruptDataError");

test("LAS: point count and laspy field names per point format", () => {
  const info = readLasInfo(lasFile({ points: 5, format: 3, recordLength: 34 }));
  assert.equal(info.shape, [5, 19]);
  assert.is(info.details.version, "1.2");
  assert.ok((info.details.fields as string[]).includes("gps_time"));
  const v14 = readLasInfo(lasFile({ points: 4, format: 6, recordLength: 30, minor: 4 }));
  assert.equal(v14.shape, [4, 18]);
  const f = lasFile({ points: 5, format: 3, recordLength: 34 });
  assert.throws(() => readLasInfo(f.subarray(0, f.length - 1)), corrupt);
  assert.throws(() => readLasInfo(f.subarray(0, 100)), corrupt);
  const bad = f.slice();
  bad[104] = 42;
  assert.throws(() => readLasInfo(bad), corrupt);
  assert.throws(() => readLasInfo(new Uint8Array(300)), corrupt);
});

test("PLY: vertex/face counts and properties", () => {
  const info = readPlyInfo(plyFile(100, 200));
  assert.equal(info.shape, [100, 3]);
  assert.is(info.dtype, "float32");
  assert.is(info.details.faceCount, 200);
  assert.is(info.details.format, "binary_little_endian");
  assert.throws(() => readPlyInfo(new TextEncoder().encode("ply\nformat weird 1.0\nend_header\n")), corrupt);
  assert.throws(() => readPlyInfo(new TextEncoder().encode("ply\nformat ascii 1.0\nelement vertex 3\n")), corrupt);
  assert.throws(() => readPlyInfo(new TextEncoder().encode("plz\n")), corrupt);
});

test("NIfTI: dims and datatype in both byte orders; RGB adds a channel axis", () => {
  assert.equal(readNiftiInfo(niftiFile([4, 5, 6], 16, 32)).shape, [4, 5, 6]);
  const be = readNiftiInfo(niftiFile([4, 5, 6, 2], 4, 16, false));
  assert.equal([be.shape, be.dtype, be.details.littleEndian], [[4, 5, 6, 2], "int16", false]);
  assert.equal(readNiftiInfo(niftiFile([3, 3, 3], 128, 24)).shape, [3, 3, 3, 3]);
  const bad = niftiFile([4, 5, 6], 16, 32);
  bad[344] = 0x78;
  assert.throws(() => readNiftiInfo(bad), corrupt);
  assert.throws(() => readNiftiInfo(niftiFile([4, 5, 6], 32, 64)), corrupt);
  assert.throws(() => readNiftiInfo(new Uint8Array(100)), corrupt);
});

test("NIfTI .nii.gz written by Python's gzip/struct (cross-check)", async () => {
  const bytes = fixture("tiny.nii.gz");
  assert.is(sniffCompression(bytes), "nii.gz");
  const info = await readMediaInfo(bytes, "nii.gz");
  assert.equal([info.shape, info.dtype], [[2, 3, 4], "int16"]);
  try {
    await readMediaInfo(bytes.subarray(0, 40), "nii.gz");
    assert.unreachable();
  } catch (e) {
    assert.ok(corrupt(e), String(e));
  }
});

test("DICOM: explicit LE, implicit LE, explicit BE; sequences of undefined length skipped", () => {
  const ex = readDicomInfo(dicomFile({ rows: 4, columns: 5, syntax: "explicit" }));
  assert.equal([ex.shape, ex.dtype], [[4, 5, 1], "uint16"]);
  const im = readDicomInfo(dicomFile({ rows: 6, columns: 7, samples: 3, bits: 8, syntax: "implicit" }));
  assert.equal([im.shape, im.dtype, im.details.photometricInterpretation], [[6, 7, 3], "uint8", "RGB"]);
  const be = readDicomInfo(dicomFile({ rows: 2, columns: 3, syntax: "big" }));
  assert.equal(be.shape, [2, 3, 1]);
  const multi = readDicomInfo(dicomFile({ rows: 2, columns: 3, frames: 5, syntax: "explicit" }));
  assert.equal(multi.shape, [5, 2, 3]);
  const f = dicomFile({ rows: 4, columns: 5, syntax: "explicit" });
  assert.throws(() => readDicomInfo(f.subarray(0, 200)), corrupt);
  const noImage = f.slice(0, 132 + 30);
  assert.throws(() => readDicomInfo(noImage), corrupt);
});

test("MP3: frames walked after an ID3 tag; samples = frames × 1152", () => {
  const info = readMp3Info(mp3File(10));
  assert.equal(info.shape, [11520, 2]);
  assert.is(info.details.sampleRate, 44100);
  assert.equal(readMp3Info(mp3File(3, true, false)).shape, [3456, 1]);
  assert.throws(() => readMp3Info(new Uint8Array(2000)), corrupt);
});

test("FLAC STREAMINFO", () => {
  const info = readFlacInfo(flacFile({ sampleRate: 44100, channels: 2, bits: 16, total: 123456 }));
  assert.equal([info.shape, info.dtype, info.details.sampleRate, info.details.bitsPerSample], [[123456, 2], "int16", 44100, 16]);
  const big = readFlacInfo(flacFile({ sampleRate: 96000, channels: 6, bits: 24, total: 2 ** 33 + 5 }));
  assert.equal(big.shape, [2 ** 33 + 5, 6]);
  assert.throws(() => readFlacInfo(new TextEncoder().encode("fLaX".padEnd(60, "\0"))), corrupt);
});

test("MP4 and AVI: frames, height, width", () => {
  const mp4 = readMp4Info(mp4File(320, 240, 48));
  assert.equal(mp4.shape, [48, 240, 320, 3]);
  assert.is(mp4.details.durationSeconds, 2);
  const f = mp4File(320, 240, 48);
  assert.throws(() => readMp4Info(f.subarray(0, 60)), corrupt);
  assert.equal(readAviInfo(aviFile(64, 48, 25)).shape, [25, 48, 64, 3]);
  assert.throws(() => readAviInfo(new TextEncoder().encode("RIFF\0\0\0\0WAVE")), corrupt);
});

test("sampleFromBytes sniffs magic bytes; the hint only breaks ties", () => {
  const cases: [Uint8Array, string][] = [
    [lasFile({ points: 1, format: 0, recordLength: 20 }), "las"],
    [plyFile(1, 0), "ply"],
    [niftiFile([2, 2, 2], 2, 8), "nii"],
    [dicomFile({ rows: 1, columns: 1, syntax: "explicit" }), "dcm"],
    [mp3File(2), "mp3"],
    [mp3File(2, false, false), "mp3"],
    [flacFile({ sampleRate: 8000, channels: 1, bits: 8, total: 1 }), "flac"],
    [mp4File(2, 2, 1), "mp4"],
    [aviFile(2, 2, 1), "avi"],
    [fixture("tiny.wav"), "wav"],
    [new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), "jpeg"],
    [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "png"],
    [new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]), "mkv"],
  ];
  for (const [bytes, name] of cases) assert.is(sampleFromBytes(bytes, "wrong.txt").compression, name, name);
  assert.is(sampleFromBytes(new Uint8Array(10), "scan.DCM").compression, "dcm");
  assert.is(sniffCompression(new Uint8Array(64).fill(7)), undefined);
  assert.is(sniffCompression(new Uint8Array(0)), undefined);
  assert.is(sampleFromBytes(new Uint8Array(10), "x.nii.gz").compression, "nii.gz");
  assert.throws(() => sampleFromBytes(new Uint8Array(10)), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
  assert.throws(() => sampleFromBytes(new Uint8Array(10), "notes.txt"), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
  assert.throws(() => sampleFromBytes("x" as unknown as Uint8Array), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
});

test("readMediaInfo: wav from Python's wave module via the codec; unknown formats are typed errors", async () => {
  const wav = await readMediaInfo(fixture("tiny.wav"), "wav");
  assert.equal([wav.shape, wav.dtype], [[10, 2], "int16"]);
  try {
    await readMediaInfo(new Uint8Array(20), "gif");
    assert.unreachable();
  } catch (e) {
    assert.ok(isShoalError(e, "UnsupportedError"), String(e));
  }
  try {
    await readMediaInfo(new Uint8Array(20), "rar");
    assert.unreachable();
  } catch (e) {
    assert.ok(isShoalError(e, "UnknownCompressionError"), String(e));
  }
  assert.equal((await readMediaInfo(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]), "mkv")).shape, null);
  for (const entry of Object.values(FORMAT_SUPPORT)) assert.ok(["decode", "header", "bytes"].includes(entry.level));
});

test.run();
