// @runtimes node,node24,bun,deno
// readManyInto's direct path: samples of uncompressed chunks read by Store.readInto straight into the caller's buffer.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type NDArray, ndarray } from "@shoal/core";
import { MemoryStore, type Store, listAll } from "@shoal/storage";
import { FileStore } from "@shoal/storage/fs";
import { DatasetEngine, type TensorEngine } from "../src/index.ts";
import { CountingStore, noise } from "./helpers.ts";
import { expectCode as rejects } from "@shoal/testing";

const NO_HIDDEN = { createIdTensor: false, createShapeTensor: false } as const;
const dirs: string[] = [];
test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});


const samples = (n: number, shape: number[], seed = 1): NDArray[] =>
  Array.from({ length: n }, (_, i) => ndarray("uint8", shape, noise(shape.reduce((a, b) => a * b, 1), seed + i)));

/** Writes `data` to tensor "x" of a dataset in `inner` and returns the folder or store it lives in. */
async function written(inner: Store, data: NDArray[], maxChunkSize: number, flush = true): Promise<DatasetEngine> {
  const ds = await DatasetEngine.create(inner);
  const t = await ds.createTensor("x", { ...NO_HIDDEN, dtype: "uint8", maxChunkSize });
  await t.extend(data);
  if (flush) await ds.flush();
  return ds;
}

function fileStore(): { dir: string; store: FileStore } {
  const dir = mkdtempSync(join(tmpdir(), "shoal-read-into-"));
  dirs.push(dir);
  return { dir, store: new FileStore(dir) };
}

async function open(inner: Store, opts?: { readInto?: boolean; latency?: "local" | "remote"; verifyChecksums?: "once" | "always" }): Promise<{ t: TensorEngine; store: CountingStore }> {
  const store = new CountingStore(inner, { readInto: opts?.readInto, latency: opts?.latency });
  const ds = await DatasetEngine.open(store, { verifyChecksums: opts?.verifyChecksums ?? "once" });
  return { t: ds.tensor("x"), store };
}

/** readManyInto of `indices` into a fresh buffer at element offset 5 (the bytes before it stay 0xee). */
async function into(t: TensorEngine, indices: number[], size: number): Promise<Uint8Array> {
  const out = new Uint8Array(5 + indices.length * size).fill(0xee);
  await t.readManyInto(indices, out, { offset: 5 });
  return out;
}

const ORDERS = [
  [0, 1, 2, 3, 4, 5, 6, 7], // adjacent in the chunk and in the batch: one read per chunk
  [7, 6, 5, 4, 3, 2, 1, 0],
  [3, 40, 3, 41, 42, 99, 0, 100, 101, 102, 64, 65], // duplicates, across chunks and groups
  Array.from({ length: 130 }, (_, i) => 129 - ((i * 7) % 130)),
  Array.from({ length: 140 }, (_, i) => i), // whole chunks and groups, in order
];

for (const [label, shape, maxChunkSize] of [
  ["64-byte samples in 64-sample checksum groups", [8, 8], 8192],
  ["6000-byte samples, one per group", [60, 100], 48_000],
] as const) {
  test(`readManyInto with readInto gives exactly what it gives without (${label}, memory and files, once and always)`, async () => {
    const size = shape[0] * shape[1];
    const data = samples(150, [...shape]);
    const mem = new MemoryStore();
    await written(mem, data, maxChunkSize);
    const { store: files } = fileStore();
    await written(files, data, maxChunkSize);
    for (const inner of [mem, files]) {
      for (const verifyChecksums of ["once", "always"] as const) {
        const direct = await open(inner, { verifyChecksums });
        const buffered = await open(inner, { readInto: false, verifyChecksums });
        for (const order of ORDERS) {
          const want = await into(buffered.t, order, size);
          assert.equal(await into(direct.t, order, size), want, `order ${order.slice(0, 6).join(",")}…`);
          order.forEach((i, k) => assert.equal(want.subarray(5 + k * size, 5 + (k + 1) * size), data[i]!.data));
        }
        assert.ok(direct.store.readIntos > 0, "the direct path was taken");
        assert.is(buffered.store.readIntos, 0);
      }
      if (inner instanceof FileStore) await inner.close();
    }
  });
}

