// @runtimes node,node24,bun,deno
import { expectCode, listAll, testStore } from "@shoal/testing";
import { startHttpServer, startS3Server } from "@shoal/testing/node";
import type { ScriptedResponse, TestHttpServer } from "@shoal/testing/node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { S3Store } from "../src/s3.ts";
import type { S3StoreOptions } from "../src/s3.ts";

const s3 = await startS3Server({ bucket: "shoal-test" });
const fast = { retryBaseMs: 1, retryMaxMs: 5 };
const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
let storeCount = 0;

function onS3rver(extra?: Partial<S3StoreOptions>): S3Store {
  return new S3Store({ bucket: s3.bucket, endpoint: s3.endpoint, credentials: s3.credentials, prefix: `run/${++storeCount}`, ...fast, ...extra });
}

testStore("S3Store on s3rver", () => onS3rver(), {
  capabilities: { writable: true, conditionalWrite: "none", rangeRead: true },
  largeValueBytes: 2 ** 20,
});

const errorXml = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

async function scripted(respond: (n: number, req: { method: string; url: string; headers: Record<string, string> }) => ScriptedResponse, body: (server: TestHttpServer, store: (o?: Partial<S3StoreOptions>) => S3Store) => Promise<void>): Promise<void> {
  let n = 0;
  const server = await startHttpServer((req) => respond(++n, req));
  try {
    await body(server, (o) => new S3Store({ bucket: "bkt", endpoint: server.url, credentials: creds, ...fast, ...o }));
  } finally {
    await server.stop();
  }
}

