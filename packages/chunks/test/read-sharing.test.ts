// Read-path sharing: byte ranges merged by the store's latency hint, header loads shared by concurrent reads of a
// cold chunk, and decoded lz4 payload memory reused across chunks without ever changing bytes a reader still holds.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, ndarray } from "@shoal/core";
import { type GetOptions, MemoryStore } from "@shoal/storage";
import { ChunkCache } from "../src/chunk-cache.ts";
import type { DecodedChunk } from "../src/decoded-chunk.ts";
import { DatasetEngine } from "../src/index.ts";
import { CountingStore, noise } from "./helpers.ts";

const NO_HIDDEN = { createIdTensor: false, createShapeTensor: false } as const;

async function flushed(store: CountingStore, spec: Parameters<DatasetEngine["createTensor"]>[1], data: NDArray[], cacheBytes?: number): Promise<DatasetEngine> {
  const ds = await DatasetEngine.create(store);
  await (await ds.createTensor("x", { ...NO_HIDDEN, ...spec })).extend(data);
  await ds.flush();
  return DatasetEngine.open(store, cacheBytes === undefined ? {} : { cacheBytes });
}

const samples = (n: number, bytes: number, seed = 1) => Array.from({ length: n }, (_, i) => ndarray("uint8", [bytes], noise(bytes, seed + i)));

// Local stores merge only close ranges; remote ones (and stores without a hint) merge ranges up to 1 MiB apart.
for (const [latency, sparse, far] of [
  ["local", 2, 2],
  ["remote", 1, 2],
  [null, 1, 2],
] as const) {
  test(`ranges of one chunk merge by the store's latency hint (${latency ?? "no hint"})`, async () => {
    // 300 KB samples, 10 a chunk (3 MB).
    const data = samples(10, 300_000);
    const store = new CountingStore(new MemoryStore(), { latency });
    const ds = await flushed(store, { dtype: "uint8", maxChunkSize: 3_000_000, tilingThreshold: -1 }, data);
    const t = ds.tensor("x");
    await t.shape(0);
    store.reset();
    // 300 KB apart: merged unless the store is local.
    assert.equal(await t.readMany([0, 2]), [data[0], data[2]]);
    assert.is(store.gets, sparse);
    store.reset();
    // 2.4 MB apart: two requests everywhere (less than half the chunk is needed, so not the whole payload either).
    assert.equal(await t.readMany([9, 0]), [data[9], data[0]]);
    assert.is(store.gets, far);
    store.reset();
    // Neighbours always share a request.
    assert.equal(await t.readMany([4, 3, 5]), [data[4], data[3], data[5]]);
    assert.is(store.gets, 1);
  });
}

test("concurrent reads of a cold tensor fetch its index and each chunk header once", async () => {
  const data = samples(20, 5000);
  const store = new CountingStore(new MemoryStore());
  const ds = await flushed(store, { dtype: "uint8", maxChunkSize: 200_000 }, data);
  const t = ds.tensor("x");
  store.reset();
  const got = await Promise.all(data.map((_, i) => t.read(i)));
  assert.equal(got, data);
  // The index segment, one header, then one ranged read per sample (5 KB samples: one checksum group each).
  assert.is(store.gets, 1 + 1 + 20);
  ds.clearCache();
  store.reset();
  const shapes = await Promise.all(data.map((_, i) => t.shape(i)));
  assert.equal(shapes.map((s) => [...s]), data.map(() => [5000]));
  assert.is(store.gets, 1);
});

/** A store whose reads, between `hold()` and `open()`, wait, then honour their signal: a test can abort one mid-flight. */
class GatedStore extends CountingStore {
  #open: () => void = () => {};
  #gate: Promise<void> = Promise.resolve();
  hold(): void {
    this.#gate = new Promise<void>((resolve) => (this.#open = resolve));
  }
  open(): void {
    this.#open();
  }
  override async get(key: string, opts?: GetOptions) {
    await this.#gate;
    opts?.signal?.throwIfAborted();
    return super.get(key, opts);
  }
}

for (const what of ["header", "chunk"] as const) {
  test(`a shared ${what} load aborted by the read that started it still serves the other reads`, async () => {
    const data = samples(4, 5000);
    const inner = new MemoryStore();
    await flushed(new CountingStore(inner), { dtype: "uint8", maxChunkSize: 200_000, chunkCompression: what === "chunk" ? "lz4" : null }, data);
    const store = new GatedStore(inner);
    const ds = await DatasetEngine.open(store);
    const t = ds.tensor("x");
    await t.chunkIds(); // index loaded: the first load the reads share is the header or chunk fetch
    store.hold();
    const controller = new AbortController();
    const reason = new Error("stop");
    const first = t.read(0, { signal: controller.signal }).then(() => "read", (e: unknown) => e);
    const second = t.read(1);
    const third = t.shape(2);
    controller.abort(reason);
    store.open();
    assert.is(await first, reason);
    assert.equal(await second, data[1]);
    assert.equal([...(await third)], [5000]);
  });
}