test("request counts: one readInto per run of samples adjacent in both the chunk and the batch, no ranged gets", async () => {
  const data = samples(40, [60, 100]);
  const mem = new MemoryStore();
  await written(mem, data, 48_000); // 8 samples per chunk
  const { t, store } = await open(mem);
  for (let i = 0; i < 40; i += 8) await t.shape(i); // headers cached
  store.reset();
  await into(t, [0, 1, 2, 3, 4, 5, 6, 7], 6000);
  assert.equal([store.readIntos, store.gets], [1, 0], "one chunk in order: one read");
  store.reset();
  await into(t, [7, 6, 5, 4], 6000);
  assert.equal([store.readIntos, store.gets], [4, 0], "reversed: neighbours in the chunk are not neighbours in the batch");
  store.reset();
  await into(t, [8, 9, 10, 24, 25, 2, 3], 6000);
  assert.equal([store.readIntos, store.gets], [3, 0], "three runs in three chunks");
  store.reset();
  await into(t, [8, 9, 11], 6000);
  assert.equal([store.readIntos, store.gets], [2, 0], "a gap in the chunk splits the run");
});

test("groups that no single read covers take the buffered path until verified; covered ones are verified in out", async () => {
  const data = samples(128, [8, 8]); // 64-byte samples: 64 per checksum group, 2 groups per 8192-byte chunk
  const mem = new MemoryStore();
  await written(mem, data, 8192);
  const { t, store } = await open(mem);
  await t.shape(0);
  store.reset();
  await into(t, [1, 2], 64);
  assert.equal([store.readIntos, store.rangeGets], [0, 1], "part of an unverified group: read and verified whole, buffered");
  store.reset();
  await into(t, [5, 9], 64);
  assert.equal([store.readIntos, store.rangeGets], [2, 0], "a verified group: direct reads");
  store.reset();
  const second = Array.from({ length: 64 }, (_, i) => 64 + i);
  assert.equal(await into(t, [...second, 70], 64), await into((await open(mem, { readInto: false })).t, [...second, 70], 64));
  assert.equal([store.readIntos, store.rangeGets], [2, 0], "the whole second group in order: one read, verified from out (and the duplicate)");
  store.reset();
  await into(t, [100, 101], 64);
  assert.equal([store.readIntos, store.rangeGets], [1, 0], "that group counts as verified now");
});

async function corruptPayloadByte(dir: string, payloadByte: number): Promise<void> {
  const chunks = join(dir, "tensors");
  const [tkey] = readdirSync(chunks);
  const [id] = readdirSync(join(chunks, tkey!, "chunks"));
  const path = join(chunks, tkey!, "chunks", id!);
  const bytes = readFileSync(path);
  const H = bytes.readUInt32LE(8);
  bytes[H + payloadByte] = bytes[H + payloadByte]! ^ 0xff;
  writeFileSync(path, bytes);
}

test("corruption is caught on the first direct read, in whole groups verified from out and in buffered ones", async () => {
  for (const [shape, sampleBytes, corruptSample, reads] of [
    [[60, 100], 6000, 3, [[3], [2, 3, 4], [4, 3]]],
    [[8, 8], 64, 10, [Array.from({ length: 64 }, (_, i) => i), [10], [9, 10, 11]]],
  ] as const) {
    const { dir, store: files } = fileStore();
    const data = samples(64, [...shape]);
    await written(files, data, 1 << 20);
    await files.close();
    await corruptPayloadByte(dir, corruptSample * sampleBytes + 17);
    for (const order of reads) {
      const fresh = await open(new FileStore(dir));
      await rejects(into(fresh.t, [...order], sampleBytes), "CorruptChunkError");
      await rejects(into(fresh.t, [...order], sampleBytes), "CorruptChunkError");
      const whole = order.length === 64 || sampleBytes >= 4096;
      assert.is(fresh.store.readIntos > 0, whole, `order ${order.slice(0, 4).join(",")}: ${whole ? "direct" : "buffered"}`);
    }
    // Samples of intact groups still read, directly.
    if (sampleBytes >= 4096) {
      const fine = await open(new FileStore(dir));
      assert.equal((await into(fine.t, [0, 1], sampleBytes)).subarray(5), new Uint8Array([...data[0]!.data, ...data[1]!.data] as number[]));
      assert.is(fine.store.readIntos, 1);
    }
  }
});

