// @runtimes node,node24,bun,deno
import { expectCode, testStore } from "@shoal/testing";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FileStore } from "../src/fs.ts";
import { cachedHandleCount } from "../src/fs-handles.ts";

const roots: string[] = [];
async function freshRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "shoal-filestore-"));
  roots.push(root);
  return root;
}

testStore(
  "FileStore",
  async () => {
    const root = await freshRoot();
    return { store: new FileStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
  },
  { capabilities: { writable: true, conditionalWrite: "create", rangeRead: true } },
);

testStore(
  "FileStore without kept-open handles",
  async () => {
    const root = await freshRoot();
    return { store: new FileStore(root, { keepOpen: false }), cleanup: () => rm(root, { recursive: true, force: true }) };
  },
  { capabilities: { writable: true, conditionalWrite: "create", rangeRead: true } },
);

testStore(
  "FileStore with asynchronous ranged reads only",
  async () => {
    const root = await freshRoot();
    const store = new FileStore(root, { syncReadMaxBytes: 0 });
    return { store, cleanup: async () => (await store.close(), await rm(root, { recursive: true, force: true })) };
  },
  { capabilities: { writable: true, conditionalWrite: "create", rangeRead: true } },
);

test("keys that would escape the root fail with InvalidKeyError and touch nothing outside", async () => {
  const parent = await freshRoot();
  const root = join(parent, "store");
  const store = new FileStore(root);
  for (const key of ["../outside", "a/../../outside", "/etc/passwd", "a\0b", "C:/windows", "..", "a/./b"]) {
    await expectCode(store.set(key, new Uint8Array([1])), "InvalidKeyError", `set ${JSON.stringify(key)}`);
    await expectCode(store.get(key), "InvalidKeyError", `get ${JSON.stringify(key)}`);
  }
  assert.equal(await readdir(parent), []);
});

test("keys naming FileStore's temporary files are refused", async () => {
  const store = new FileStore(await freshRoot());
  await expectCode(store.set("a/x.shoal-tmp", new Uint8Array([1])), "InvalidKeyError", "temp-like key");
});

test("writes land under the root as plain files, and a file:// URL opens the same root", async () => {
  const root = await freshRoot();
  await new FileStore(root).set("a/b/c.bin", new Uint8Array([4, 5]));
  assert.equal(await readdir(join(root, "a", "b")), ["c.bin"]);
  const byUrl = new FileStore(pathToFileURL(root));
  assert.equal([...((await byUrl.get("a/b/c.bin")) ?? [])], [4, 5]);
});

test("a failed write leaves the old bytes and no temporary file", async () => {
  const root = await freshRoot();
  const store = new FileStore(root);
  await store.set("k", new Uint8Array([1, 2, 3]));
  // A directory where the new bytes should go makes the rename fail after the temp file was written.
  await store.set("dir/k", new Uint8Array([9]));
  await mkdir(join(root, "dir", "sub"), { recursive: true });
  await writeFile(join(root, "dir", "sub", "inner"), "x");
  await expectCode(store.set("dir/sub", new Uint8Array([7])), "StorageError", "rename onto a directory");
  assert.equal((await readdir(join(root, "dir"))).sort(), ["k", "sub"]);
  // An aborted write after the bytes are on disk must not replace the old value either.
  const controller = new AbortController();
  const reason = new Error("abort mid-write");
  const big = new Uint8Array(4 * 2 ** 20).fill(5);
  const pending = store.set("k", big, { signal: controller.signal });
  controller.abort(reason);
  // abort() runs before the write's first await settles, so the write must notice it before renaming.
  const outcome = await pending.then(() => "written", (e: unknown) => e);
  assert.is(outcome, reason);
  assert.equal([...((await store.get("k")) ?? [])], [1, 2, 3]);
  assert.equal(await readdir(root).then((names) => names.filter((n) => n.includes("shoal-tmp"))), []);
});

test("a write whose parent is a file fails with StorageError naming the key and changes nothing", async () => {
  const root = await freshRoot();
  const store = new FileStore(root);
  await store.set("file", new Uint8Array([1]));
  const e = await expectCode(store.set("file/child", new Uint8Array([2])), "StorageError", "parent is a file");
  assert.match(String((e as Error).message), /file\/child/);
  assert.equal([...((await store.get("file")) ?? [])], [1]);
  assert.equal(await readdir(root), ["file"]);
});

test("get returns plain Uint8Array (not a Buffer) and reads ranges without the whole file", async () => {
  const store = new FileStore(await freshRoot());
  await store.set("r", Uint8Array.from({ length: 300 }, (_, i) => i & 0xff));
  const whole = await store.get("r");
  assert.is(Object.getPrototypeOf(whole), Uint8Array.prototype);
  const part = await store.get("r", { range: { offset: 256, length: 4 } });
  assert.equal([...(part ?? [])], [0, 1, 2, 3]);
  assert.is(part?.buffer.byteLength, 4);
});

test("a key that is a directory reads as missing and is not deleted", async () => {
  const root = await freshRoot();
  const store = new FileStore(root);
  await store.set("d/x", new Uint8Array([1]));
  assert.is(await store.get("d"), undefined);
  assert.is(await store.get("d", { range: { offset: 0, length: 1 } }), undefined);
  assert.is(await store.head("d"), undefined);
  await store.delete("d");
  assert.equal([...((await store.get("d/x")) ?? [])], [1]);
});

test("temporary files left by a crash are not listed", async () => {
  const root = await freshRoot();
  const store = new FileStore(root);
  await store.set("a", new Uint8Array([1]));
  await writeFile(join(root, ".a.123.shoal-tmp"), "partial");
  const keys: string[] = [];
  for await (const key of store.list("")) keys.push(key);
  assert.equal(keys, ["a"]);
});

test("ranged reads see every overwrite and delete, through this store or another one on the same root", async () => {
  const root = await freshRoot();
  const a = new FileStore(root);
  const b = new FileStore(root);
  const range = { offset: 1, length: 2 };
  await a.set("k", Uint8Array.of(1, 2, 3, 4));
  assert.equal([...((await b.get("k", { range })) ?? [])], [2, 3]);
  await a.set("k", Uint8Array.of(5, 6, 7, 8));
  assert.equal([...((await b.get("k", { range })) ?? [])], [6, 7]);
  assert.equal([...((await a.get("k", { range })) ?? [])], [6, 7]);
  await a.delete("k");
  assert.is(await b.get("k", { range }), undefined);
  await b.set("k", Uint8Array.of(9, 9), { ifNoneMatch: "*" });
  await expectCode(a.get("k", { range }), "RangeError", "range past the end of the recreated key");
  assert.equal([...((await a.get("k", { range: { offset: 0, length: 2 } })) ?? [])], [9, 9]);
});

test("kept-open handles are shared, bounded, and closed by close()", async () => {
  const root = await freshRoot();
  const store = new FileStore(root);
  for (let i = 0; i < 80; i++) await store.set(`f/${i}`, Uint8Array.of(i, i));
  const reads = await Promise.all(Array.from({ length: 80 }, (_, i) => store.get(`f/${i}`, { range: { offset: 1, length: 1 } })));
  assert.equal(reads.map((r) => r?.[0]), Array.from({ length: 80 }, (_, i) => i));
  const open = cachedHandleCount(root);
  assert.ok(open > 0 && open <= 64, `${open} handles cached`);
  await store.close();
  assert.is(cachedHandleCount(root), 0);
  assert.equal([...((await store.get("f/3", { range: { offset: 0, length: 2 } })) ?? [])], [3, 3]);
  await store.close();
});

test("readInto reads through the kept-open handles into the caller's buffer and sees overwrites and deletes", async () => {
  const root = await freshRoot();
  const a = new FileStore(root);
  const b = new FileStore(root);
  const out = new Uint8Array(4).fill(0xee);
  await a.set("k", Uint8Array.of(1, 2, 3, 4));
  assert.is(await b.readInto("k", { offset: 1, length: 2 }, out.subarray(1)), 2);
  assert.equal([...out], [0xee, 2, 3, 0xee]);
  assert.ok(cachedHandleCount(root) > 0, "the read left its handle open for the next one");
  await a.set("k", Uint8Array.of(5, 6, 7, 8));
  assert.is(await b.readInto("k", { offset: 0, length: 4 }, out), 4);
  assert.equal([...out], [5, 6, 7, 8]);
  await a.delete("k");
  assert.is(await b.readInto("k", { offset: 0, length: 1 }, out), undefined);
  await b.set("k", Uint8Array.of(9, 9));
  await expectCode(a.readInto("k", { offset: 1, length: 2 }, out), "RangeError", "range past the end of the recreated key");
  await expectCode(a.readInto("k", { offset: 0, length: 2 }, new Uint8Array(1)), "InvalidArgumentError", "out too small");
  await expectCode(a.readInto("k", { offset: 0, length: 1 }, [0] as unknown as Uint8Array), "InvalidArgumentError", "out not a Uint8Array");
  await a.close();
});

test("a ranged read aborted before it starts rejects with the signal's reason", async () => {
  const store = new FileStore(await freshRoot());
  await store.set("k", new Uint8Array(8));
  const reason = new Error("stop");
  await store.get("k", { signal: AbortSignal.abort(reason), range: { offset: 0, length: 4 } }).then(
    () => assert.unreachable("should reject"),
    (e: unknown) => assert.is(e, reason),
  );
});

test("bad FileStore options fail with InvalidArgumentError", () => {
  for (const syncReadMaxBytes of [-1, 1.5, Number.NaN]) {
    assert.throws(() => new FileStore("/tmp/x", { syncReadMaxBytes }), (e: unknown) => (e as { code?: string }).code === "InvalidArgumentError");
  }
});

test("FileStore rejects a non-file URL", async () => {
  assert.throws(() => new FileStore(new URL("http://example.org/x")), /file/i);
});

test.after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

test.run();
