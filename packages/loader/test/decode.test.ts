import { test } from "uvu";
import * as assert from "uvu/assert";
import { type NDArray, isShoalError } from "@shoal/core";
import { type ImageLike, type WorkerSpawner, dataloader, nodeWorkerSpawner, webWorkerSpawner } from "../src/index.ts";
import { jpegSource } from "./helpers/fixtures.ts";

type B = Record<string, unknown>;

async function all(loader: AsyncIterable<unknown>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b as B);
  return out;
}

/** Image i is a uniform JPEG of value 4·i: check each decoded sample against its label (lossy: ±3). */
function checkPixels(images: NDArray, labels: NDArray): void {
  const each = images.data.length / images.shape[0]!;
  for (let j = 0; j < images.shape[0]!; j++) {
    const want = (4 * Number(labels.data[j])) % 256;
    const px = images.data[j * each] as number;
    assert.ok(Math.abs(px - want) <= 3, `sample ${labels.data[j]}: pixel ${px}, want ${want}`);
  }
}

test("numpy decode: in-thread and in 2 workers give the same stacked batches", async () => {
  const src = await jpegSource(40);
  for (const numWorkers of [0, 2]) {
    const loader = dataloader(src).batch(16).shuffle({ seed: 2 }).numpy({ numWorkers });
    const batches = await all(loader);
    let rows = 0;
    for (const b of batches) {
      const images = b.images as NDArray;
      assert.is(images.dtype, "uint8");
      assert.equal(images.shape.slice(1), [16, 16, 3]);
      checkPixels(images, b.labels as NDArray);
      rows += images.shape[0]!;
    }
    assert.is(rows, 40);
    assert.is(loader.activeWorkers, 0, "non-persistent workers stop after the epoch");
  }
});

test("tobytes returns the stored JPEG files", async () => {
  const src = await jpegSource(5);
  const [b] = await all(dataloader(src).batch(5).numpy({ decodeMethod: { images: "tobytes" } }));
  const files = b!.images as Uint8Array[];
  assert.is(files.length, 5);
  for (let i = 0; i < 5; i++) assert.equal(files[i], (await src.images.readBytes(i)).bytes);
  assert.equal(Array.from(files[0]!.subarray(0, 2)), [0xff, 0xd8]);
});

test("image decode gives ImageData-like RGBA, with and without workers", async () => {
  const src = await jpegSource(6);
  for (const numWorkers of [0, 1]) {
    const [b] = await all(dataloader(src).batch(6).numpy({ numWorkers, decodeMethod: { images: "image" } }));
    const images = b!.images as ImageLike[];
    assert.is(images.length, 6);
    images.forEach((img, i) => {
      assert.is(img.width, 16);
      assert.is(img.height, 16);
      assert.ok(img.data instanceof Uint8ClampedArray);
      assert.is(img.data.length, 16 * 16 * 4);
      assert.ok(Math.abs(img.data[0]! - 4 * i) <= 3);
      assert.is(img.data[3], 255);
    });
  }
});

test("corrupt JPEGs: the error names tensor and index; ignoreErrors skips and counts them", async () => {
  const src = await jpegSource(24, 16, [5, 17]);
  for (const numWorkers of [0, 2]) {
    try {
      await all(dataloader(src).batch(8).numpy({ numWorkers, decodeMethod: { images: "image" } }));
      assert.unreachable();
    } catch (e) {
      assert.ok(isShoalError(e, "SampleReadError"), String(e));
      assert.is((e as unknown as { tensor: string }).tensor, "images");
      assert.is((e as unknown as { index: number }).index, 5);
    }
    const loader = dataloader(src, { ignoreErrors: true }).batch(8).numpy({ numWorkers });
    const batches = await all(loader);
    const labels = batches.flatMap((b) => Array.from((b.labels as NDArray).data as Uint32Array));
    assert.equal(labels, Array.from({ length: 24 }, (_, i) => i).filter((i) => i !== 5 && i !== 17));
    for (const b of batches) checkPixels(b.images as NDArray, b.labels as NDArray);
    assert.is(loader.skipped, 2);
  }
});

function crashSpawner(): WorkerSpawner {
  const url = new URL("./helpers/crash-worker.ts", import.meta.url);
  const g = globalThis as { Worker?: unknown; process?: { getBuiltinModule?: (id: string) => unknown } };
  if (typeof g.Worker === "function") return webWorkerSpawner(g.Worker as never, url);
  const threads = g.process!.getBuiltinModule!("node:worker_threads") as { Worker: never };
  return nodeWorkerSpawner(threads.Worker, url);
}

test("a crashing worker surfaces as WorkerCrashError instead of a hang", async () => {
  const src = await jpegSource(16);
  const loader = dataloader(src).batch(4).numpy({ numWorkers: 2, spawner: crashSpawner() });
  try {
    await all(loader);
    assert.unreachable();
  } catch (e) {
    assert.ok(isShoalError(e, "WorkerCrashError"), String(e));
  }
  assert.is(loader.activeWorkers, 0);
});

test("breaking out of the loop releases the workers", async () => {
  const src = await jpegSource(64);
  const loader = dataloader(src).batch(4).numpy({ numWorkers: 2 });
  for await (const b of loader) {
    assert.ok(b);
    assert.is(loader.activeWorkers, 2);
    break;
  }
  assert.is(loader.activeWorkers, 0);
});

test("persistent workers survive the epoch until close()", async () => {
  const src = await jpegSource(8);
  const loader = dataloader(src).batch(4).numpy({ numWorkers: 2, persistentWorkers: true });
  assert.is((await all(loader)).length, 2);
  assert.is(loader.activeWorkers, 2);
  assert.is((await all(loader)).length, 2);
  loader.close();
  assert.is(loader.activeWorkers, 0);
});

test.run();
