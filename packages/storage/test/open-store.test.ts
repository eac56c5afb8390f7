// @runtimes node,node24,bun,deno
import { expectCode, testStore } from "@shoal/testing";
import { serveStore, startHttpServer } from "@shoal/testing/node";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FileStore } from "../src/fs.ts";
import { HttpStore } from "../src/http.ts";
import { MemoryStore } from "../src/memory.ts";
import { openStore } from "../src/open-store.ts";
import { S3Store } from "../src/s3.ts";

const roots: string[] = [];
async function freshRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "shoal-openstore-"));
  roots.push(root);
  return root;
}

testStore(
  "openStore(file://…)",
  async () => {
    const root = await freshRoot();
    return { store: await openStore(pathToFileURL(root).href), cleanup: () => rm(root, { recursive: true, force: true }) };
  },
  { capabilities: { writable: true, conditionalWrite: "create", rangeRead: true }, largeValueBytes: 2 ** 20 },
);

test("memory:// opens an empty MemoryStore", async () => {
  assert.ok((await openStore("memory://")) instanceof MemoryStore);
});

test("a plain path and a file:// URL open a FileStore on that directory", async () => {
  const root = await freshRoot();
  const byPath = await openStore(root);
  assert.ok(byPath instanceof FileStore);
  assert.is((byPath as FileStore).root, root);
  assert.is(((await openStore(pathToFileURL(root).href)) as FileStore).root, root);
});

test("http(s):// opens a read-only HttpStore that reads from the server", async () => {
  const backing = new MemoryStore();
  await backing.set("k", new Uint8Array([5]));
  const server = await serveStore(backing);
  try {
    const store = await openStore(`${server.url}/`);
    assert.ok(store instanceof HttpStore);
    assert.equal([...((await store.get("k")) ?? [])], [5]);
  } finally {
    await server.stop();
  }
});

test("s3://bucket/prefix opens an S3Store addressing keys under the prefix", async () => {
  const server = await startHttpServer(() => ({ status: 200, body: "x" }));
  try {
    const store = await openStore("s3://my-bucket/data/set%201", {
      s3: { endpoint: server.url, credentials: { accessKeyId: "a", secretAccessKey: "b" } },
    });
    assert.ok(store instanceof S3Store);
    await store.get("k");
    assert.is(server.requests[0]?.url, "/my-bucket/data/set%201/k");
  } finally {
    await server.stop();
  }
});

test("readOnly and cache options wrap the adapter", async () => {
  const store = await openStore("memory://", { readOnly: true, cache: { maxBytes: 1000 } });
  assert.is(store.capabilities.writable, false);
  await expectCode(store.set("k", new Uint8Array([1])), "ReadOnlyModeError", "read-only");
});

test("unknown schemes and malformed URLs fail with InvalidArgumentError", async () => {
  for (const url of ["ftp://host/x", "gs://bucket/x", "", "s3:///no-bucket"]) {
    await expectCode(openStore(url), "InvalidArgumentError", JSON.stringify(url));
  }
});

test("the root entry reaches no node: module and no adapter statically", async () => {
  const src = resolve(dirname(fileURLToPath(import.meta.url)), "../src");
  const seen = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = await readFile(join(src, file), "utf8");
    for (const m of text.matchAll(/^(?:import|export)\s(?!type\s)[^;]*?from\s+"([^"]+)"/gm)) {
      const spec = m[1] ?? "";
      assert.not.ok(spec.startsWith("node:"), `${file} imports ${spec}`);
      if (spec.startsWith("./")) await visit(spec.slice(2));
    }
  };
  await visit("index.ts");
  for (const adapter of ["fs.ts", "http.ts", "s3.ts"]) assert.not.ok(seen.has(adapter), `index.ts reaches ${adapter}`);
  assert.ok(seen.has("open-store.ts"));
});

test.after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

test.run();
