// @runtimes node,node24,bun,deno
import { expectCode, testStore } from "@shoal/testing";
import { serveStore, startHttpServer } from "@shoal/testing/node";
import type { TestHttpServer } from "@shoal/testing/node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HttpStore } from "../src/http.ts";
import { MemoryStore } from "../src/memory.ts";

const fast = { retryBaseMs: 1, retryMaxMs: 5 };

testStore(
  "HttpStore",
  async () => {
    const backing = new MemoryStore();
    const server = await serveStore(backing, { basePath: "/data/" });
    return {
      store: new HttpStore(`${server.url}/data`, fast),
      seed: (key: string, value: Uint8Array) => backing.set(key, value),
      cleanup: () => server.stop(),
    };
  },
  { capabilities: { writable: false, conditionalWrite: "none", rangeRead: true, listable: false } },
);

async function withServer(server: Promise<TestHttpServer>, body: (s: TestHttpServer) => Promise<void>): Promise<void> {
  const s = await server;
  try {
    await body(s);
  } finally {
    await s.stop();
  }
}

test("range reads send a Range header and the server answers 206", async () => {
  const backing = new MemoryStore();
  await backing.set("x", new Uint8Array(50).fill(3));
  await withServer(serveStore(backing), async (server) => {
    const store = new HttpStore(server.url);
    const part = await store.get("x", { range: { offset: 10, length: 5 } });
    assert.equal([...(part ?? [])], [3, 3, 3, 3, 3]);
    assert.is(server.requests.at(-1)?.headers.range, "bytes=10-14");
  });
});

test("a server that ignores Range still gives exactly the asked bytes", async () => {
  const whole = Uint8Array.from({ length: 20 }, (_, i) => i);
  await withServer(startHttpServer(() => ({ status: 200, body: whole })), async (server) => {
    const store = new HttpStore(server.url);
    assert.equal([...((await store.get("k", { range: { offset: 18 } })) ?? [])], [18, 19]);
    await expectCode(store.get("k", { range: { offset: 15, length: 10 } }), "RangeError", "past the end");
  });
});

test("keys are percent-encoded per segment and custom headers and fetch are used", async () => {
  await withServer(startHttpServer(() => ({ status: 200, body: "ok" })), async (server) => {
    let calls = 0;
    const countingFetch: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const store = new HttpStore(`${server.url}/base/`, { fetch: countingFetch, headers: { authorization: "Bearer t" } });
    await store.get("dir/a b#?.bin");
    assert.is(calls, 1);
    assert.is(server.requests[0]?.url, "/base/dir/a%20b%23%3F.bin");
    assert.is(server.requests[0]?.headers.authorization, "Bearer t");
  });
});

test("403 fails at once with StorageError carrying key and status (no retry)", async () => {
  await withServer(startHttpServer(() => ({ status: 403, body: "denied" })), async (server) => {
    const store = new HttpStore(server.url, fast);
    const e = (await expectCode(store.get("secret/k"), "StorageError", "403")) as { key: string; status: number };
    assert.is(e.key, "secret/k");
    assert.is(e.status, 403);
    assert.is(server.requests.length, 1);
  });
});

test("500 is retried and a later success is returned", async () => {
  let n = 0;
  await withServer(startHttpServer(() => (++n < 3 ? { status: 500 } : { status: 200, body: "fine" })), async (server) => {
    const store = new HttpStore(server.url, fast);
    assert.is(new TextDecoder().decode(await store.get("k")), "fine");
    assert.is(server.requests.length, 3);
  });
});

test("persistent 503 gives up after maxAttempts with StorageError", async () => {
  await withServer(startHttpServer(() => ({ status: 503 })), async (server) => {
    const store = new HttpStore(server.url, { ...fast, maxAttempts: 3 });
    const e = (await expectCode(store.get("k"), "StorageError", "503")) as { status: number };
    assert.is(e.status, 503);
    assert.is(server.requests.length, 3);
  });
});

test("a slow server times out with StorageError instead of hanging", async () => {
  await withServer(startHttpServer(() => ({ status: 200, body: "late", delayMs: 5000 })), async (server) => {
    const store = new HttpStore(server.url, { ...fast, timeoutMs: 100, maxAttempts: 2 });
    const e = await expectCode(store.get("slow/k"), "StorageError", "timeout");
    assert.match(String((e as Error).message), /timed out/);
    assert.match(String((e as Error).message), /slow\/k/);
  });
});

test("a truncated body is never returned as the object", async () => {
  await withServer(startHttpServer(() => ({ status: 200, body: new Uint8Array(1000), truncateAfter: 10 })), async (server) => {
    const store = new HttpStore(server.url, { ...fast, maxAttempts: 2 });
    await expectCode(store.get("k"), "StorageError", "truncated");
    assert.is(server.requests.length, 2);
  });
});

test("aborting an in-flight request rejects with the signal's reason", async () => {
  await withServer(startHttpServer(() => ({ status: 200, body: "late", delayMs: 5000 })), async (server) => {
    const store = new HttpStore(server.url);
    const controller = new AbortController();
    const reason = new Error("user cancelled");
    const pending = store.get("k", { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    const outcome = await pending.then(() => "resolved", (e: unknown) => e);
    assert.is(outcome, reason);
  });
});

test("HttpStore refuses non-http URLs", () => {
  assert.throws(() => new HttpStore("ftp://example.org/x"), (e: unknown) => (e as { code?: string }).code === "UnsupportedError");
});

test.run();