test("lz4 payload buffers evicted from the cache are reused, and every read still sees its own bytes", async () => {
  // 512-byte samples, 8 a chunk (4 KB payloads), 16 chunks; a cache of ~5 chunks evicts as reads move on.
  const data = samples(128, 512);
  const store = new CountingStore(new MemoryStore());
  const ds = await flushed(store, { dtype: "uint8", chunkCompression: "lz4", maxChunkSize: 4096, tilingThreshold: -1 }, data, 20_000);
  const t = ds.tensor("x");
  for (let i = 0; i < 128; i++) assert.equal(await t.read(i), data[i], `read(${i})`);
  assert.ok(ds.payloads.reused > 0, "evicted payload buffers were reused");
  assert.ok(ds.payloads.freeBytes <= 20_000, "free list bounded by the cache budget");
  // Many chunks at once, more than the cache holds: every chunk stays pinned while its samples are copied out.
  const order = Array.from({ length: 128 }, (_, i) => (i * 37) % 128);
  assert.equal(await t.readMany(order), order.map((i) => data[i]));
  const out = new Uint8Array(128 * 512);
  await t.readManyInto(order, out);
  order.forEach((i, k) => assert.equal(out.subarray(k * 512, (k + 1) * 512), data[i]!.data, `readManyInto sample ${i}`));
  const bytes = await t.readBytesMany(order);
  order.forEach((i, k) => assert.equal(bytes[k]!.bytes, data[i]!.data, `readBytesMany sample ${i}`));
  const concurrent = await Promise.all(order.map((i) => t.read(i)));
  assert.equal(concurrent, order.map((i) => data[i]));
});

test("a column viewing a cached lz4 payload keeps its values after the payload is evicted", async () => {
  const store = new CountingStore(new MemoryStore());
  const ds = await DatasetEngine.create(store);
  const labels = await ds.createTensor("labels", { ...NO_HIDDEN, dtype: "uint32", chunkCompression: "lz4", maxChunkSize: 4096 });
  const other = await ds.createTensor("other", { ...NO_HIDDEN, dtype: "uint32", chunkCompression: "lz4", maxChunkSize: 4096 });
  const values = Uint32Array.from({ length: 1024 }, (_, i) => i * 3 + 1);
  await labels.extendBatch(ndarray("uint32", [1024], values));
  await other.extendBatch(ndarray("uint32", [16 * 1024], Uint32Array.from({ length: 16 * 1024 }, (_, i) => 0xffff0000 + (i % 7))));
  await ds.flush();
  const again = await DatasetEngine.open(store, { cacheBytes: 20_000 });
  const column = (await again.tensor("labels").column())!;
  assert.equal(column.data, values);
  // Same payload size (4 KB), many chunks through a small cache: evictions and reuse all around the column's chunk.
  for (let c = 0; c < 16; c++) await again.tensor("other").readRange(c * 1024, (c + 1) * 1024);
  assert.ok(again.payloads.reused > 0);
  assert.equal(column.data, values);
});

function entryOf(cache: ChunkCache, length: number, fresh = false): DecodedChunk {
  const header = { headerLength: 0 } as DecodedChunk["header"];
  return { header, payload: fresh ? new Uint8Array(length) : cache.alloc(length), decoded: length, cursor: null, pins: 0, cached: false, reusable: true };
}

test("ChunkCache reuses a payload only once it is out of the cache, unpinned and never shared", () => {
  const cache = new ChunkCache(4000);
  const a = entryOf(cache, 1000);
  a.pins = 1; // a reader holds views of a's payload
  cache.set("a", a, 1000);
  for (const k of ["b", "c", "d", "e"]) cache.set(k, entryOf(cache, 1000), 1000);
  assert.is(a.cached, false, "a was evicted");
  const fresh = cache.alloc(1000);
  assert.is.not(fresh.buffer, a.payload.buffer, "pinned: not handed out");
  assert.is(cache.reused, 0);
  cache.release(a);
  assert.is(cache.alloc(1000).buffer, a.payload.buffer, "unpinned and evicted: reused");
  assert.is(cache.reused, 1);
  // A shared payload (a column view) never comes back, nor a buffer of another size.
  const s = entryOf(cache, 1000);
  cache.set("s", s, 1000);
  cache.share(s);
  cache.clear();
  assert.is(s.cached, false);
  assert.is.not(cache.alloc(1000).buffer, s.payload.buffer);
  const other = entryOf(cache, 900);
  cache.set("o", other, 900);
  cache.delete("o");
  assert.is(cache.freeBytes, 900);
  assert.is.not(cache.alloc(1000).buffer, other.payload.buffer);
  assert.is(cache.alloc(900).buffer, other.payload.buffer);
  // The free list keeps at most the cache budget, dropping the oldest buffers first; clear() empties it.
  const firstOut = entryOf(cache, 600, true);
  cache.set("first", firstOut, 600);
  cache.delete("first");
  for (let k = 0; k < 8; k++) {
    cache.set(`p${k}`, entryOf(cache, 600, true), 600);
    cache.delete(`p${k}`);
  }
  assert.ok(cache.freeBytes <= 4000 && cache.freeBytes > 3000, `free list holds ${cache.freeBytes} bytes`);
  const reusedBefore = cache.reused;
  const seen = new Set<ArrayBufferLike>();
  for (let k = 0; k < 6; k++) seen.add(cache.alloc(600).buffer);
  assert.not.ok(seen.has(firstOut.payload.buffer), "the oldest buffer was dropped");
  assert.ok(cache.reused > reusedBefore);
  cache.set("z", entryOf(cache, 600), 600);
  cache.clear();
  assert.is(cache.freeBytes, 0);
});

test.run();
