// Checkout at 10 vs 1,000 commits (ms and store reads) and commit latency on FileStore vs a bare create-only write.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStore, type Store } from "@shoal/storage";
import { FileStore } from "@shoal/storage/fs";
import { VersionControl } from "../src/index.ts";

class Counting {
  reads = 0;
  wrap(inner: Store): Store {
    return {
      capabilities: inner.capabilities,
      get: (k, o) => (this.reads++, inner.get(k, o)),
      head: (k, o) => (this.reads++, inner.head(k, o)),
      set: (k, v, o) => inner.set(k, v, o),
      delete: (k, o) => inner.delete(k, o),
      list: (p, o) => (this.reads++, inner.list(p, o)),
    };
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function checkoutAt(n: number, dir: string): Promise<{ ms: number; reads: number }> {
  const counter = new Counting();
  const store = counter.wrap(new FileStore(join(dir, `h${n}`)));
  const vc = await VersionControl.open(store, { initialManifest: "m0" });
  let first = "";
  for (let i = 0; i < n; i++) {
    const id = await vc.commit(`c${i}`, { manifest: `m${i + 1}` });
    if (i === 0) first = id;
  }
  await vc.checkout("side", { create: true });
  const times: number[] = [];
  let reads = 0;
  for (let r = 0; r < 7; r++) {
    const fresh = await VersionControl.open(store, { branch: "side" });
    const before = counter.reads;
    const t0 = performance.now();
    await fresh.checkout("main");
    await fresh.checkout(first);
    times.push(performance.now() - t0);
    reads = counter.reads - before;
  }
  return { ms: median(times), reads };
}

const dir = await mkdtemp(join(tmpdir(), "shoal-vcs-bench-"));
try {
  const small = await checkoutAt(10, dir);
  const big = await checkoutAt(1000, dir);
  emit({ bench: "vcs-checkout-1000-commits", metric: "ms", value: big.ms, baseline: "same checkouts at 10 commits", baselineValue: small.ms, ratio: big.ms / small.ms });
  emit({ bench: "vcs-checkout-reads-1000-commits", metric: "store reads", value: big.reads, baseline: "at 10 commits", baselineValue: small.reads, ratio: big.reads / small.reads });

  const store = new FileStore(join(dir, "commit"));
  const vc = await VersionControl.open(store, { initialManifest: "m0" });
  const commitMs: number[] = [];
  const rawMs: number[] = [];
  const bytes = new TextEncoder().encode(JSON.stringify({ format: 1, note: "a ref-sized record".repeat(8) }));
  const changes = { tensors: { t: { updatedIds: new BigUint64Array([1n]), updatedIndices: new Float64Array([0]) } } };
  for (let i = 0; i < 50; i++) {
    let t0 = performance.now();
    await vc.commit(`c${i}`, { manifest: `m${i + 1}`, changes });
    commitMs.push(performance.now() - t0);
    t0 = performance.now();
    await store.set(`raw/${i}.json`, bytes, { ifNoneMatch: "*" });
    rawMs.push(performance.now() - t0);
  }
  const c = median(commitMs);
  const raw = median(rawMs);
  emit({ bench: "vcs-commit-filestore", metric: "ms", value: c, baseline: "one create-only FileStore write", baselineValue: raw, ratio: c / raw });

  const mem = new MemoryStore();
  const mvc = await VersionControl.open(mem, { initialManifest: "m0" });
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) await mvc.commit(`c${i}`, { manifest: `m${i + 1}` });
  emit({ bench: "vcs-commit-memory", metric: "commits/s", value: 1000 / ((performance.now() - t0) / 1000) });
} finally {
  await rm(dir, { recursive: true, force: true });
}