test("requests are SigV4-signed: authorization, x-amz-date and the body's SHA-256", async () => {
  await scripted(() => ({ status: 200 }), async (server, store) => {
    const body = new TextEncoder().encode("hello s3");
    await store({ region: "eu-west-3" }).set("dir/a b.bin", body);
    const req = server.requests[0];
    assert.is(req?.method, "PUT");
    assert.is(req?.url, "/bkt/dir/a%20b.bin");
    assert.match(req?.headers.authorization ?? "", /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-3\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
    assert.match(req?.headers["x-amz-date"] ?? "", /^\d{8}T\d{6}Z$/);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
    assert.is(req?.headers["x-amz-content-sha256"], [...digest].map((b) => b.toString(16).padStart(2, "0")).join(""));
    assert.equal([...(req?.body ?? [])], [...body]);
  });
});

test("credentials, region and endpoint come from the AWS_* environment variables", async () => {
  await scripted(() => ({ status: 200, body: "x" }), async (server) => {
    const env = {
      AWS_ACCESS_KEY_ID: "AKIDENV",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_SESSION_TOKEN: "token-123",
      AWS_DEFAULT_REGION: "ap-south-1",
      AWS_ENDPOINT_URL_S3: server.url,
    };
    await new S3Store({ bucket: "bkt", env }).get("k");
    const req = server.requests[0];
    assert.match(req?.headers.authorization ?? "", /Credential=AKIDENV\/\d{8}\/ap-south-1\/s3\//);
    assert.is(req?.headers["x-amz-security-token"], "token-123");
  });
});

test("bad configuration fails with InvalidArgumentError", () => {
  const invalid = (e: unknown) => (e as { code?: string }).code === "InvalidArgumentError";
  assert.throws(() => new S3Store({ bucket: "bkt", env: {} }), invalid);
  assert.throws(() => new S3Store({ bucket: "Not_A_Bucket", credentials: creds }), invalid);
  assert.throws(() => new S3Store({ bucket: "bkt", credentials: creds, endpoint: "ftp://x" }), invalid);
  assert.throws(() => new S3Store({ bucket: "bkt", credentials: creds, prefix: "a/../b" }), (e: unknown) => (e as { code?: string }).code === "InvalidKeyError");
});

test("listing follows continuation tokens across pages", async () => {
  let listCalls = 0;
  const counting: typeof fetch = (input, init) => {
    if (String(input instanceof Request ? input.url : input).includes("list-type=2")) listCalls++;
    return fetch(input, init);
  };
  const store = onS3rver({ listPageSize: 2, fetch: counting });
  const keys = ["p/1", "p/2", "p/3", "p/4", "p/5/6", "q"];
  for (const key of keys) await store.set(key, new Uint8Array([1]));
  assert.equal(await listAll(store, "p/"), ["p/1", "p/2", "p/3", "p/4", "p/5/6"]);
  assert.is(listCalls, 3);
});

test("the conditional-write probe reports none on s3rver, cleans up, and conditional sets then fail loudly", async () => {
  const store = onS3rver();
  assert.is(await store.probeConditionalWrites(), "none");
  assert.is(store.capabilities.conditionalWrite, "none");
  assert.equal(await listAll(store, ""), []);
  await expectCode(store.set("k", new Uint8Array([1]), { ifNoneMatch: "*" }), "UnsupportedError", "create-only on none");
});

test("the probe detects a server that enforces If-None-Match and If-Match", async () => {
  const existing = new Set<string>();
  await scripted(
    (_, req) => {
      if (req.method === "DELETE") return { status: 204 };
      if (req.headers["if-none-match"] === "*" && existing.has(req.url)) return { status: 412, body: errorXml("PreconditionFailed", "At least one of the pre-conditions you specified did not hold") };
      if (req.headers["if-match"] !== undefined) return { status: 412 };
      existing.add(req.url);
      return { status: 200, headers: { etag: '"e1"' } };
    },
    async (server, make) => {
      const store = make();
      assert.is(store.capabilities.conditionalWrite, "none");
      assert.is(await store.probeConditionalWrites(), "cas");
      assert.is(store.capabilities.conditionalWrite, "cas");
      assert.equal(server.requests.map((r) => r.method), ["PUT", "PUT", "PUT", "DELETE"]);
    },
  );
});

test("conditional writes send If-None-Match / If-Match, and 412 becomes PreconditionFailedError", async () => {
  await scripted(() => ({ status: 412, body: errorXml("PreconditionFailed", "nope") }), async (server, make) => {
    const store = make({ conditionalWrite: "cas" });
    await expectCode(store.set("k", new Uint8Array([1]), { ifNoneMatch: "*" }), "PreconditionFailedError", "create-only");
    await expectCode(store.set("k", new Uint8Array([1]), { ifMatch: '"abc"' }), "PreconditionFailedError", "cas");
    assert.is(server.requests[0]?.headers["if-none-match"], "*");
    assert.is(server.requests[1]?.headers["if-match"], '"abc"');
    assert.is(server.requests.length, 2);
  });
});

test("409 ConditionalRequestConflict is retried", async () => {
  await scripted((n) => (n === 1 ? { status: 409, body: errorXml("ConditionalRequestConflict", "busy") } : { status: 200 }), async (server, make) => {
    await make({ conditionalWrite: "create" }).set("k", new Uint8Array([1]), { ifNoneMatch: "*" });
    assert.is(server.requests.length, 2);
  });
});

test("500 and 503 SlowDown are retried, then the answer is returned", async () => {
  await scripted(
    (n) => (n === 1 ? { status: 500, body: errorXml("InternalError", "oops") } : n === 2 ? { status: 503, body: errorXml("SlowDown", "slow down") } : { status: 200, body: "ok" }),
    async (server, make) => {
      assert.is(new TextDecoder().decode(await make().get("k")), "ok");
      assert.is(server.requests.length, 3);
    },
  );
});

test("403 is not retried and the error carries key, status and S3's code and message", async () => {
  await scripted(() => ({ status: 403, body: errorXml("AccessDenied", "Access Denied") }), async (server, make) => {
    const e = (await expectCode(make().get("private/k"), "StorageError", "403")) as { key: string; status: number; s3Code: string; s3Message: string; message: string };
    assert.is(e.key, "private/k");
    assert.is(e.status, 403);
    assert.is(e.s3Code, "AccessDenied");
    assert.is(e.s3Message, "Access Denied");
    assert.match(e.message, /AccessDenied/);
    assert.is(server.requests.length, 1);
  });
});

test("a missing bucket is an error, not a missing key", async () => {
  await scripted(() => ({ status: 404, body: errorXml("NoSuchBucket", "The specified bucket does not exist") }), async (_, make) => {
    const e = (await expectCode(make().get("k"), "StorageError", "NoSuchBucket")) as { s3Code: string };
    assert.is(e.s3Code, "NoSuchBucket");
  });
});

test("a slow server times out with StorageError naming the key, after the configured attempts", async () => {
  await scripted(() => ({ status: 200, body: "late", delayMs: 5000 }), async (server, make) => {
    const e = await expectCode(make({ timeoutMs: 100, maxAttempts: 2 }).get("slow/k"), "StorageError", "timeout");
    assert.match((e as Error).message, /slow\/k.*timed out/);
    assert.is(server.requests.length, 2);
  });
});

test("a truncated body is retried and never returned", async () => {
  await scripted(() => ({ status: 200, body: new Uint8Array(500), truncateAfter: 100 }), async (server, make) => {
    await expectCode(make({ maxAttempts: 2 }).get("k"), "StorageError", "truncated");
    assert.is(server.requests.length, 2);
  });
});

test("aborting an in-flight request rejects with the signal's reason, without retrying", async () => {
  await scripted(() => ({ status: 200, body: "late", delayMs: 5000 }), async (server, make) => {
    const controller = new AbortController();
    const reason = new Error("user cancelled");
    const pending = make().set("k", new Uint8Array([1]), { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    assert.is(await pending.then(() => "resolved", (e: unknown) => e), reason);
    assert.is(server.requests.length, 1);
  });
});

test.after(() => s3.stop());

test.run();
