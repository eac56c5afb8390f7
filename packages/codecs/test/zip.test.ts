import { test } from "uvu";
import * as assert from "uvu/assert";
import { ZipWriter, assertSafeEntryName, readZipEntries, unzipFiles, zipFiles } from "../src/zip.ts";
import { equalBytes, fixture, flip, loadFixtures, randomBytes, rejectsCode, runs, throwsCode } from "./helpers.ts";

await loadFixtures(["files.zip", "slip.zip"]);

const te = new TextEncoder();

function streamOf(data: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= data.length) return controller.close();
      controller.enqueue(data.slice(at, at + chunk));
      at += chunk;
    },
  });
}

async function collect(source: Parameters<typeof readZipEntries>[0]): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const entry of readZipEntries(source)) out.set(entry.name, entry.data);
  return out;
}

test("unzipFiles reads a python zipfile archive (deflated + stored, directory skipped)", () => {
  const files = unzipFiles(fixture("files.zip"));
  assert.equal([...files.keys()].sort(), ["data/pattern.bin", "docs/readme.txt", "stored.txt"]);
  assert.is(new TextDecoder().decode(files.get("docs/readme.txt")), "hello from python zipfile\n");
  assert.is(new TextDecoder().decode(files.get("stored.txt")), "stored, not deflated");
  assert.is(files.get("data/pattern.bin")!.length, 5000);
  assert.equal([...unzipFiles(fixture("files.zip"), { filter: (n) => n.endsWith(".txt") }).keys()].sort(), ["docs/readme.txt", "stored.txt"]);
});

test("readZipEntries streams the same archive in small chunks", async () => {
  const zip = fixture("files.zip");
  const expected = unzipFiles(zip);
  for (const chunk of [7, 100, 1 << 20]) {
    const got = await collect(streamOf(zip, chunk));
    assert.equal([...got.keys()].sort(), [...expected.keys()].sort());
    for (const [name, data] of expected) assert.ok(equalBytes(got.get(name)!, data), `${name} chunk ${chunk}`);
  }
});

test("zip-slip: '..', absolute paths and drive letters are rejected on read and write", async () => {
  assert.ok(throwsCode(() => unzipFiles(fixture("slip.zip")), "UnsafeZipEntryError", /"\.\.\/evil\.txt"/));
  assert.ok(await rejectsCode(collect(fixture("slip.zip")), "UnsafeZipEntryError"));
  for (const name of ["../x", "a/../../x", "/etc/passwd", "\\share\\x", "C:/x", "c:x", "a\\..\\x", "", "a\0b"]) {
    assert.ok(throwsCode(() => assertSafeEntryName(name), "UnsafeZipEntryError"), name);
    assert.ok(throwsCode(() => zipFiles([{ name, data: new Uint8Array(1) }]), "UnsafeZipEntryError"), name);
  }
  for (const name of ["a/b.txt", "..hidden", "a..b/c", "dir/"]) assertSafeEntryName(name);
});

test("zipFiles round trip at levels 0, 1, 9; records and iterables; deterministic output", () => {
  const entries = [
    { name: "a.txt", data: te.encode("alpha") },
    { name: "nested/b.bin", data: randomBytes(10_000, 1) },
    { name: "nested/deeper/c.bin", data: runs(50_000, 2) },
    { name: "empty", data: new Uint8Array(0) },
  ];
  for (const level of [0, 1, 9]) {
    const zip = zipFiles(entries, { level });
    const back = unzipFiles(zip);
    for (const { name, data } of entries) assert.ok(equalBytes(back.get(name)!, data), `${name} L${level}`);
    assert.ok(equalBytes(zip, zipFiles(entries, { level })));
  }
  assert.ok(equalBytes(unzipFiles(zipFiles({ "r.txt": te.encode("record") })).get("r.txt")!, te.encode("record")));
});

test("ZipWriter streams an archive that unzipFiles and readZipEntries read back", async () => {
  const big = runs(3_000_000, 3);
  const writer = new ZipWriter({ level: 1 });
  const archive = new Response(writer.readable).arrayBuffer();
  await writer.addFile("small.txt", te.encode("small"));
  await writer.addFile("big.bin", streamOf(big, 65536));
  await writer.addFile("stored.bin", randomBytes(1000, 4), { level: 0 });
  await writer.close();
  const zip = new Uint8Array(await archive);
  const files = unzipFiles(zip);
  assert.ok(equalBytes(files.get("big.bin")!, big));
  assert.is(new TextDecoder().decode(files.get("small.txt")), "small");
  const streamed = await collect(streamOf(zip, 4096));
  assert.ok(equalBytes(streamed.get("big.bin")!, big));
  assert.ok(equalBytes(streamed.get("stored.bin")!, randomBytes(1000, 4)));
});

