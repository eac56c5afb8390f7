// Checkout cost is independent of history length; stores without conditional writes need a lock.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { MemoryStore } from "@shoal/storage";
import { VersionControl } from "../src/version-control.ts";
import { Wrapped } from "./helpers.ts";

async function history(n: number): Promise<{ store: Wrapped; first: string; last: string }> {
  const store = new Wrapped(new MemoryStore());
  const vc = await VersionControl.open(store, { initialManifest: "m0" });
  let first = "";
  let last = "";
  for (let i = 0; i < n; i++) {
    last = await vc.commit(`c${i}`, { manifest: `m${i + 1}` });
    if (i === 0) first = last;
  }
  await vc.checkout("side", { create: true });
  await vc.checkout("main");
  return { store, first, last };
}

async function checkoutReads(store: Wrapped, address: string): Promise<number> {
  const vc = await VersionControl.open(store, { branch: "side" });
  const before = store.reads + store.lists;
  await vc.checkout(address);
  return store.reads + store.lists - before;
}

test("checkout of a branch or a commit costs the same store reads at 10 and 1,000 commits", async () => {
  const small = await history(10);
  const big = await history(1000);
  const branchSmall = await checkoutReads(small.store, "main");
  const branchBig = await checkoutReads(big.store, "main");
  assert.is(branchBig, branchSmall);
  assert.ok(branchSmall <= 5, `${branchSmall} reads`);
  assert.is(await checkoutReads(big.store, big.first), await checkoutReads(small.store, small.first));
  assert.is(await checkoutReads(big.store, big.last), await checkoutReads(small.store, small.last));
});

test("a store that cannot enforce create-only writes refuses writes without a lock", async () => {
  const store = new Wrapped(new MemoryStore(), { conditionalWrite: "none" });
  const err = await VersionControl.open(store, { initialManifest: "m0" }).catch((e: unknown) => e);
  assert.ok(isShoalError(err, "LockRequiredError"), String(err));
  let held = 0;
  let max = 0;
  const lock = {
    async acquire() {
      held++;
      max = Math.max(max, held);
    },
    async release() {
      held--;
    },
  };
  const vc = await VersionControl.open(store, { initialManifest: "m0", lock });
  const id = await vc.commit("locked", { manifest: "m1" });
  await vc.checkout("b", { create: true }); // nested mutation (auto commit) under one acquisition
  assert.is(max, 1);
  assert.is(held, 0);
  const unlocked = await VersionControl.open(store);
  assert.is(unlocked.commitId, id, "reading needs no lock");
  const e2 = await unlocked.commit("x", { manifest: "m9" }).catch((e: unknown) => e);
  assert.ok(isShoalError(e2, "LockRequiredError"));
  // Under the lock, a stale writer still loses instead of overwriting.
  const stale = await VersionControl.open(store, { lock });
  await vc.checkout("main");
  await vc.commit("newer", { manifest: "m2" });
  const e3 = await stale.commit("stale", { manifest: "m3" }).catch((e: unknown) => e);
  assert.ok(isShoalError(e3, "ConcurrentWriteError"), String(e3));
});

test.run();
