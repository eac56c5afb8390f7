import { expectCode } from "@shoal/testing";
import { MemoryStore } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { empty, read } from "../src/index.ts";
import { pngFile } from "./helpers.ts";

async function fixture() {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("images", { htype: "image", sampleCompression: "png" });
  await ds.createTensor("labels", { htype: "class_label", classNames: ["a", "b"] });
  const files = await Promise.all([0, 1, 2, 3, 4].map((s) => pngFile(4, 5, s)));
  await ds.extend({ images: files.map((f) => read(f)), labels: [0, 1, 0, 1, 1] });
  await ds.commit("five");
  return { ds, files };
}

test("readBytesMany returns each sample's stored bytes, as readBytes does, in the order asked", async () => {
  const { ds, files } = await fixture();
  const got = await ds.tensor("images").readBytesMany([3, 0, 3]);
  assert.equal(got.map((g) => g.compression), ["png", "png", "png"]);
  assert.equal(got[0]!.bytes, files[3]);
  assert.equal(got[1]!.bytes, files[0]);
  assert.equal(got[2]!.bytes, files[3]);
  for (const i of [0, 2, 4]) assert.equal((await ds.tensor("images").readBytesMany([i]))[0], await ds.tensor("images").readBytes(i));
});

test("readBytesMany on a view reads the view's positions", async () => {
  const { ds, files } = await fixture();
  const view = await ds.query("select * where labels == 'b'");
  const got = await view.tensor("images").readBytesMany([0, 2]);
  assert.equal(got[0]!.bytes, files[1]);
  assert.equal(got[1]!.bytes, files[4]);
});

test("readBytesMany refuses bad positions with typed errors", async () => {
  const { ds } = await fixture();
  const t = ds.tensor("images");
  await expectCode(t.readBytesMany([0, 9]), "SampleIndexError", "out of range");
  await expectCode(t.readBytesMany(null as never), "InvalidArgumentError", "null");
  await expectCode(t.readBytesMany(7 as never), "InvalidArgumentError", "a number");
  await expectCode(t.readBytesMany([1.5]), "InvalidArgumentError", "fractional");
});

test.run();
