import { test } from "uvu";
import * as assert from "uvu/assert";
import { serveStore, startHttpServer } from "../src/node-http-server.ts";
import { startS3Server } from "../src/node-s3-server.ts";
import type { SuiteStore } from "../src/store-types.ts";

test("startHttpServer answers as scripted and records each request", async () => {
  const server = await startHttpServer((req) => ({ status: 201, headers: { "x-echo": req.method }, body: `got ${req.body.byteLength}` }));
  try {
    const res = await fetch(`${server.url}/a/b?c=1`, { method: "PUT", body: new Uint8Array([1, 2, 3]), headers: { "x-test": "yes" } });
    assert.is(res.status, 201);
    assert.is(res.headers.get("x-echo"), "PUT");
    assert.is(await res.text(), "got 3");
    assert.is(server.requests[0]?.url, "/a/b?c=1");
    assert.is(server.requests[0]?.headers["x-test"], "yes");
  } finally {
    await server.stop();
  }
});

test("startHttpServer can cut a body short, and fetch then fails to read it", async () => {
  const server = await startHttpServer(() => ({ status: 200, body: new Uint8Array(1000), truncateAfter: 10 }));
  try {
    const res = await fetch(server.url);
    const outcome = await res.arrayBuffer().then(() => "complete", () => "failed");
    assert.is(outcome, "failed");
  } finally {
    await server.stop();
  }
});

test("a handler that throws answers 500 instead of hanging", async () => {
  const server = await startHttpServer(() => {
    throw new Error("broken handler");
  });
  try {
    const res = await fetch(server.url);
    assert.is(res.status, 500);
    await res.body?.cancel();
  } finally {
    await server.stop();
  }
});

test("serveStore serves whole objects, ranges (206), past-the-end ranges (416) and 404", async () => {
  const data = new Map([["dir/k", new Uint8Array([0, 1, 2, 3, 4])]]);
  const store: Pick<SuiteStore, "get" | "head"> = {
    head: async (key) => (data.has(key) ? { size: data.get(key)?.byteLength ?? 0, version: "v1" } : undefined),
    get: async (key, opts) => {
      const bytes = data.get(key);
      return bytes && opts?.range ? bytes.subarray(opts.range.offset, opts.range.offset + (opts.range.length ?? bytes.byteLength)) : bytes;
    },
  };
  const server = await serveStore(store as SuiteStore);
  try {
    const whole = await fetch(`${server.url}/dir/k`);
    assert.equal([...new Uint8Array(await whole.arrayBuffer())], [0, 1, 2, 3, 4]);
    assert.is(whole.headers.get("etag"), '"v1"');
    const part = await fetch(`${server.url}/dir/k`, { headers: { range: "bytes=1-10" } });
    assert.is(part.status, 206);
    assert.is(part.headers.get("content-range"), "bytes 1-4/5");
    assert.equal([...new Uint8Array(await part.arrayBuffer())], [1, 2, 3, 4]);
    const past = await fetch(`${server.url}/dir/k`, { headers: { range: "bytes=5-" } });
    assert.is(past.status, 416);
    assert.is(past.headers.get("content-range"), "bytes */5");
    await past.body?.cancel();
    const missing = await fetch(`${server.url}/nope`);
    assert.is(missing.status, 404);
    await missing.body?.cancel();
  } finally {
    await server.stop();
  }
});

test("startS3Server runs s3rver with the bucket, and stop() shuts it down", async () => {
  const s3 = await startS3Server({ bucket: "probe-bucket" });
  const res = await fetch(`${s3.endpoint}/probe-bucket?list-type=2`);
  assert.is(res.status, 200);
  assert.match(await res.text(), /<Name>probe-bucket<\/Name>/);
  await s3.stop();
  const after = await fetch(`${s3.endpoint}/probe-bucket`).then((r) => r.body?.cancel().then(() => "answered"), () => "refused");
  assert.is(after, "refused");
});

test("startS3Server refuses an invalid bucket name", async () => {
  const outcome = await startS3Server({ bucket: "Bad_Bucket" }).then(() => "started", (e: unknown) => e);
  assert.instance(outcome, TypeError);
});

test.run();
