import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, isShoalError, ndarray } from "@shoal/core";
import { MemoryStore, listAll } from "@shoal/storage";
import { DatasetEngine, keys } from "../src/index.ts";
import { CountingStore } from "./helpers.ts";

/** Compressible, distinct samples: runs of a value plus a ramp, so lz4 emits both literals and long matches. */
function samples(n: number, size = 3000): NDArray[] {
  return Array.from({ length: n }, (_, i) => {
    const a = new Uint8Array(size);
    for (let k = 0; k < size; k++) a[k] = k < size / 2 ? (i * 31) & 0xff : (k * 7 + i) & 0xff;
    return ndarray("uint8", [size], a);
  });
}

test("lz4 reads decode only the prefix they need, resume later, and agree with the data in any order", async () => {
  const store = new CountingStore(new MemoryStore());
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("s", { dtype: "uint8", chunkCompression: "lz4", createIdTensor: false, createShapeTensor: false });
  const data = samples(40);
  await t.extend(data);
  await ds.flush();
  const again = await DatasetEngine.open(store);
  const s = again.tensor("s");
  store.reset();
  for (const i of [3, 0, 39, 12, 38, 1]) assert.equal(await s.read(i), data[i], `sample ${i}`);
  // One chunk: the index segment and the chunk are fetched once; later reads resume the paused decode.
  assert.is(store.gets, 2);
  assert.equal(await s.readRange(0, 40), data);
});

test("a corrupt lz4 chunk fails with CorruptChunkError naming the key, and is not cached", async () => {
  const store = new MemoryStore();
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("s", { dtype: "uint8", chunkCompression: "lz4", createIdTensor: false, createShapeTensor: false });
  await t.extend(samples(10));
  await ds.flush();
  const [key] = await listAll(store, `tensors/${t.key}/chunks/`);
  const bytes = (await store.get(key!))!;
  bytes[bytes.length - 3]! ^= 0x55;
  await store.set(key!, bytes);
  const again = await DatasetEngine.open(store);
  for (let attempt = 0; attempt < 2; attempt++) {
    await again.tensor("s").read(9).then(
      () => assert.unreachable("corrupt chunk read"),
      (e: unknown) => assert.ok(isShoalError(e, "CorruptChunkError") && String(e).includes(key!), String(e)),
    );
  }
});

test("concurrent reads of one chunk fetch it once", async () => {
  const store = new CountingStore(new MemoryStore());
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("s", { dtype: "uint8", chunkCompression: "lz4", createIdTensor: false, createShapeTensor: false });
  const data = samples(20);
  await t.extend(data);
  await ds.flush();
  const again = await DatasetEngine.open(store);
  await again.tensor("s").read(0);
  again.clearCache();
  store.reset();
  const got = await Promise.all([5, 6, 19, 0].map((i) => again.tensor("s").read(i)));
  assert.equal(got, [data[5], data[6], data[19], data[0]]);
  assert.is(store.gets, 1);
});

test("column() is cached, shared, and follows every write (append, update, pop)", async () => {
  const ds = await DatasetEngine.create(new MemoryStore());
  const t = await ds.createTensor("labels", { dtype: "uint32", createIdTensor: false, createShapeTensor: false });
  await t.extendBatch(ndarray("uint32", [4], Uint32Array.of(1, 2, 3, 4)));
  await ds.flush();
  const a = await t.column();
  assert.is(await t.column(), a, "cached between writes");
  assert.equal([...(a!.data as Uint32Array)], [1, 2, 3, 4]);
  await t.append(ndarray("uint32", [], Uint32Array.of(5)));
  assert.equal([...((await t.column())!.data as Uint32Array)], [1, 2, 3, 4, 5]);
  await t.update(1, ndarray("uint32", [], Uint32Array.of(20)));
  assert.equal([...((await t.column())!.data as Uint32Array)], [1, 20, 3, 4, 5]);
  await t.pop(0);
  assert.equal([...((await t.column())!.data as Uint32Array)], [20, 3, 4, 5]);
  await ds.flush();
  const reopened = (await DatasetEngine.open(ds.store)).tensor("labels");
  assert.equal([...((await reopened.column())!.data as Uint32Array)], [20, 3, 4, 5]);
});

test("verifyChecksums: 'always' re-checks bytes that changed after a first read; bad values are refused", async () => {
  const store = new MemoryStore();
  const ds = await DatasetEngine.create(store);
  const t = await ds.createTensor("s", { dtype: "uint8", createIdTensor: false, createShapeTensor: false });
  await t.extend(samples(4, 64));
  await ds.flush();
  const strict = await DatasetEngine.open(store, { verifyChecksums: "always" });
  await strict.tensor("s").read(2);
  const [key] = await listAll(store, keys.chunk(t.key, ""));
  const bytes = (await store.get(key!))!;
  bytes[bytes.length - 10]! ^= 1;
  await store.set(key!, bytes);
  await strict.tensor("s").read(3).then(
    () => assert.unreachable("corrupt sample read"),
    (e: unknown) => assert.ok(isShoalError(e, "CorruptChunkError"), String(e)),
  );
  for (const verifyChecksums of ["never", "", 1]) {
    await DatasetEngine.open(store, { verifyChecksums: verifyChecksums as never }).then(
      () => assert.unreachable(`verifyChecksums ${JSON.stringify(verifyChecksums)}`),
      (e: unknown) => assert.ok(isShoalError(e, "InvalidArgumentError"), String(e)),
    );
  }
});

test.run();
