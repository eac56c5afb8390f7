// @runtimes chromium
// openStore as a browser app gets it: the published entry (dist, through the package's "browser" field) bundled for
// the page. Local files are a clear UnsupportedError; memory and HTTP stores open and work.
import { expectCode } from "@shoal/testing";
import { MemoryStore, openStore } from "@shoal/storage";
import { HttpStore } from "@shoal/storage/http";
import { test } from "uvu";
import * as assert from "uvu/assert";

test("file:// URLs and plain paths are UnsupportedError naming the stores a browser can use", async () => {
  for (const url of ["file:///data/pets", "./pets", "/data/pets"]) {
    const e = (await expectCode(openStore(url), "UnsupportedError", url)) as Error;
    assert.match(e.message, "in a browser use memory://, http(s):// or s3://", url);
  }
});

test("memory:// opens a MemoryStore, with the readOnly and cache wrappers", async () => {
  assert.ok((await openStore("memory://")) instanceof MemoryStore);
  const store = await openStore("memory://", { readOnly: true, cache: { maxBytes: 1000 } });
  assert.is(store.capabilities.writable, false);
  await expectCode(store.set("k", new Uint8Array([1])), "ReadOnlyModeError", "read-only");
});

test("http:// opens an HttpStore that fetches from the page's server", async () => {
  const base = new URL("../", import.meta.url).href;
  const store = await openStore(base);
  assert.ok(store instanceof HttpStore);
  const bytes = await store.get("package.json");
  assert.ok(bytes, "package.json is served beside the test");
  assert.is((JSON.parse(new TextDecoder().decode(bytes)) as { name: string }).name, "@shoal/storage");
  assert.is(await store.get("no-such-file.json"), undefined);
});

test.run();
