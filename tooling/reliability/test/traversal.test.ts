// Names that point outside the dataset root — store keys, tensor and group names, file-dataset paths, zip entries,
// symlinks out of a FileStore root — never read or write outside it; credentials given to shoal never reach storage.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { FileStore } from "@shoal/storage/fs";
import { unzipFiles, zipFiles } from "@shoal/codecs/zip";
import { FileDataset } from "@shoal/clearml-compat/node";
import { startS3Server } from "@shoal/testing/node";
import { empty, link, load } from "shoal/node";
import { report } from "../src/results.ts";

const ESCAPES = ["../outside", "../../outside", "/tmp/outside", "a/../../outside", "..\\outside", "a\\..\\..\\outside", "C:/outside", "C:\\outside", "%2e%2e/outside", "%2e%2e%2foutside", "a/./../../outside", "a//../outside", "\0outside", "\\\\server\\share\\outside"];

/** Whether a relative name, read the way any platform would, leaves the folder it is extracted into. */
function escapesRoot(name: string): boolean {
  const parts = name.split(/[\\/]/);
  return name.startsWith("/") || name.startsWith("\\") || /^[A-Za-z]:/.test(name) || name.includes("\0") || parts.includes("..");
}

let tried = 0;
let escapes = 0;

function listTree(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    out.push(p);
    if (statSync(p).isDirectory()) out.push(...listTree(p));
  }
  return out;
}