test("ZipWriter bad input: unsafe or duplicate names, add after close, aborted signal", async () => {
  const writer = new ZipWriter();
  const archive = new Response(writer.readable).arrayBuffer();
  assert.ok(throwsCode(() => writer.addFile("../x", new Uint8Array(1)), "UnsafeZipEntryError"));
  await writer.addFile("a", new Uint8Array(1));
  assert.ok(await rejectsCode(writer.addFile("a", new Uint8Array(1)), "InvalidArgumentError", /duplicate/));
  const aborted = AbortSignal.abort(new Error("stop"));
  try {
    await writer.addFile("b", new Uint8Array(1), { signal: aborted });
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, "stop");
  }
  await writer.close();
  assert.ok(await rejectsCode(writer.addFile("c", new Uint8Array(1)), "InvalidArgumentError", /after close/));
  assert.equal([...unzipFiles(new Uint8Array(await archive)).keys()], ["a"]);
  assert.ok(throwsCode(() => new ZipWriter({ level: 12 }), "InvalidArgumentError"));
});

test("damaged archives → CorruptDataError; bad arguments → InvalidArgumentError", async () => {
  const zip = zipFiles([{ name: "x.bin", data: runs(20_000, 5) }]);
  assert.ok(throwsCode(() => unzipFiles(zip.subarray(0, zip.length - 30)), "CorruptDataError", /\[shoal\] zip:/));
  assert.ok(throwsCode(() => unzipFiles(new Uint8Array(100)), "CorruptDataError"));
  assert.ok(await rejectsCode(collect(zip.subarray(0, 200)), "CorruptDataError"));
  assert.ok(throwsCode(() => unzipFiles("zip" as unknown as Uint8Array), "InvalidArgumentError"));
  assert.ok(throwsCode(() => zipFiles(null as never), "InvalidArgumentError"));
  assert.ok(throwsCode(() => zipFiles([{ name: "a", data: "text" as never }]), "InvalidArgumentError"));
  const aborted = AbortSignal.abort(new Error("aborted"));
  try {
    for await (const _ of readZipEntries(zip, { signal: aborted })) assert.unreachable();
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, "aborted");
  }
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error("needle not found");
}

// Found by the reliability fuzzer: fflate allocated an entry's declared size (up to 2 GiB) before inflating it.
test("an entry declaring more bytes than its stored data can inflate to is refused before allocation", () => {
  for (const level of [0, 6]) {
    const zip = zipFiles({ "a.bin": new Uint8Array(100).fill(3) }, { level });
    const v = new DataView(zip.buffer);
    let cd = zip.length - 22;
    while (v.getUint32(cd, true) !== 0x02014b50) cd--;
    v.setUint32(22, 0x7fffffff, true); // local header: uncompressed size
    v.setUint32(cd + 24, 0x7fffffff, true); // central directory: uncompressed size
    assert.ok(throwsCode(() => unzipFiles(zip), "CorruptDataError", /declares 2147483647 bytes/), `level ${level}`);
  }
});

test("per-entry CRC-32 is verified: local header (python zipfile) and data descriptor (ZipWriter) archives", async () => {
  // A flipped byte inside a stored entry: nothing but the CRC can notice.
  const python = fixture("files.zip");
  const damaged = flip(python.slice(), indexOf(python, te.encode("stored, not deflated")) + 3, 0x20);
  assert.ok(throwsCode(() => unzipFiles(damaged), "CorruptDataError", /entry "stored\.txt": CRC-32 mismatch/));
  assert.ok(await rejectsCode(collect(streamOf(damaged, 13)), "CorruptDataError", /entry "stored\.txt": CRC-32 mismatch/));
  // The entries before the damaged one still arrive; the damaged one never does.
  const seen: string[] = [];
  try {
    for await (const entry of readZipEntries(streamOf(damaged, 64))) seen.push(entry.name);
  } catch {}
  assert.not.ok(seen.includes("stored.txt"));

  const payload = randomBytes(5000, 9);
  const writer = new ZipWriter({ level: 0 });
  const archive = new Response(writer.readable).arrayBuffer();
  await writer.addFile("first.txt", te.encode("first entry"));
  await writer.addFile("payload.bin", streamOf(payload, 1000));
  await writer.addFile("last.txt", te.encode("last entry"));
  await writer.close();
  const zip = new Uint8Array(await archive);
  assert.is(zip[6]! & 8, 8, "ZipWriter entries use data descriptors");
  for (const chunk of [1, 7, 4096, zip.length]) {
    const back = await collect(streamOf(zip, chunk));
    assert.ok(equalBytes(back.get("payload.bin")!, payload), `intact, chunk ${chunk}`);
  }
  const bad = flip(zip.slice(), indexOf(zip, payload.subarray(0, 16)) + 2500, 0x01);
  assert.ok(throwsCode(() => unzipFiles(bad), "CorruptDataError", /entry "payload\.bin": CRC-32 mismatch/));
  for (const chunk of [5, 4096]) {
    assert.ok(await rejectsCode(collect(streamOf(bad, chunk)), "CorruptDataError", /entry "payload\.bin": CRC-32 mismatch/), `chunk ${chunk}`);
  }
});

test.run();
