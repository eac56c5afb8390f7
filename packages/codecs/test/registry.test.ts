import { test } from "uvu";
import * as assert from "uvu/assert";
import { codecNames, getBytesCodec, getCodec, getSampleCodec, registerCodec } from "../src/registry.ts";
import type { BytesCodec } from "../src/types.ts";
import { equalBytes, rejectsCode, runs, throwsCode } from "./helpers.ts";

test("every contract name is registered and loads with the right kind and name", async () => {
  const bytes = ["lz4", "lz4-frame", "deflate", "zlib", "gzip"];
  const samples = ["jpeg", "png", "wav"];
  for (const name of [...bytes, ...samples]) assert.ok(codecNames().includes(name), name);
  for (const name of bytes) {
    const codec = await getBytesCodec(name);
    assert.is(codec.kind, "bytes");
    assert.is(codec.name, name);
    const data = runs(10_000, 1);
    assert.ok(equalBytes(codec.decode(codec.encode(data)), data), name);
  }
  for (const name of samples) {
    const codec = await getSampleCodec(name);
    assert.is(codec.kind, "sample");
    assert.is(codec.name, name);
  }
  assert.is(await getCodec("lz4"), await getCodec("lz4"));
});

test("unknown names → UnknownCodecError listing the known ones", async () => {
  assert.ok(await rejectsCode(getCodec("zstd"), "UnknownCodecError", /unknown codec "zstd"; known: .*lz4.*png/));
  assert.ok(await rejectsCode(getBytesCodec(""), "UnknownCodecError"));
  assert.ok(await rejectsCode(getCodec(undefined as unknown as string), "UnknownCodecError"));
});

test("wrong kind → CodecKindError", async () => {
  assert.ok(await rejectsCode(getBytesCodec("jpeg"), "CodecKindError", /"jpeg" is a sample codec, not a bytes codec/));
  assert.ok(await rejectsCode(getSampleCodec("lz4"), "CodecKindError", /"lz4" is a bytes codec/));
});

test("registerCodec adds names lazily, overrides, and retries failed loads", async () => {
  let loads = 0;
  const identity: BytesCodec = { kind: "bytes", name: "identity", encode: (d) => d, decode: (d) => d };
  registerCodec("identity", async () => {
    loads++;
    return identity;
  });
  assert.is(loads, 0);
  assert.ok(codecNames().includes("identity"));
  assert.is(await getBytesCodec("identity"), identity);
  await getCodec("identity");
  assert.is(loads, 1);
  let attempts = 0;
  registerCodec("flaky", async () => {
    attempts++;
    if (attempts === 1) throw new Error("network down");
    return identity;
  });
  try {
    await getCodec("flaky");
    assert.unreachable("first load should fail");
  } catch (e) {
    assert.is((e as Error).message, "network down");
  }
  assert.is(await getCodec("flaky"), identity);
  registerCodec("broken", async () => ({ kind: "other" }) as never);
  assert.ok(await rejectsCode(getCodec("broken"), "InvalidArgumentError", /did not return a codec/));
});

test("registerCodec bad input → InvalidArgumentError", () => {
  assert.ok(throwsCode(() => registerCodec("", async () => ({}) as never), "InvalidArgumentError"));
  assert.ok(throwsCode(() => registerCodec("x", "nope" as never), "InvalidArgumentError", /load must be a function/));
});

test.run();
