// Symlinks in a FileStore folder: links that lead outside the root are refused for every operation (they used to be
// followed: get("link") returned the outside file), links that stay inside work as their targets.
import { expectCode } from "@shoal/testing";
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FileStore } from "../src/fs.ts";
import type { FileStoreOptions } from "../src/fs.ts";

const dirs: string[] = [];
const SECRET = "root:x:0:0:outside secret\n";

/** `<tmp>/root` (the store) next to `<tmp>/outside` holding a passwd-like file and a folder with one file. */
async function sandbox(): Promise<{ root: string; outside: string }> {
  const dir = await mkdtemp(join(tmpdir(), "shoal-symlinks-"));
  dirs.push(dir);
  const root = join(dir, "root");
  const outside = join(dir, "outside");
  await mkdir(root);
  await mkdir(join(outside, "folder"), { recursive: true });
  await writeFile(join(outside, "passwd"), SECRET);
  await writeFile(join(outside, "folder", "f"), SECRET);
  return { root, outside };
}

async function listed(store: FileStore, prefix = ""): Promise<string[]> {
  const keys: string[] = [];
  for await (const k of store.list(prefix)) keys.push(k);
  return keys.sort();
}

for (const [name, opts] of [["kept-open handles", {}], ["no kept-open handles", { keepOpen: false }], ["async reads", { syncReadMaxBytes: 0 }]] as [string, FileStoreOptions][]) {
  test(`${name}: a symlinked file leading outside is refused for get, ranged get, readInto, head, set and delete`, async () => {
    const { root, outside } = await sandbox();
    await symlink(join(outside, "passwd"), join(root, "link"));
    await symlink("../outside/passwd", join(root, "relative"));
    const store = new FileStore(root, opts);
    for (const key of ["link", "relative"]) {
      const e = await expectCode(store.get(key), "InvalidKeyError", `get ${key}`);
      assert.match((e as Error).message, /leaves the store root .* through a symlink/);
      await expectCode(store.get(key, { range: { offset: 0, length: 4 } }), "InvalidKeyError", `ranged get ${key}`);
      await expectCode(store.readInto(key, { offset: 0, length: 4 }, new Uint8Array(4)), "InvalidKeyError", `readInto ${key}`);
      await expectCode(store.head(key), "InvalidKeyError", `head ${key}`);
      await expectCode(store.set(key, new Uint8Array([1])), "InvalidKeyError", `set ${key}`);
      await expectCode(store.set(key, new Uint8Array([1]), { ifNoneMatch: "*" }), "InvalidKeyError", `create-only set ${key}`);
      await expectCode(store.delete(key), "InvalidKeyError", `delete ${key}`);
    }
    assert.is(await readFile(join(outside, "passwd"), "utf8"), SECRET);
    assert.equal(await listed(store), [], "escaping links are not listed");
    await store.close();
  });
}

test("a symlinked folder leading outside: reads, writes, deletes and listings under it are refused, nothing is created outside", async () => {
  const { root, outside } = await sandbox();
  await symlink(join(outside, "folder"), join(root, "dir"));
  await mkdir(join(root, "real"));
  await symlink(outside, join(root, "real", "up"));
  const store = new FileStore(root);
  for (const key of ["dir/f", "real/up/passwd", "real/up/folder/f"]) {
    await expectCode(store.get(key), "InvalidKeyError", `get ${key}`);
    await expectCode(store.get(key, { range: { offset: 1, length: 2 } }), "InvalidKeyError", `ranged get ${key}`);
    await expectCode(store.head(key), "InvalidKeyError", `head ${key}`);
    await expectCode(store.set(key, new Uint8Array([1])), "InvalidKeyError", `set ${key}`);
    await expectCode(store.delete(key), "InvalidKeyError", `delete ${key}`);
  }
  // mkdir -p through the link would create outside/folder/new before any file is written.
  await expectCode(store.set("dir/new/deeper/x", new Uint8Array([1])), "InvalidKeyError", "set under a new folder behind the link");
  await expectCode(store.set("real/up/made", new Uint8Array([1])), "InvalidKeyError", "set next to the outside file");
  for (const prefix of ["dir/", "dir/f", "real/up/"]) {
    await expectCode((async () => {
      for await (const _ of store.list(prefix)) void _;
    })(), "InvalidKeyError", `list ${prefix}`);
  }
  assert.equal(await listed(store), [], "list('') does not descend into escaping links");
  assert.equal((await readdir(outside)).sort(), ["folder", "passwd"]);
  assert.equal(await readdir(join(outside, "folder")), ["f"]);
  assert.is(await readFile(join(outside, "folder", "f"), "utf8"), SECRET);
});

test("a dangling link: refused when it points outside, missing when it points inside", async () => {
  const { root, outside } = await sandbox();
  await symlink(join(outside, "not-there"), join(root, "out"));
  await symlink("not-yet", join(root, "in"));
  await symlink(join(outside, "no-folder"), join(root, "outdir"));
  const store = new FileStore(root);
  await expectCode(store.get("out"), "InvalidKeyError", "get of a dangling link outside");
  await expectCode(store.head("out"), "InvalidKeyError", "head of a dangling link outside");
  await expectCode(store.set("out", new Uint8Array([1])), "InvalidKeyError", "set of a dangling link outside");
  await expectCode(store.set("outdir/x", new Uint8Array([1])), "InvalidKeyError", "set under a dangling folder link outside");
  assert.is(await store.get("in"), undefined);
  assert.is(await store.get("in", { range: { offset: 0, length: 1 } }), undefined);
  assert.is(await store.head("in"), undefined);
  assert.equal((await readdir(outside)).sort(), ["folder", "passwd"]);
});

test("links that stay inside the root work as their targets; list follows them without looping", async () => {
  const { root } = await sandbox();
  const store = new FileStore(root);
  await store.set("data/a", Uint8Array.of(1, 2, 3));
  await symlink("data/a", join(root, "alias"));
  await symlink("data", join(root, "mirror"));
  await symlink("..", join(root, "data", "loop"));
  assert.equal([...((await store.get("alias")) ?? [])], [1, 2, 3]);
  assert.equal([...((await store.get("alias", { range: { offset: 1, length: 2 } })) ?? [])], [2, 3]);
  assert.equal([...((await store.get("mirror/a")) ?? [])], [1, 2, 3]);
  assert.is((await store.head("alias"))?.size, 3);
  // A write through an inside link lands in its target, atomically, and is seen by both names.
  await store.set("alias", Uint8Array.of(9));
  assert.equal([...((await store.get("data/a")) ?? [])], [9]);
  assert.equal([...((await store.get("alias", { range: { offset: 0, length: 1 } })) ?? [])], [9]);
  await store.set("mirror/b", Uint8Array.of(4));
  assert.equal([...((await store.get("data/b")) ?? [])], [4]);
  assert.equal(await listed(store), ["alias", "data/a", "data/b", "mirror/a", "mirror/b"]);
  // delete removes the link, never its target.
  await store.delete("alias");
  assert.equal([...((await store.get("data/a")) ?? [])], [9]);
  assert.is(await store.get("alias"), undefined);
  await store.close();
});

test("a root that is itself reached through a symlink works", async () => {
  const { root } = await sandbox();
  const via = `${root}-via`;
  await symlink(root, via);
  dirs.push(via);
  const store = new FileStore(via);
  await store.set("x/y", Uint8Array.of(5));
  assert.equal([...((await store.get("x/y")) ?? [])], [5]);
  assert.equal(await listed(store), ["x/y"]);
});

test.after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

test.run();
