// Unknown option keys are refused (a typo such as numWorker must not silently fall back to the default), naming the
// key and listing the accepted ones; known keys, absent options and undefined values still pass.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { dataloader } from "../src/index.ts";
import { numberedSource } from "./helpers/fixtures.ts";

function refused(fn: () => unknown, key: string, accepted: string[], hint?: string): void {
  assert.throws(fn, (e: unknown) => {
    if (!isShoalError(e, "LoaderConfigError")) return false;
    const m = (e as Error).message;
    return m.includes(`unknown option "${key}"`) && accepted.every((k) => m.includes(k)) && (hint === undefined || m.includes(`did you mean ${hint}?`));
  });
}

test("numpy: a typo is refused with the key, a suggestion and the accepted keys", () => {
  const l = dataloader(numberedSource(4));
  refused(() => l.numpy({ numWorker: 2 } as never), "numWorker", ["numWorkers", "tensors", "prefetchFactor", "batchReads", "signal"], "numWorkers");
  refused(() => l.numpy({ tensor: ["id"] } as never), "tensor", ["tensors"], "tensors");
  refused(() => l.numpy({ return_index: true } as never), "return_index", ["returnIndex"]);
  refused(() => l.numpy({ tensors: ["id"], completelyUnrelated: 1 } as never), "completelyUnrelated", ["numWorkers"]);
  assert.throws(() => l.numpy("fast" as never), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
  assert.throws(() => l.numpy([] as never), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
});

test("dataloader, batch, shuffle and sampleBy options are checked the same way", () => {
  const src = numberedSource(4);
  refused(() => dataloader(src, { ignoreError: true } as never), "ignoreError", ["ignoreErrors", "verbose"], "ignoreErrors");
  assert.throws(() => dataloader(src, 3 as never), (e: unknown) => isShoalError(e, "InvalidArgumentError"));
  const l = dataloader(src);
  refused(() => l.batch(2, { drop_last: true } as never), "drop_last", ["dropLast"]);
  refused(() => l.shuffle({ bufferSize: 1 } as never), "bufferSize", ["bufferSizeMB", "seed"], "bufferSizeMB");
  refused(() => l.sampleBy([1, 1, 1, 1], { replacement: false } as never), "replacement", ["replace", "size", "seed"]);
});

test("known keys, undefined values and no options still work, and give the same batches", async () => {
  const src = numberedSource(6);
  const read = async (l: ReturnType<typeof dataloader>) => {
    const out: number[] = [];
    for await (const b of l) out.push(...(b as { id: { data: Uint32Array } }).id.data);
    return out;
  };
  const plain = await read(dataloader(src).batch(2).numpy({ tensors: ["id"] }));
  const full = await read(
    dataloader(src, { ignoreErrors: false, verbose: undefined })
      .batch(2, { dropLast: false })
      .shuffle({ bufferSizeMB: 0, seed: undefined })
      .numpy({ tensors: ["id"], numWorkers: 0, numThreads: 2, prefetchFactor: 2, persistentWorkers: false, reuseBatches: false, returnIndex: undefined }),
  );
  assert.equal(plain, [0, 1, 2, 3, 4, 5]);
  assert.equal([...full].sort((a, b) => a - b), plain);
  assert.is((await read(dataloader(src).sampleBy([1, 1, 1, 1, 1, 1], { replace: false, size: 6, seed: 1 }).batch(3).numpy({ tensors: ["id"] }))).length, 6);
});

test.run();