/** Runs `fn` in a sandbox `<tmp>/root` and fails when anything appears next to `root`. */
async function sandboxed(fn: (root: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "shoal-traversal-"));
  const root = join(dir, "root");
  mkdirSync(root);
  try {
    await fn(root);
    const outside = readdirSync(dir).filter((e) => e !== "root");
    if (outside.length) escapes++;
    assert.equal(outside, [], "nothing written next to the root");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function refusedOrInside(what: string, fn: () => Promise<unknown>): Promise<void> {
  tried++;
  try {
    await fn();
  } catch (e) {
    assert.ok(isShoalError(e), `${what}: expected a typed error, got ${String(e)}`);
  }
}

test("store keys that escape the root are refused by FileStore: get, set, delete, list", async () => {
  await sandboxed(async (root) => {
    const store = new FileStore(root);
    for (const k of ESCAPES) {
      await refusedOrInside(`set ${k}`, () => store.set(k, new Uint8Array([1])));
      await refusedOrInside(`get ${k}`, () => store.get(k));
      await refusedOrInside(`delete ${k}`, () => store.delete(k));
      await refusedOrInside(`list ${k}`, async () => {
        for await (const _ of store.list(k)) void _;
      });
    }
  });
});

test("tensor and group names that escape are refused; nothing is written outside the dataset", async () => {
  await sandboxed(async (root) => {
    const ds = await empty(join(root, "ds"));
    for (const name of ESCAPES) {
      await refusedOrInside(`createTensor ${name}`, () => ds.createTensor(name, { dtype: "uint8" }));
      await refusedOrInside(`createGroup ${name}`, async () => ds.createGroup(name));
    }
    await ds.close();
  });
});

test("file-dataset paths (datasetPath, added file names) that escape are refused", async () => {
  await sandboxed(async (root) => {
    const src = join(root, "src");
    mkdirSync(src);
    writeFileSync(join(src, "a.txt"), "hello");
    const storage = new FileStore(join(root, "store"));
    const fd = await FileDataset.create({ storage, project: "p", name: "n" });
    for (const p of ESCAPES) await refusedOrInside(`addFiles datasetPath ${p}`, () => fd.addFiles(src, { datasetPath: p }));
    await fd.finalize({ autoUpload: true });
    const copy = await fd.getLocalCopy();
    assert.ok(typeof copy === "string");
  });
});

test("zip entries named outside the root are refused before anything is inflated", () => {
  for (const name of ESCAPES.filter((n) => !n.includes("\0"))) {
    tried++;
    // zipFiles refuses unsafe names itself, so write a safe name of the same length and patch the bytes.
    const safe = "x".repeat(new TextEncoder().encode(name).length);
    const zip = zipFiles({ [safe]: new Uint8Array([1, 2, 3]) });
    const bytes = zip.slice();
    const enc = new TextEncoder().encode(name);
    const hay = new TextDecoder("latin1").decode(bytes);
    for (let at = hay.indexOf(safe); at >= 0; at = hay.indexOf(safe, at + 1)) bytes.set(enc, at);
    let out: Map<string, Uint8Array> | undefined;
    try {
      out = unzipFiles(bytes);
    } catch (e) {
      assert.ok(isShoalError(e), `${name}: ${String(e)}`);
    }
    // A percent-encoded name comes back literally ("%2e%2e" is a file name, not "..") and is harmless.
    const unsafe = out ? [...out.keys()].filter(escapesRoot) : [];
    if (unsafe.length) escapes++;
    assert.equal(unsafe, [], `zip entry ${JSON.stringify(name)} was returned`);
  }
});

/** An outside folder holding a passwd-like file, and a check that it still holds exactly that afterwards. */
function outsideFolder(): { dir: string; secret: string; untouched: () => boolean } {
  const dir = mkdtempSync(join(tmpdir(), "shoal-outside-"));
  const secret = `root:x:0:0:${crypto.randomUUID()}\n`;
  mkdirSync(join(dir, "folder"));
  writeFileSync(join(dir, "passwd"), secret);
  writeFileSync(join(dir, "folder", "f"), secret);
  return {
    dir,
    secret,
    untouched: () => readdirSync(dir).sort().join() === "folder,passwd" && readdirSync(join(dir, "folder")).join() === "f" && readFileSync(join(dir, "passwd"), "utf8") === secret,
  };
}

test("symlinks that leave a FileStore root (file, folder, dangling, to a passwd-like file) are refused for every operation", async () => {
  const out = outsideFolder();
  try {
    await sandboxed(async (root) => {
      symlinkSync(join(out.dir, "passwd"), join(root, "passwd"));
      symlinkSync(join(out.dir, "folder"), join(root, "dir"));
      symlinkSync(join(out.dir, "missing"), join(root, "dangling"));
      symlinkSync("../../../../../../../../../../..", join(root, "slash"));
      const store = new FileStore(root);
      const leaked = (v: Uint8Array | undefined) => v !== undefined && new TextDecoder().decode(v).includes(out.secret.trim());
      for (const key of ["passwd", "dir/f", "dangling", "dir/new/x", "slash/etc/passwd", "slash/" + join(out.dir, "passwd").slice(1)]) {
        for (const [op, run] of [
          ["get", () => store.get(key)],
          ["ranged get", () => store.get(key, { range: { offset: 0, length: 4 } })],
          ["head", () => store.head(key)],
          ["set", () => store.set(key, new Uint8Array([1]))],
          ["delete", () => store.delete(key)],
          ["list", async () => {
            for await (const _ of store.list(`${key}/`)) void _;
          }],
        ] as [string, () => Promise<unknown>][]) {
          tried++;
          let value: unknown;
          try {
            value = await run();
          } catch (e) {
            assert.ok(isShoalError(e, "InvalidKeyError"), `${op} ${key}: expected InvalidKeyError, got ${String(e)}`);
            continue;
          }
          if (leaked(value as Uint8Array) || op === "set") escapes++;
          assert.unreachable(`${op} ${key} was not refused (${String(value)})`);
        }
      }
      const keys: string[] = [];
      for await (const k of store.list("")) keys.push(k);
      assert.equal(keys, [], "list('') shows no escaping link");
    });
    if (!out.untouched()) escapes++;
    assert.ok(out.untouched(), "the outside folder is unchanged");
  } finally {
    rmSync(out.dir, { recursive: true, force: true });
  }
});

test("a dataset whose tensor folders are symlinks out of it fails with InvalidKeyError and reads nothing outside", async () => {
  const out = outsideFolder();
  const moved = mkdtempSync(join(tmpdir(), "shoal-moved-"));
  try {
    await sandboxed(async (root) => {
      const path = join(root, "ds");
      const ds = await empty(path);
      await ds.createTensor("x", { dtype: "uint8" });
      await ds.append({ x: new Uint8Array([1, 2, 3]) });
      await ds.commit("one");
      await ds.close();
      // Move every tensor folder out and link it back: readable if links were followed, so refusal is the point.
      for (const name of readdirSync(join(path, "tensors"))) {
        cpSync(join(path, "tensors", name), join(moved, name), { recursive: true });
        rmSync(join(path, "tensors", name), { recursive: true });
        symlinkSync(join(moved, name), join(path, "tensors", name));
      }
      tried++;
      try {
        const again = await load(path);
        await again.tensor("x").read(0);
        escapes++;
        assert.unreachable("reading through the link succeeded");
      } catch (e) {
        assert.ok(isShoalError(e, "InvalidKeyError"), `expected InvalidKeyError, got ${String(e)}`);
        assert.match((e as Error).message, "through a symlink");
      }
    });
    if (!out.untouched()) escapes++;
    assert.ok(out.untouched(), "the outside folder is unchanged");
  } finally {
    rmSync(out.dir, { recursive: true, force: true });
    rmSync(moved, { recursive: true, force: true });
  }
});

test("credentials never land in storage: S3 keys of the store and creds keys of links", async () => {
  const s3 = await startS3Server({ bucket: "creds" });
  const secret = `SECRET-${crypto.randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), "shoal-creds-"));
  try {
    const creds = { accessKeyId: s3.credentials.accessKeyId, secretAccessKey: s3.credentials.secretAccessKey, endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, sessionToken: secret };
    for (const path of ["s3://creds/ds", join(dir, "local")]) {
      // s3rver cannot enforce create-only writes: one writer here, so an in-process lock is enough.
      const ds = await empty(path, { creds: path.startsWith("s3") ? creds : undefined, commitLock: { acquire: async () => {}, release: async () => {} } });
      ds.addCredsKey("my_s3");
      ds.populateCreds("my_s3", { aws_access_key_id: `${secret}-id`, aws_secret_access_key: secret, endpoint_url: s3.endpoint });
      await ds.createTensor("pics", { htype: "link[image]", verify: false } as never);
      await ds.append({ pics: link("s3://creds/elsewhere/a.png", { credsKey: "my_s3" }) } as never);
      await ds.commit("with creds");
      await ds.close();
      const store = ds.store;
      let bytes = 0;
      for await (const k of store.list("")) {
        const v = (await store.get(k))!;
        bytes += v.length;
        assert.not.ok(new TextDecoder("latin1").decode(v).includes(secret), `${path}: ${k} holds the secret`);
        assert.not.ok(new TextDecoder("latin1").decode(v).includes(s3.credentials.secretAccessKey), `${path}: ${k} holds the S3 secret key`);
      }
      assert.ok(bytes > 0);
      tried++;
    }
    for (const f of listTree(dir)) if (statSync(f).isFile()) assert.not.ok(readFileSync(f, "latin1").includes(secret), f);
  } finally {
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("figures", async () => {
  await report("traversal", { tried, escapes });
  assert.is(escapes, 0);
  assert.ok(tried > 100, `${tried}`);
});

test.run();
