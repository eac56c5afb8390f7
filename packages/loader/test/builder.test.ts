import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { dataloader } from "../src/index.ts";
import { conformanceSource, numberedSource } from "./helpers/fixtures.ts";

const code = (c: string, text?: string) => (e: unknown) => isShoalError(e, c) && (!text || (e as Error).message.includes(text));

test("each chain step at most once, with Deep Lake's messages", () => {
  const l = dataloader(conformanceSource());
  assert.throws(() => l.offset(1).offset(2), code("LoaderConfigError", "offset is already set"));
  assert.throws(() => l.batch(2).batch(3), code("LoaderConfigError", "batch size is already set"));
  assert.throws(() => l.shuffle().shuffle(), code("LoaderConfigError", "shuffle is already set"));
  assert.throws(() => l.transform(() => 1).transform(() => 2), code("LoaderConfigError", "transform is already set"));
  assert.throws(() => l.numpy().numpy(), code("LoaderConfigError", "already called .numpy()"));
});

test("the builder is immutable: a failed or repeated step leaves the original usable", async () => {
  const base = dataloader(numberedSource(6)).batch(2);
  const a = base.offset(1).numpy({ tensors: ["id"] });
  const b = base.numpy({ tensors: ["id"] });
  assert.is(a.length, 3);
  let first: number | undefined;
  for await (const batch of b) {
    first ??= (batch as Record<string, { data: Uint32Array }>).id!.data[0];
  }
  assert.is(first, 0, "b is not affected by a's offset");
});

test("tensors containing index, and tensors vs dict transform conflicts", () => {
  const l = dataloader(conformanceSource());
  assert.throws(() => l.numpy({ tensors: ["labels", "index"] }), code("LoaderConfigError", "index is not a tensor, to get index, pass returnIndex: true"));
  assert.throws(() => l.transform({ labels: null }).numpy({ tensors: ["labels"] }), code("LoaderConfigError", "Tensors have already been specified by passing a dictionary to .transform() method"));
  assert.throws(() => l.numpy({ tensors: ["labels"] }).transform({ labels: null }), code("LoaderConfigError", "Tensors have already been specified in the .numpy() method."));
});

test("bad arguments are typed errors", () => {
  const l = dataloader(conformanceSource());
  assert.throws(() => dataloader({} as never), code("InvalidArgumentError"));
  assert.throws(() => l.batch(0), code("InvalidArgumentError"));
  assert.throws(() => l.batch(1.5), code("InvalidArgumentError"));
  assert.throws(() => l.offset(-1), code("InvalidArgumentError"));
  assert.throws(() => l.shuffle({ bufferSizeMB: -1 }), code("InvalidArgumentError"));
  assert.throws(() => l.shuffle({ seed: Number.NaN }), code("InvalidArgumentError"));
  assert.throws(() => l.transform(42 as never), code("InvalidArgumentError"));
  assert.throws(() => l.transform({ labels: 3 as never }), code("InvalidArgumentError"));
  assert.throws(() => l.query(7 as never), code("InvalidArgumentError"));
  assert.throws(() => l.numpy({ numWorkers: -1 }), code("InvalidArgumentError"));
  assert.throws(() => l.numpy({ numThreads: 0 }), code("InvalidArgumentError"));
  assert.throws(() => l.numpy({ prefetchFactor: 0 }), code("InvalidArgumentError"));
  assert.throws(() => l.numpy({ distributed: { rank: 3, worldSize: 3 } }), code("InvalidArgumentError"));
  assert.throws(() => l.numpy({ distributed: { rank: 0, worldSize: 0 } }), code("InvalidArgumentError"));
  assert.throws(() => l.shuffle().numpy({ distributed: { rank: 0, worldSize: 2 } }), code("LoaderConfigError", "seed"));
});

test("unknown tensors and bad decode methods fail when iteration starts", async () => {
  const fail = async (loader: AsyncIterable<unknown>, check: (e: unknown) => boolean) => {
    try {
      for await (const _ of loader) void _;
      assert.unreachable("should throw");
    } catch (e) {
      assert.ok(check(e), String(e));
    }
  };
  const l = dataloader(conformanceSource());
  await fail(l.numpy({ tensors: ["nope"] }), code("TensorDoesNotExistError"));
  await fail(l.numpy({ tensors: ["labels"], decodeMethod: { images: "numpy" } }), code("LoaderConfigError", "tensor images specified in decode_method not found in tensors."));
  await fail(l.numpy({ decodeMethod: { caption: "tobytes" } }), code("LoaderConfigError", "decode_method tobytes not supported for tensor caption"));
  await fail(l.numpy({ decodeMethod: { labels: "image" } }), code("LoaderConfigError", "decode_method image not supported for tensor labels"));
});

test("length: ceil over batch × world size, shortest tensor", () => {
  const l = dataloader(conformanceSource());
  assert.is(l.length, 12);
  assert.is(l.batch(5).length, 3);
  assert.is(l.batch(5, { dropLast: true }).length, 2);
  assert.is(l.batch(2).numpy({ distributed: { rank: 1, worldSize: 3 } }).length, 2);
});

test("query/sampleBy: length needs prepare()", () => {
  const l = dataloader(conformanceSource()).query("select * where labels == 2");
  assert.throws(() => l.length, code("LoaderConfigError", "prepare()"));
});

test.run();
