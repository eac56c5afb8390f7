import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ReadOptions } from "@shoal/core";
import { dataloader } from "../src/index.ts";
import { JpegColumn, jpegSource } from "./helpers/fixtures.ts";

/** A JPEG column that also serves many samples' stored bytes at once, counting both kinds of call. */
class BulkJpegColumn extends JpegColumn {
  single = 0;
  bulk: number[][] = [];
  override async readBytes(index: number, opts?: ReadOptions): Promise<{ bytes: Uint8Array; compression: string | null }> {
    this.single++;
    return super.readBytes(index, opts);
  }
  async readBytesMany(indices: ArrayLike<number>, opts?: ReadOptions): Promise<{ bytes: Uint8Array; compression: string | null }[]> {
    this.bulk.push(Array.from(indices));
    const out = [];
    for (let k = 0; k < indices.length; k++) out.push(await super.readBytes(indices[k]!, opts));
    return out;
  }
}

test("stored bytes come through readBytesMany, one call per run, when the column has it", async () => {
  const src = await jpegSource(40);
  const files = await Promise.all(Array.from({ length: 40 }, (_, i) => src.images.readBytes(i)));
  const col = new BulkJpegColumn(files.map((f) => f.bytes), 16);
  const source = { length: 40, tensorNames: () => ["images"], tensor: () => col };
  const loader = dataloader(source).batch(8).numpy({ decodeMethod: { images: "tobytes" } });
  const got: Uint8Array[] = [];
  for await (const b of loader) got.push(...((b as { images: Uint8Array[] }).images));
  assert.is(col.single, 0);
  assert.equal(col.bulk.map((c) => c.length), [8, 8, 8, 8, 8]);
  assert.equal(got, files.map((f) => f.bytes));
});

test("a failing readBytesMany falls back to per-sample reads", async () => {
  const src = await jpegSource(8);
  const files = await Promise.all(Array.from({ length: 8 }, (_, i) => src.images.readBytes(i)));
  const col = new BulkJpegColumn(files.map((f) => f.bytes), 16);
  col.readBytesMany = () => Promise.reject(new Error("bulk read failed"));
  const loader = dataloader({ length: 8, tensorNames: () => ["images"], tensor: () => col }).batch(4).numpy({ decodeMethod: { images: "tobytes" } });
  let n = 0;
  for await (const b of loader) n += (b as { images: Uint8Array[] }).images.length;
  assert.is(n, 8);
  assert.is(col.single, 8);
});

test.run();
