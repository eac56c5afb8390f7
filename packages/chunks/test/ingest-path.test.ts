import { referenceXxh32 } from "@shoal/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, isShoalError, ndarray } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import type { GetOptions, ObjectInfo, RequestOptions, SetOptions, Store } from "@shoal/storage";
import { giveBuffer, pooledBufferBytes, takeBuffer } from "../src/buffer-pool.ts";
import { parseHeader, sampleRange } from "../src/chunk-format.ts";
import { DatasetEngine } from "../src/index.ts";
import { xxh32 } from "@shoal/codecs";
import { noise } from "./helpers.ts";

/**
 * Reads the bytes it is given only when the write completes, after a delay that varies per write (so writes finish
 * out of order), the way a file write reads its buffer on a pool thread: a buffer reused too early shows up as
 * corrupt stored bytes. Records each set's options.
 */
class SlowStore implements Store {
  readonly inner = new MemoryStore();
  readonly sets: { key: string; opts: SetOptions | undefined }[] = [];
  #n = 0;
  get capabilities() {
    return this.inner.capabilities;
  }
  get(key: string, opts?: GetOptions) {
    return this.inner.get(key, opts);
  }
  async set(key: string, value: Uint8Array, opts?: SetOptions) {
    this.sets.push({ key, opts });
    const wait = [9, 1, 5, 0, 13][this.#n++ % 5]!;
    await new Promise((r) => setTimeout(r, wait));
    return this.inner.set(key, value, opts);
  }
  delete(key: string, opts?: RequestOptions) {
    return this.inner.delete(key, opts);
  }
  list(prefix: string, opts?: RequestOptions) {
    return this.inner.list(prefix, opts);
  }
  head(key: string, opts?: RequestOptions): Promise<ObjectInfo | undefined> {
    return this.inner.head(key, opts);
  }
}

const SAMPLE = [24, 24, 3];
const S = 24 * 24 * 3;
const sampleBytes = (i: number) => noise(S, i + 1);

/** Chunk objects of one tensor, as sorted hex digests of their bytes (ids differ between runs; bytes must not). */
async function chunkObjects(store: Store, tensorKey: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const key of store.list(`tensors/${tensorKey}/chunks/`)) out.push((await store.get(key))!.slice());
  return out;
}

function sortedDigests(objects: Uint8Array[]): string[] {
  return objects.map((o) => `${o.byteLength}:${xxh32(o).toString(16)}:${xxh32(o, 0, o.byteLength, 7).toString(16)}`).sort();
}

/** Every checksum in every chunk header recomputed from the payload with the reference xxh32 of @shoal/testing. */
function assertChecksums(objects: Uint8Array[]): void {
  for (const o of objects) {
    const h = parseHeader(o, "chunk");
    const payload = o.subarray(h.headerLength);
    h.checksums.forEach((sum, g) => {
      const first = g * h.groupSize;
      const last = Math.min(h.count, first + h.groupSize);
      const start = sampleRange(h, first)[0];
      const end = last === first ? start : sampleRange(h, last - 1)[1];
      assert.is(referenceXxh32(payload, 0, start, end), sum, `group ${g} of a ${h.count}-sample chunk`);
    });
  }
}

test("a chunk buffer goes back to the pool only after its write completed: every sample reads back intact", async () => {
  const store = new SlowStore();
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("images", { dtype: "uint8", maxChunkSize: 8 * S });
  const n = 200;
  for (let i = 0; i < n; i += 16) {
    await t.extend(Array.from({ length: Math.min(16, n - i) }, (_, k) => ndarray("uint8", SAMPLE, sampleBytes(i + k))));
  }
  await ds.flush();
  // Chunk buffers came back to the pool after their writes; the next ingest reuses them.
  assert.ok(pooledBufferBytes() > 0);
  const again = await DatasetEngine.open(store.inner, { verifyChecksums: "always" });
  const images = again.tensor("images");
  assert.is(images.length, n);
  for (let i = 0; i < n; i++) assert.equal(((await images.read(i)) as NDArray).data, sampleBytes(i), `sample ${i}`);
  assertChecksums(await chunkObjects(store.inner, "images"));
});

test("the same samples make byte-identical chunks through extend, extendBatch and dataset extend, with reused buffers", async () => {
  const n = 90;
  const block = new Uint8Array(n * S);
  for (let i = 0; i < n; i++) block.set(sampleBytes(i), i * S);
  const runs: Uint8Array[][] = [];
  for (const how of ["extend", "batch", "dataset", "extend"] as const) {
    const store = new SlowStore();
    const ds = await DatasetEngine.create(store);
    const t = await ds.createTensor("images", { dtype: "uint8", maxChunkSize: 7 * S + 100 });
    if (how === "batch") {
      await t.extendBatch(ndarray("uint8", [40, ...SAMPLE], block.subarray(0, 40 * S)));
      await t.extendBatch(ndarray("uint8", [n - 40, ...SAMPLE], block.subarray(40 * S)));
    } else {
      for (let i = 0; i < n; i += 13) {
        const rows = Array.from({ length: Math.min(13, n - i) }, (_, k) => ndarray("uint8", SAMPLE, sampleBytes(i + k)));
        if (how === "dataset") await ds.extend({ images: rows });
        else await t.extend(rows);
      }
    }
    await ds.flush();
    runs.push(await chunkObjects(store.inner, "images"));
  }
  assert.is(runs[0]!.length, Math.ceil(n / 7));
  for (const r of runs.slice(1)) assert.equal(sortedDigests(r), sortedDigests(runs[0]!));
  assertChecksums(runs[0]!);
});

