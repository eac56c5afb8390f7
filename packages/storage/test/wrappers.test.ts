import { expectCode, listAll, testStore } from "@shoal/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HttpStore } from "../src/http.ts";
import { MemoryStore } from "../src/memory.ts";
import { S3Store } from "../src/s3.ts";
import type { ExactRange, GetOptions, RequestOptions, Store } from "../src/types.ts";
import { withCache } from "../src/with-cache.ts";
import { withPrefix } from "../src/with-prefix.ts";
import { withReadOnly } from "../src/with-read-only.ts";

const cas = { writable: true, conditionalWrite: "cas", rangeRead: true } as const;

testStore("withPrefix(MemoryStore)", () => withPrefix(new MemoryStore(), "pre/fix"), { capabilities: cas });
testStore("withReadOnly(MemoryStore)", () => {
  const inner = new MemoryStore();
  return { store: withReadOnly(inner), seed: (key: string, value: Uint8Array) => inner.set(key, value) };
}, { capabilities: { writable: false, conditionalWrite: "none", rangeRead: true } });
testStore("withCache(MemoryStore, write-through)", () => withCache(new MemoryStore(), { maxBytes: 2 ** 20 }), { capabilities: cas });
testStore("withCache(MemoryStore, write-back)", () => withCache(new MemoryStore(), { maxBytes: 2 ** 20, mode: "write-back" }), { capabilities: cas });

/** A MemoryStore that counts what reaches it, to see what a wrapper absorbed. */
class CountingStore extends MemoryStore {
  gets = 0;
  sets = 0;
  readIntos: string[] = [];
  override get(key: string, opts?: GetOptions) {
    this.gets++;
    return super.get(key, opts);
  }
  override readInto(key: string, range: ExactRange, out: Uint8Array, opts?: RequestOptions) {
    this.readIntos.push(key);
    return super.readInto(key, range, out, opts);
  }
  override set(key: string, value: Uint8Array, opts?: Parameters<MemoryStore["set"]>[2]) {
    this.sets++;
    return super.set(key, value, opts);
  }
}

test("withPrefix stores under the prefix and keys cannot climb out of it", async () => {
  const inner = new MemoryStore();
  const store = withPrefix(inner, "a/b/");
  await store.set("k", new Uint8Array([1]));
  assert.equal(await listAll(inner, ""), ["a/b/k"]);
  await expectCode(store.get("../x"), "InvalidKeyError", "climb");
  assert.throws(() => withPrefix(inner, "../up"), (e: unknown) => (e as { code?: string }).code === "InvalidKeyError");
});

test("withReadOnly reports itself not writable and refuses writes", async () => {
  const store = withReadOnly(new MemoryStore());
  assert.is(store.capabilities.writable, false);
  await expectCode(store.set("k", new Uint8Array([1])), "ReadOnlyModeError", "set");
});

test("withCache serves repeated and range reads from memory", async () => {
  const inner = new CountingStore();
  await inner.set("k", new Uint8Array([1, 2, 3, 4]));
  const store = withCache(inner, { maxBytes: 100 });
  await store.get("k");
  await store.get("k");
  assert.equal([...((await store.get("k", { range: { offset: 1, length: 2 } })) ?? [])], [2, 3]);
  assert.is(inner.gets, 1);
  assert.is(store.cachedBytes, 4);
  await expectCode(store.get("k", { range: { offset: 3, length: 2 } }), "RangeError", "cached range past the end");
});

test("wrappers offer readInto exactly when their store does, and forward it", async () => {
  const inner = new CountingStore();
  await inner.set("p/k", Uint8Array.of(1, 2, 3));
  const out = new Uint8Array(2);
  const prefixed = withPrefix(inner, "p");
  assert.is(await prefixed.readInto?.("k", { offset: 1, length: 2 }, out), 2);
  assert.equal([...out], [2, 3]);
  assert.equal(inner.readIntos, ["p/k"]);
  await expectCode(prefixed.readInto!("../k", { offset: 0, length: 1 }, out), "InvalidKeyError", "climb");
  assert.is(await withReadOnly(prefixed).readInto?.("k", { offset: 0, length: 1 }, out), 1);
  assert.equal(inner.readIntos, ["p/k", "p/k"]);
  // A store without readInto (HTTP, S3, stores written before it): no wrapper pretends to have one.
  const { readInto: _, ...plain } = { readInto: undefined, get: inner.get.bind(inner), set: inner.set.bind(inner), delete: inner.delete.bind(inner), list: inner.list.bind(inner), head: inner.head.bind(inner), capabilities: inner.capabilities };
  const without: Store = plain;
  for (const wrapped of [withPrefix(without, "p"), withReadOnly(without), withCache(without, { maxBytes: 100 })]) assert.is(typeof wrapped.readInto, "undefined");
});

