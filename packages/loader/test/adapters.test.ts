// tfjs and onnxruntime are optional peers and not installed: these tests drive the adapters with small structural
// stand-ins (a `tf` with `tensor` and `data.generator`, an ORT-like `Tensor` class) that record what they get.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ndarray } from "@shoal/core";
import { dataloader } from "../src/index.ts";
import { batchToOrt, toOrt, toOrtTensor } from "../src/onnx.ts";
import { type TfDType, toTfDataset, toTfValues } from "../src/tfjs.ts";
import { conformanceSource, numberedSource } from "./helpers/fixtures.ts";

interface FakeTensor {
  values: unknown;
  shape: number[];
  dtype: TfDType;
}

function fakeTf() {
  const calls: FakeTensor[] = [];
  return {
    calls,
    tensor: (values: FakeTensor["values"], shape: number[], dtype: TfDType): FakeTensor => {
      const t = { values, shape, dtype };
      calls.push(t);
      return t;
    },
    data: {
      generator: (make: () => AsyncIterator<Record<string, unknown>>) => ({
        async toArray() {
          const it = make();
          const out: Record<string, unknown>[] = [];
          for (let r = await it.next(); !r.done; r = await it.next()) out.push(r.value);
          return out;
        },
      }),
    },
  };
}

test("tfjs: a tf.data generator of batches of tf tensors, dtypes mapped to tf's", async () => {
  const tf = fakeTf();
  const ds = toTfDataset(dataloader(numberedSource(5)).batch(2).numpy(), tf);
  const batches = await ds.toArray();
  assert.is(batches.length, 3);
  const first = batches[0]! as Record<string, FakeTensor>;
  assert.equal(first.x!.shape, [2, 2]);
  assert.is(first.x!.dtype, "float32");
  assert.is(first.id!.dtype, "int32", "uint32 becomes int32");
  assert.ok(first.id!.values instanceof Int32Array);
  assert.is(tf.calls.length, 6);
});

test("tfjs: text becomes a string tensor, ragged arrays a list of tensors, json passes through", async () => {
  const tf = fakeTf();
  const ds = toTfDataset(dataloader(conformanceSource()).batch(2).numpy({ tensors: ["caption", "images", "meta"] }), tf);
  const [b] = (await ds.toArray()) as Record<string, unknown>[];
  assert.equal((b!.caption as FakeTensor).values, ["a cat on a mat", "a dog in the park"]);
  assert.is((b!.caption as FakeTensor).dtype, "string");
  assert.is((b!.images as FakeTensor[]).length, 2);
  assert.equal((b!.meta as { source: string }[])[0]!.source, "web");
});

test("tfjs: dtype conversions", () => {
  assert.is(toTfValues(ndarray("float64", [2], Float64Array.of(1.5, 2))).dtype, "float32");
  assert.equal(Array.from(toTfValues(ndarray("int64", [2], BigInt64Array.of(3n, -4n))).values), [3, -4]);
  assert.equal(Array.from(toTfValues(ndarray("float16", [1], Uint16Array.of(0x3c00))).values), [1]);
  assert.is(toTfValues(ndarray("bool", [1], Uint8Array.of(1))).dtype, "bool");
});

class FakeOrtTensor {
  static made = 0;
  readonly type: string;
  readonly data: unknown;
  readonly dims: readonly number[];
  constructor(type: string, data: unknown, dims: readonly number[]) {
    FakeOrtTensor.made++;
    this.type = type;
    this.data = data;
    this.dims = dims;
  }
}

test("onnx: NDArrays become ORT tensors sharing their data", async () => {
  const a = ndarray("uint8", [2, 3]);
  const t = toOrtTensor(a, FakeOrtTensor);
  assert.is(t.type, "uint8");
  assert.is(t.data, a.data, "no copy");
  assert.equal(t.dims, [2, 3]);
  const feeds: Record<string, unknown>[] = [];
  for await (const f of toOrt(dataloader(numberedSource(4)).batch(4).numpy(), FakeOrtTensor)) feeds.push(f);
  assert.is(feeds.length, 1);
  assert.equal((feeds[0]!.x as FakeOrtTensor).dims, [4, 2]);
  assert.is((feeds[0]!.id as FakeOrtTensor).type, "uint32");
  const text = batchToOrt({ caption: ["a", "b"], other: 3 }, FakeOrtTensor);
  assert.is((text.caption as FakeOrtTensor).type, "string");
  assert.is(text.other, 3);
});

test.run();