test("samples below a checksum group's size next to large ones are still checksummed one per group", async () => {
  const ds = await DatasetEngine.create(new MemoryStore());
  // Average above 4096 bytes (one sample per group), yet every other sample is small and hashed only at seal.
  const t = await ds.createTensor("mixed", { dtype: "uint8", maxChunkSize: 60_000 });
  const samples = Array.from({ length: 20 }, (_, i) => noise(i % 2 ? 100 + i : 9000 + i, i));
  await t.extend(samples.map((b) => ndarray("uint8", [b.byteLength], b)));
  await ds.flush();
  const objects = await chunkObjects(ds.store, "mixed");
  for (const o of objects) assert.is(parseHeader(o, "chunk").groupSize, 1);
  assertChecksums(objects);
  for (let i = 0; i < samples.length; i++) assert.equal(((await t.read(i)) as NDArray).data, samples[i]);
});

test("metas, index segments, change sets and manifests are plain writes; refs stay create-only", async () => {
  const store = new SlowStore();
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("x", { dtype: "uint8" });
  await t.extend([ndarray("uint8", [3], Uint8Array.of(1, 2, 3)), ndarray("uint8", [2], Uint8Array.of(4, 5))]);
  await ds.flush();
  await t.pop(0);
  await ds.flush();
  const kinds = (re: RegExp) => store.sets.filter((s) => re.test(s.key));
  const uidNamed = kinds(/^(tensors\/[^/]+\/(meta|index|changes)\/|manifests\/)/);
  assert.ok(uidNamed.some((s) => s.key.includes("/changes/")));
  assert.ok(uidNamed.length >= 6);
  for (const s of uidNamed) assert.is(s.opts?.ifNoneMatch, undefined, s.key);
  const refs = kinds(/^refs\/heads\//);
  assert.ok(refs.length >= 2);
  for (const s of refs) assert.is(s.opts?.ifNoneMatch, "*", s.key);
});

test("extend rejects a non-iterable with InvalidArgumentError and changes nothing", async () => {
  const ds = await DatasetEngine.create(new MemoryStore());
  const t = await ds.createTensor("x", { dtype: "uint8" });
  await t.extend([ndarray("uint8", [1], Uint8Array.of(9))]);
  for (const bad of [5, null, { length: 2 }, "ab"]) {
    try {
      await t.extend(bad as never);
      assert.unreachable("accepted a non-iterable");
    } catch (e) {
      assert.ok(isShoalError(e, "InvalidArgumentError"), String(e));
    }
  }
  assert.is(t.length, 1);
  assert.equal(((await t.read(0)) as NDArray).data, Uint8Array.of(9));
});

test("extend takes generators and async generators like arrays", async () => {
  const ds = await DatasetEngine.create(new MemoryStore());
  const t = await ds.createTensor("x", { dtype: "uint16" });
  function* rows() {
    for (let i = 0; i < 5; i++) yield ndarray("uint16", [2], Uint16Array.of(i, i + 1));
  }
  async function* later() {
    for (let i = 5; i < 8; i++) yield ndarray("uint16", [2], Uint16Array.of(i, i + 1));
  }
  await t.extend(rows());
  await t.extend(later());
  assert.is(t.length, 8);
  assert.equal(((await t.read(6)) as NDArray).data, Uint16Array.of(6, 7));
});

test("the buffer pool hands back a returned buffer of the same size, keeps none twice, and bounds what it keeps", () => {
  const size = 3 * 1024 * 1024 + 17;
  const a = takeBuffer(size);
  a[5] = 42;
  giveBuffer(a.buffer as ArrayBuffer);
  giveBuffer(a.buffer as ArrayBuffer);
  const b = takeBuffer(size);
  assert.is(b.buffer, a.buffer);
  assert.is(b[5], 42);
  assert.is.not(takeBuffer(size).buffer, a.buffer);
  const many = Array.from({ length: 8 }, () => takeBuffer(size));
  for (const m of many) giveBuffer(m.buffer as ArrayBuffer);
  const back = Array.from({ length: 8 }, () => takeBuffer(size).buffer);
  assert.is(back.filter((x) => many.some((m) => m.buffer === x)).length, 4);
});

test("xxh32's aligned and unaligned paths agree with an independent implementation on large inputs", () => {
  const data = noise(1 << 20, 5);
  for (const [s, e] of [[0, data.length], [1, data.length - 3], [2, 70_001], [3, 19], [4, 4 + 65_536]] as const) {
    assert.is(xxh32(data, s, e), referenceXxh32(data, 0, s, e), `[${s}, ${e})`);
    assert.is(xxh32(data, s, e, 99), referenceXxh32(data, 99, s, e), `[${s}, ${e}) seed 99`);
  }
});

test.run();
