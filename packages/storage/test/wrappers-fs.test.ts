// @runtimes node,node24,bun,deno
// The wrappers over a FileStore, which needs node:fs; the rest of the wrapper tests run in browsers too.
import { testStore } from "@shoal/testing";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FileStore } from "../src/fs.ts";
import { withCache } from "../src/with-cache.ts";
import { withPrefix } from "../src/with-prefix.ts";
import { withReadOnly } from "../src/with-read-only.ts";

async function tempFileStore() {
  const root = await mkdtemp(join(tmpdir(), "shoal-wrappers-"));
  return { store: new FileStore(root), cleanup: () => rm(root, { recursive: true, force: true }) };
}

testStore(
  "withCache(withPrefix(FileStore), write-back)",
  async () => {
    const { store, cleanup } = await tempFileStore();
    return { store: withCache(withPrefix(store, "p"), { maxBytes: 2 ** 20, mode: "write-back" }), cleanup };
  },
  { capabilities: { writable: true, conditionalWrite: "create", rangeRead: true }, largeValueBytes: 2 ** 20 },
);

test("latency hints: files are local, and wrappers pass the hint through", async () => {
  const { store, cleanup } = await tempFileStore();
  try {
    assert.is(store.capabilities.latency, "local");
    assert.is(withPrefix(store, "p").capabilities.latency, "local", "withPrefix");
    assert.is(withReadOnly(store).capabilities.latency, "local", "withReadOnly");
    assert.is(withCache(store, { maxBytes: 1024 }).capabilities.latency, "local", "withCache");
  } finally {
    await cleanup();
  }
});

test.run();
