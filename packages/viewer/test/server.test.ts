import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FileStore } from "@shoal/storage/fs";
import { expectCode } from "@shoal/testing";
import { serveStore } from "@shoal/testing/node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { keyFromPath, serve } from "../src/node.ts";
import { buildDataset, type Fixture } from "./fixture.ts";
import { rawGet } from "./raw-http.ts";

let fx: Fixture;
const SECRET = "top secret: outside the dataset root";

test.before(async () => {
  fx = await buildDataset(20);
  writeFileSync(join(fx.dir, "..", "secret.txt"), SECRET);
});
test.after(() => fx.cleanup());

test("store keys are served whole, by byte range, suffix range, and HEAD; past the end is 416", async () => {
  const srv = await serve(fx.dir);
  try {
    const meta = readFileSync(join(fx.dir, "shoal.json"));
    const whole = await rawGet(srv.url, "/store/shoal.json");
    assert.is(whole.status, 200);
    assert.equal(whole.body, new Uint8Array(meta));
    const part = await rawGet(srv.url, "/store/shoal.json", { range: "bytes=3-9" });
    assert.is(part.status, 206);
    assert.is(part.headers["content-range"], `bytes 3-9/${meta.byteLength}`);
    assert.equal(part.body, new Uint8Array(meta.subarray(3, 10)));
    const tail = await rawGet(srv.url, "/store/shoal.json", { range: "bytes=-4" });
    assert.equal(tail.body, new Uint8Array(meta.subarray(meta.byteLength - 4)));
    const head = await rawGet(srv.url, "/store/shoal.json", {}, "HEAD");
    assert.is(head.headers["content-length"], String(meta.byteLength));
    const past = await rawGet(srv.url, "/store/shoal.json", { range: `bytes=${meta.byteLength + 5}-` });
    assert.is(past.status, 416);
    assert.is(past.headers["content-range"], `bytes */${meta.byteLength}`);
    assert.is((await rawGet(srv.url, "/store/no/such/key")).status, 404);
    const logged = srv.requests.find((r) => r.range === "bytes=3-9");
    assert.ok(logged, "the range read is in the request log");
    assert.is(logged.key, "shoal.json");
    assert.is(logged.status, 206);
    assert.is(logged.bytes, 7);
  } finally {
    await srv.close();
  }
});

const TRAVERSALS = [
  "/store/../secret.txt",
  "/store/..%2fsecret.txt",
  "/store/%2e%2e/secret.txt",
  "/store/%2e%2e%2fsecret.txt",
  "/store/%252e%252e%252fsecret.txt",
  "/store/%252e%252e/secret.txt",
  "/store/..\\secret.txt",
  "/store/tensors\\..\\..\\secret.txt",
  "/store/..%5csecret.txt",
  "/store//etc/passwd",
  "/store/%2fetc%2fpasswd",
  "/store/C:%5cWindows%5cwin.ini",
  "/store/./shoal.json",
  "/store/tensors/%00/x",
  "/store/%e0%a4%a",
  "/../secret.txt",
  "/store/tensors/../../secret.txt",
];

test("no request path reaches outside the dataset root: ../, encoded, double-encoded, backslashes, absolute", async () => {
  const srv = await serve(fx.dir);
  try {
    for (const path of TRAVERSALS) {
      const res = await rawGet(srv.url, path);
      assert.ok(res.status === 400 || res.status === 404, `${path} answered ${res.status}`);
      assert.not.ok(res.text.includes(SECRET), `${path} leaked the file outside the root`);
    }
    const listing = await rawGet(srv.url, "/api/list?prefix=..%2F");
    assert.is(listing.status, 400);
    assert.match(listing.text, "refused path");
  } finally {
    await srv.close();
  }
});

test("keyFromPath names what it refused and why", () => {
  for (const raw of ["", "..", "a/../b", "%2e%2e/x", "a%2fb", "a%5cb", "a\\b", "/abs", "C:%5cx", "a//b", "%zz", "a%00b"]) {
    try {
      keyFromPath(raw);
      assert.unreachable(`${raw} was accepted`);
    } catch (e) {
      const err = e as { code?: string; message: string; path?: string };
      assert.is(err.code, "UnsafePathError", raw);
      assert.is(err.path, raw);
      assert.match(err.message, "viewer refused path");
    }
  }
  assert.is(keyFromPath("tensors/images/chunks/ab%20c"), "tensors/images/chunks/ab c");
  // Decoded once: a double-encoded dot-dot is the literal name "%2e%2e", which no store resolves to a parent.
  assert.is(keyFromPath("names/%252e%252e"), "names/%2e%2e");
});