test("withCache readInto serves cached objects from memory and passes the rest through", async () => {
  const inner = new CountingStore();
  await inner.set("cached", Uint8Array.of(1, 2, 3, 4));
  await inner.set("cold", Uint8Array.of(5, 6, 7, 8));
  const store = withCache(inner, { maxBytes: 100 });
  await store.get("cached");
  const out = new Uint8Array(2);
  assert.is(await store.readInto!("cached", { offset: 2, length: 2 }, out), 2);
  assert.equal([...out], [3, 4]);
  assert.equal(inner.readIntos, []);
  await expectCode(store.readInto!("cached", { offset: 3, length: 2 }, out), "RangeError", "cached range past the end");
  assert.is(await store.readInto!("cold", { offset: 0, length: 2 }, out), 2);
  assert.equal([...out], [5, 6]);
  assert.equal(inner.readIntos, ["cold"]);
  assert.is(store.cachedBytes, 4, "partial reads are not cached");
  assert.is(await store.readInto!("missing", { offset: 0, length: 1 }, out), undefined);
});

test("withCache evicts least recently used objects to stay within maxBytes", async () => {
  const inner = new CountingStore();
  for (const k of ["a", "b", "c"]) await inner.set(k, new Uint8Array(4));
  const store = withCache(inner, { maxBytes: 10 });
  await store.get("a");
  await store.get("b");
  await store.get("a"); // a is now the most recent
  await store.get("c"); // evicts b
  assert.ok(store.cachedBytes <= 10);
  const before = inner.gets;
  await store.get("a");
  assert.is(inner.gets, before);
  await store.get("b");
  assert.is(inner.gets, before + 1);
});

test("withCache write-back holds writes until flush, and reads/lists see them", async () => {
  const inner = new CountingStore();
  const store = withCache(inner, { maxBytes: 1000, mode: "write-back" });
  await store.set("x/1", new Uint8Array([1]));
  await store.set("x/2", new Uint8Array([2, 2]));
  assert.is(inner.sets, 0);
  assert.is(store.pendingBytes, 3);
  assert.equal([...((await store.get("x/2")) ?? [])], [2, 2]);
  assert.equal(await listAll(store, "x/"), ["x/1", "x/2"]);
  await store.delete("x/1");
  const progress: string[] = [];
  await store.flush({ onProgress: (done, total) => progress.push(`${done}/${total}`) });
  assert.equal(progress, ["1/1"]);
  assert.is(store.pendingBytes, 0);
  assert.equal(await listAll(inner, ""), ["x/2"]);
});

test("withCache write-back flushes by itself when pending bytes pass maxBytes", async () => {
  const inner = new CountingStore();
  const store = withCache(inner, { maxBytes: 10, mode: "write-back" });
  await store.set("a", new Uint8Array(6));
  assert.is(inner.sets, 0);
  await store.set("b", new Uint8Array(6));
  assert.is(inner.sets, 2);
  assert.is(store.pendingBytes, 0);
});

test("withCache conditional writes go to the store, after a buffered write of the same key", async () => {
  const inner = new CountingStore();
  const store = withCache(inner, { maxBytes: 1000, mode: "write-back" });
  await store.set("k", new Uint8Array([1]));
  await expectCode(store.set("k", new Uint8Array([2]), { ifNoneMatch: "*" }), "PreconditionFailedError", "create over buffered");
  assert.equal([...((await inner.get("k")) ?? [])], [1]);
  await store.set("new", new Uint8Array([3]), { ifNoneMatch: "*" });
  assert.equal([...((await inner.get("new")) ?? [])], [3]);
});

test("withCache flush honours an aborted signal and keeps the writes pending", async () => {
  const inner = new CountingStore();
  const store = withCache(inner, { maxBytes: 1000, mode: "write-back" });
  await store.set("k", new Uint8Array([1]));
  const controller = new AbortController();
  const reason = new Error("stop flushing");
  controller.abort(reason);
  assert.is(await store.flush({ signal: controller.signal }).then(() => "flushed", (e: unknown) => e), reason);
  assert.is(inner.sets, 0);
  assert.is(store.pendingBytes, 1);
});

test("withCache refuses bad options", () => {
  const invalid = (e: unknown) => (e as { code?: string }).code === "InvalidArgumentError";
  assert.throws(() => withCache(new MemoryStore(), { maxBytes: -1 }), invalid);
  assert.throws(() => withCache(new MemoryStore(), { maxBytes: 1.5 }), invalid);
  assert.throws(() => withCache(new MemoryStore(), { maxBytes: 10, mode: "later" as "write-back" }), invalid);
});

// FileStore's hint is checked in wrappers-fs.test.ts, which may use node:fs.
test("latency hints: memory is local, HTTP and S3 remote, and wrappers pass the hint through", () => {
  const http = new HttpStore("http://127.0.0.1:9/data/");
  const s3 = new S3Store({ bucket: "bkt", endpoint: "http://127.0.0.1:9", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
  for (const [label, store, want] of [["MemoryStore", new MemoryStore(), "local"], ["HttpStore", http, "remote"], ["S3Store", s3, "remote"]] as const) {
    assert.is(store.capabilities.latency, want, label);
    assert.is(withPrefix(store, "p").capabilities.latency, want, `withPrefix(${label})`);
    assert.is(withReadOnly(store).capabilities.latency, want, `withReadOnly(${label})`);
    assert.is(withCache(store, { maxBytes: 1024 }).capabilities.latency, want, `withCache(${label})`);
  }
});

test.run();