test("verifyChecksums always: bytes that rot after a verified direct read are caught on the next one", async () => {
  const mem = new MemoryStore();
  const data = samples(16, [60, 100]);
  await written(mem, data, 1 << 20);
  for (const mode of ["once", "always"] as const) {
    const { t, store } = await open(mem, { verifyChecksums: mode });
    assert.equal((await into(t, [4, 5], 6000)).subarray(5), new Uint8Array([...data[4]!.data, ...data[5]!.data] as number[]));
    const [key] = (await listAll(mem, "tensors/")).filter((k) => k.includes("/chunks/"));
    const bytes = (await mem.get(key!))!.slice();
    const H = new DataView(bytes.buffer).getUint32(8, true);
    const at = H + 4 * 6000 + 1;
    bytes[at] = bytes[at]! ^ 0xff;
    await mem.set(key!, bytes);
    if (mode === "always") await rejects(into(t, [4], 6000), "CorruptChunkError");
    else assert.not.equal((await into(t, [4], 6000)).subarray(5), data[4]!.data, "once: verified bytes are trusted");
    assert.ok(store.readIntos > 0);
    bytes[at] = bytes[at]! ^ 0xff;
    await mem.set(key!, bytes);
  }
});

test("the direct path is skipped for remote stores, chunks held in memory and compressed chunks, and a missing chunk says so", async () => {
  const data = samples(16, [60, 100]);
  const mem = new MemoryStore();
  const ds = await written(mem, data, 48_000);
  const remote = await open(mem, { latency: "remote" });
  assert.equal((await into(remote.t, [3, 2], 6000)).subarray(5), new Uint8Array([...data[3]!.data, ...data[2]!.data] as number[]));
  assert.is(remote.store.readIntos, 0, "a remote store merges neighbours into one ranged get instead");
  // Unflushed chunks (pending writes) and the open chunk are read from memory.
  const pending = await written(new CountingStore(new MemoryStore()), data, 48_000, false);
  const out = new Uint8Array(2 * 6000);
  await pending.tensor("x").readManyInto([9, 1], out);
  assert.equal(out, new Uint8Array([...data[9]!.data, ...data[1]!.data] as number[]));
  const lz4 = new MemoryStore();
  const lds = await DatasetEngine.create(lz4);
  await (await lds.createTensor("x", { ...NO_HIDDEN, dtype: "uint8", chunkCompression: "lz4" })).extend(data);
  await lds.flush();
  const compressed = await open(lz4);
  await into(compressed.t, [1], 6000);
  assert.is(compressed.store.readIntos, 0);
  // Chunk objects gone after their headers were read: MissingChunkError from the direct read.
  const gone = await open(mem);
  await gone.t.shape(0);
  const chunkKeys = await listAll(mem, `tensors/${ds.tensor("x").key}/chunks/`);
  const kept = await Promise.all(chunkKeys.map(async (k) => [k, (await mem.get(k))!] as const));
  for (const k of chunkKeys) await mem.delete(k);
  await rejects(into(gone.t, [0], 6000), "MissingChunkError");
  assert.is(gone.store.readIntos, 1);
  for (const [k, bytes] of kept) await mem.set(k, bytes);
});

test.run();