test("api/list lists keys under a prefix, for branches and saved views", async () => {
  const srv = await serve(fx.dir);
  try {
    const res = await rawGet(srv.url, `/api/list?prefix=${encodeURIComponent("views/")}`);
    assert.is(res.status, 200);
    assert.ok((JSON.parse(res.text) as string[]).includes(`views/${fx.viewId}.json`));
  } finally {
    await srv.close();
  }
});

test("a non-loopback host gets a random token in the URL; requests without it are refused", async () => {
  // 127.0.0.2 is loopback to the kernel but not one of the names serve() trusts, so it is treated as shared.
  const a = await serve(fx.dir, { host: "127.0.0.2" });
  const b = await serve(fx.dir, { token: true });
  try {
    assert.ok(a.token && a.token.length >= 20, "a token is made");
    assert.ok(a.url.endsWith(`/${a.token}/`), a.url);
    assert.is.not(a.token, b.token);
    assert.is((await rawGet(a.url, "/store/shoal.json")).status, 403);
    assert.is((await rawGet(a.url, "/wrongtoken/store/shoal.json")).status, 403);
    assert.is((await rawGet(a.url, `/${a.token}/store/shoal.json`)).status, 200);
    assert.is((await rawGet(a.url, `/${a.token}/store/../secret.txt`)).status, 400);
    const loopback = await serve(fx.dir);
    assert.is(loopback.token, undefined);
    await loopback.close();
  } finally {
    await a.close();
    await b.close();
  }
});

test("the server is read-only: writes are 405 and the dataset is unchanged", async () => {
  const srv = await serve(fx.dir);
  try {
    const before = readFileSync(join(fx.dir, "shoal.json"));
    for (const method of ["PUT", "POST", "DELETE"]) assert.is((await rawGet(srv.url, "/store/shoal.json", {}, method)).status, 405);
    assert.equal(readFileSync(join(fx.dir, "shoal.json")), before);
  } finally {
    await srv.close();
  }
});

test("api/status says what is wrong: not a dataset, unreachable store", async () => {
  const notDataset = await serve(join(fx.dir, "tensors"));
  const unreachable = await serve("http://127.0.0.1:9/nothing/");
  try {
    const a = JSON.parse((await rawGet(notDataset.url, "/api/status")).text) as { ok: boolean; code: string; message: string };
    assert.is(a.ok, false);
    assert.is(a.code, "DatasetNotFoundError");
    const b = JSON.parse((await rawGet(unreachable.url, "/api/status")).text) as { ok: boolean; code: string; message: string; source: string };
    assert.is(b.ok, false);
    assert.is(b.code, "StorageError");
    assert.is(b.source, "http://127.0.0.1:9/nothing/");
    assert.match(b.message, "failed");
    assert.is((await rawGet(unreachable.url, "/store/shoal.json")).status, 502);
  } finally {
    await notDataset.close();
    await unreachable.close();
  }
});

test("an http:// dataset is proxied through the store adapter, ranges included", async () => {
  const upstream = await serveStore(new FileStore(fx.dir) as never, {});
  const srv = await serve(`${upstream.url}/`);
  try {
    const status = JSON.parse((await rawGet(srv.url, "/api/status")).text) as { ok: boolean };
    assert.is(status.ok, true);
    const meta = readFileSync(join(fx.dir, "shoal.json"));
    const part = await rawGet(srv.url, "/store/shoal.json", { range: "bytes=0-4" });
    assert.equal(part.body, new Uint8Array(meta.subarray(0, 5)));
    assert.ok(upstream.requests.some((r) => r.headers.range === "bytes=0-4"), "the range went upstream as a range");
  } finally {
    await srv.close();
    await upstream.stop();
  }
});

test("serve() refuses bad options with ViewerOptionError", async () => {
  await expectCode(serve(fx.dir, { port: -1 }), "ViewerOptionError", "negative port");
  await expectCode(serve(fx.dir, { port: 1.5 }), "ViewerOptionError", "fractional port");
  await expectCode(serve(fx.dir, { host: "" }), "ViewerOptionError", "empty host");
  await expectCode(serve(fx.dir, { host: "a b" }), "ViewerOptionError", "host with a space");
  await expectCode(serve(null as never), "ViewerOptionError", "null source");
  await expectCode(serve(""), "ViewerOptionError", "empty source");
  const taken = await serve(fx.dir);
  try {
    await expectCode(serve(fx.dir, { port: Number(new URL(taken.url).port) }), "ViewerOptionError", "port in use");
  } finally {
    await taken.close();
  }
});

test.run();
