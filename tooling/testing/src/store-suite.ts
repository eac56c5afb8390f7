import { suite } from "uvu";
import * as assert from "uvu/assert";
import { firstDifference, patternBytes } from "./bytes.ts";
import type { StoreFixture, SuiteStore, SuiteStoreCapabilities } from "./store-types.ts";

export interface TestStoreOptions {
  /** What the store must report, and which parts of the contract apply to it. */
  capabilities: SuiteStoreCapabilities;
  /** Size of the large binary round-trip (default 3 MiB). */
  largeValueBytes?: number;
  /** Writers in the create-only and CAS races (default 20). */
  racers?: number;
}

type Factory = () => SuiteStore | StoreFixture | Promise<SuiteStore | StoreFixture>;

const INVALID_KEYS = ["", "../x", "a/../../x", "/abs", "a\0b", "a//b", "a/", ".", "..", "a\\b"];

/**
 * The conformance suite of the Store contract. Every adapter and wrapper runs it, so they all behave the same on
 * missing keys, ranges, listing, invalid keys, abort signals, overwrites and conditional writes. `factory` gives a
 * fresh, empty store for each test. The suite runs itself (uvu `suite(name).run()`).
 *
 * @example
 * testStore("MemoryStore", () => new MemoryStore(), { capabilities: { writable: true, conditionalWrite: "cas", rangeRead: true } });
 */
export function testStore(name: string, factory: Factory, opts: TestStoreOptions): void {
  const caps = opts.capabilities;
  const listable = caps.listable !== false;
  const racers = opts.racers ?? 20;
  const s = suite(`${name} (Store conformance)`);

  const withStore = (title: string, body: (store: SuiteStore, put: (key: string, value: Uint8Array) => Promise<void>) => Promise<void>) => {
    s(title, async () => {
      const made = await factory();
      const fixture: StoreFixture = "store" in made ? made : { store: made };
      const put = async (key: string, value: Uint8Array): Promise<void> => {
        if (caps.writable) return fixture.store.set(key, value);
        if (!fixture.seed) throw new Error(`testStore(${name}): a read-only store needs a fixture with seed()`);
        return fixture.seed(key, value);
      };
      try {
        await body(fixture.store, put);
      } finally {
        await fixture.cleanup?.();
      }
    });
  };

  withStore("reports the expected capabilities", async (store) => {
    const c = store.capabilities;
    assert.equal(
      { writable: c.writable, conditionalWrite: c.conditionalWrite, rangeRead: c.rangeRead, listable: c.listable !== false },
      { writable: caps.writable, conditionalWrite: caps.conditionalWrite, rangeRead: caps.rangeRead, listable },
    );
  });

  withStore("a missing key reads as undefined (get, range get, head)", async (store) => {
    assert.is(await store.get("missing"), undefined);
    assert.is(await store.get("missing/deeper/key"), undefined);
    assert.is(await store.get("missing", { range: { offset: 0, length: 1 } }), undefined);
    assert.is(await store.head("missing"), undefined);
  });

  withStore("round-trips bytes at flat and nested keys", async (store, put) => {
    const a = new Uint8Array([0, 1, 2, 253, 254, 255]);
    const b = new TextEncoder().encode("nested ✓");
    await put("a", a);
    await put("dir/sub/b.bin", b);
    const gotA = await store.get("a");
    const gotB = await store.get("dir/sub/b.bin");
    assert.ok(gotA instanceof Uint8Array);
    assert.equal([...(gotA ?? [])], [...a]);
    assert.equal(new TextDecoder().decode(gotB), "nested ✓");
  });

  withStore("an empty value round-trips as zero bytes, not as missing", async (store, put) => {
    await put("empty", new Uint8Array(0));
    const got = await store.get("empty");
    assert.ok(got instanceof Uint8Array);
    assert.is(got?.byteLength, 0);
    assert.is((await store.head("empty"))?.size, 0);
  });

  withStore("a large binary value round-trips byte for byte, and ranges inside it read right", async (store, put) => {
    const big = patternBytes(opts.largeValueBytes ?? 3 * 2 ** 20);
    await put("big/value", big);
    const got = await store.get("big/value");
    assert.is(got?.byteLength, big.byteLength);
    assert.is(firstDifference(got ?? new Uint8Array(0), big), -1);
    const offset = Math.floor(big.byteLength / 3);
    const length = Math.min(4097, big.byteLength - offset);
    const part = await store.get("big/value", { range: { offset, length } });
    assert.is(firstDifference(part ?? new Uint8Array(0), big.subarray(offset, offset + length)), -1);
  });

  withStore("range reads return exactly the bytes asked for", async (store, put) => {
    const value = Uint8Array.from({ length: 100 }, (_, i) => i);
    await put("r", value);
    const read = async (offset: number, length?: number) => [...((await store.get("r", { range: length === undefined ? { offset } : { offset, length } })) ?? [-1])];
    assert.equal(await read(10, 5), [10, 11, 12, 13, 14]);
    assert.equal(await read(90), [90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    assert.equal(await read(0, 1), [0]);
    assert.equal(await read(99, 1), [99]);
    assert.equal(await read(0), [...value]);
    assert.equal(await read(100), []);
    assert.equal(await read(0, 0), []);
    assert.equal(await read(100, 0), []);
  });

  withStore("ranges past the end or malformed fail with RangeError", async (store, put) => {
    await put("r", new Uint8Array(100));
    for (const range of [{ offset: 101 }, { offset: 95, length: 10 }, { offset: 100, length: 1 }, { offset: -1 }, { offset: 1.5 }, { offset: 0, length: -2 }]) {
      await expectCode(store.get("r", { range }), "RangeError", `range ${JSON.stringify(range)}`);
    }
  });

  withStore("readInto, when offered, fills out with exactly the bytes get reads for the same range", async (store, put) => {
    const readInto = readIntoOf(store);
    if (!readInto) return;
    const value = patternBytes(100, 3);
    await put("r", value);
    const big = patternBytes(opts.largeValueBytes ?? 3 * 2 ** 20, 5);
    await put("big/value", big);
    const third = Math.floor(big.byteLength / 3);
    const cases: [string, { offset: number; length: number }][] = [
      ["r", { offset: 10, length: 5 }], ["r", { offset: 0, length: 1 }], ["r", { offset: 99, length: 1 }], ["r", { offset: 0, length: 100 }],
      ["r", { offset: 0, length: 0 }], ["r", { offset: 100, length: 0 }],
      ["big/value", { offset: third, length: Math.min(4097, big.byteLength - third) }], ["big/value", { offset: 0, length: big.byteLength }],
    ];
    for (const [key, range] of cases) {
      const expected = await store.get(key, { range });
      // A view into a larger buffer, with guard bytes either side that must stay as they were.
      const buffer = new Uint8Array(range.length + 16).fill(0xa5);
      const out = buffer.subarray(8, 8 + range.length + 4);
      const n = await readInto(key, range, out);
      const what = `${key} ${JSON.stringify(range)}`;
      assert.is(n, range.length, `${what}: bytes read`);
      assert.is(firstDifference(out.subarray(0, range.length), expected ?? new Uint8Array(0)), -1, `${what}: bytes`);
      assert.ok(buffer.subarray(0, 8).every((b) => b === 0xa5) && buffer.subarray(8 + range.length).every((b) => b === 0xa5), `${what}: wrote outside its range`);
    }
  });

  withStore("readInto, when offered, fails where get fails: missing keys, bad ranges, invalid keys, abort", async (store, put) => {
    const readInto = readIntoOf(store);
    if (!readInto) return;
    await put("r", new Uint8Array(100));
    const out = new Uint8Array(200);
    assert.is(await readInto("missing", { offset: 0, length: 1 }, out), undefined);
    assert.is(await readInto("missing/deeper/key", { offset: 0, length: 1 }, out), undefined);
    for (const range of [{ offset: 101, length: 0 }, { offset: 95, length: 10 }, { offset: 100, length: 1 }, { offset: -1, length: 1 }, { offset: 1.5, length: 1 }, { offset: 0, length: -2 }]) {
      await expectCode(store.get("r", { range }), "RangeError", `get range ${JSON.stringify(range)}`);
      await expectCode(readInto("r", range, out), "RangeError", `readInto range ${JSON.stringify(range)}`);
    }
    await expectCode(readInto("r", { offset: 0 } as { offset: number; length: number }, out), "RangeError", "readInto without a length");
    await expectCode(readInto("r", { offset: 0, length: 10 }, new Uint8Array(9)), "InvalidArgumentError", "readInto into a too small out");
    for (const key of INVALID_KEYS) await expectCode(readInto(key, { offset: 0, length: 1 }, out), "InvalidKeyError", `readInto ${JSON.stringify(key)}`);
    const controller = new AbortController();
    const reason = new Error("stopped by the test");
    controller.abort(reason);
    await expectReason(readInto("r", { offset: 0, length: 1 }, out, { signal: controller.signal }), reason, "readInto");
  });

  withStore("head gives the size and, when there is one, a string version", async (store, put) => {
    await put("h/x", new Uint8Array(1234));
    const info = await store.head("h/x");
    assert.is(info?.size, 1234);
    if (info?.version !== undefined) assert.type(info.version, "string");
  });

  if (listable) {
    withStore("list is recursive and filters by prefix", async (store, put) => {
      for (const key of ["l/a", "l/b/c", "l/b/d/e", "l2/x", "other"]) await put(key, new Uint8Array([1]));
      assert.equal(await listAll(store, ""), ["l/a", "l/b/c", "l/b/d/e", "l2/x", "other"]);
      assert.equal(await listAll(store, "l/"), ["l/a", "l/b/c", "l/b/d/e"]);
      assert.equal(await listAll(store, "l"), ["l/a", "l/b/c", "l/b/d/e", "l2/x"]);
      assert.equal(await listAll(store, "l/b/"), ["l/b/c", "l/b/d/e"]);
      assert.equal(await listAll(store, "l/b"), ["l/b/c", "l/b/d/e"]);
      assert.equal(await listAll(store, "l/b/d/e"), ["l/b/d/e"]);
      assert.equal(await listAll(store, "nothing/"), []);
    });
  } else {
    withStore("list throws UnsupportedError", async (store) => {
      await expectCode(listAll(store, ""), "UnsupportedError", "list");
    });
  }

  withStore("invalid keys fail with InvalidKeyError and change nothing", async (store) => {
    for (const key of INVALID_KEYS) {
      await expectCode(store.get(key), "InvalidKeyError", `get ${JSON.stringify(key)}`);
      await expectCode(store.head(key), "InvalidKeyError", `head ${JSON.stringify(key)}`);
      if (caps.writable) {
        await expectCode(store.set(key, new Uint8Array([1])), "InvalidKeyError", `set ${JSON.stringify(key)}`);
        await expectCode(store.delete(key), "InvalidKeyError", `delete ${JSON.stringify(key)}`);
      }
    }
    for (const prefix of ["../", "/abs/", "a//"]) await expectCode(listAll(store, prefix), "InvalidKeyError", `list ${JSON.stringify(prefix)}`);
    if (listable) assert.equal(await listAll(store, ""), []);
  });

  withStore("an aborted signal rejects with its reason, unwrapped, and writes nothing", async (store, put) => {
    await put("ab", new Uint8Array([7]));
    const controller = new AbortController();
    const reason = new Error("stopped by the test");
    controller.abort(reason);
    const signal = controller.signal;
    await expectReason(store.get("ab", { signal }), reason, "get");
    await expectReason(store.get("ab", { signal, range: { offset: 0, length: 1 } }), reason, "range get");
    await expectReason(store.head("ab", { signal }), reason, "head");
    if (listable) await expectReason(listAll(store, "", signal), reason, "list");
    if (caps.writable) {
      await expectReason(store.set("ab2", new Uint8Array([1]), { signal }), reason, "set");
      await expectReason(store.delete("ab", { signal }), reason, "delete");
      assert.is(await store.get("ab2"), undefined);
      assert.equal([...((await store.get("ab")) ?? [])], [7]);
    }
  });

  if (!caps.writable) {
    withStore("set and delete fail with ReadOnlyModeError and change nothing", async (store, put) => {
      await put("ro", new Uint8Array([1, 2]));
      await expectCode(store.set("ro", new Uint8Array([3])), "ReadOnlyModeError", "set");
      await expectCode(store.set("ro-new", new Uint8Array([3])), "ReadOnlyModeError", "set new");
      await expectCode(store.delete("ro"), "ReadOnlyModeError", "delete");
      assert.equal([...((await store.get("ro")) ?? [])], [1, 2]);
      assert.is(await store.get("ro-new"), undefined);
    });
    s.run();
    return;
  }

  withStore("set overwrites: the last write wins, and the version changes", async (store) => {
    await store.set("o", new Uint8Array([1, 1, 1]));
    const v1 = (await store.head("o"))?.version;
    await store.set("o", new Uint8Array([2]));
    assert.equal([...((await store.get("o")) ?? [])], [2]);
    assert.is((await store.head("o"))?.size, 1);
    const v2 = (await store.head("o"))?.version;
    if (v1 !== undefined && v2 !== undefined) assert.is.not(v1, v2);
  });

  withStore("stored bytes do not change when the caller reuses its buffer", async (store) => {
    const buffer = new Uint8Array([1, 2, 3]);
    await store.set("copy", buffer);
    buffer.fill(9);
    assert.equal([...((await store.get("copy")) ?? [])], [1, 2, 3]);
  });

  withStore("delete removes the key; deleting a missing key is not an error", async (store) => {
    await store.set("d/x", new Uint8Array([1]));
    await store.set("d/y", new Uint8Array([2]));
    await store.delete("d/x");
    assert.is(await store.get("d/x"), undefined);
    assert.is(await store.head("d/x"), undefined);
    await store.delete("d/x");
    await store.delete("never/written");
    if (listable) assert.equal(await listAll(store, "d/"), ["d/y"]);
  });

  if (caps.conditionalWrite === "none") {
    withStore("conditional writes fail with UnsupportedError instead of being ignored", async (store) => {
      await store.set("c", new Uint8Array([1]));
      await expectCode(store.set("c", new Uint8Array([2]), { ifNoneMatch: "*" }), "UnsupportedError", "ifNoneMatch");
      await expectCode(store.set("c", new Uint8Array([3]), { ifMatch: "whatever" }), "UnsupportedError", "ifMatch");
      assert.equal([...((await store.get("c")) ?? [])], [1]);
    });
    s.run();
    return;
  }

  withStore("create-only: ifNoneMatch creates a missing key and refuses an existing one", async (store) => {
    await store.set("c", new Uint8Array([1]), { ifNoneMatch: "*" });
    await expectCode(store.set("c", new Uint8Array([2]), { ifNoneMatch: "*" }), "PreconditionFailedError", "second create");
    assert.equal([...((await store.get("c")) ?? [])], [1]);
  });

  withStore(`create-only race: ${racers} concurrent creators, exactly one wins`, async (store) => {
    const results = await Promise.allSettled(
      Array.from({ length: racers }, (_, i) => store.set("race/key", patternBytes(1000 + i, i + 1), { ifNoneMatch: "*" })),
    );
    const winners = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
    assert.is(winners.length, 1, `winners: ${winners.join(",")}`);
    for (const r of results) if (r.status === "rejected") assert.is(codeOf(r.reason), "PreconditionFailedError", String(r.reason));
    const winner = winners[0] ?? 0;
    const stored = await store.get("race/key");
    assert.is(firstDifference(stored ?? new Uint8Array(0), patternBytes(1000 + winner, winner + 1)), -1);
  });

  if (caps.conditionalWrite === "create") {
    withStore("ifMatch fails with UnsupportedError and changes nothing", async (store) => {
      await store.set("m", new Uint8Array([1]));
      const version = (await store.head("m"))?.version ?? "v";
      await expectCode(store.set("m", new Uint8Array([2]), { ifMatch: version }), "UnsupportedError", "ifMatch");
      assert.equal([...((await store.get("m")) ?? [])], [1]);
    });
    s.run();
    return;
  }

  withStore("compare-and-swap: ifMatch succeeds on the current version only", async (store) => {
    await store.set("m", new Uint8Array([1]));
    const v1 = (await store.head("m"))?.version;
    assert.type(v1, "string");
    await store.set("m", new Uint8Array([2]), { ifMatch: v1 });
    await expectCode(store.set("m", new Uint8Array([3]), { ifMatch: v1 }), "PreconditionFailedError", "stale ifMatch");
    assert.equal([...((await store.get("m")) ?? [])], [2]);
    await expectCode(store.set("m-missing", new Uint8Array([1]), { ifMatch: v1 }), "PreconditionFailedError", "ifMatch on a missing key");
    assert.is(await store.get("m-missing"), undefined);
  });

  withStore(`compare-and-swap race: ${racers} writers from one version, exactly one wins`, async (store) => {
    await store.set("cas", new Uint8Array([0]));
    const version = (await store.head("cas"))?.version;
    const results = await Promise.allSettled(
      Array.from({ length: racers }, (_, i) => store.set("cas", new Uint8Array([i + 1]), { ifMatch: version })),
    );
    const winners = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
    assert.is(winners.length, 1, `winners: ${winners.join(",")}`);
    assert.equal([...((await store.get("cas")) ?? [])], [(winners[0] ?? 0) + 1]);
  });

  s.run();
}

type ReadInto = (key: string, range: { offset: number; length: number }, out: Uint8Array, opts?: { signal?: AbortSignal }) => Promise<number | undefined>;

/** The store's optional `readInto` (part of the Store contract, not of SuiteStore: older stores lack it), bound. */
function readIntoOf(store: SuiteStore): ReadInto | undefined {
  const f = (store as SuiteStore & { readInto?: ReadInto }).readInto;
  return typeof f === "function" ? f.bind(store) : undefined;
}

/** `store.list(prefix)` collected and sorted. */
export async function listAll(store: SuiteStore, prefix: string, signal?: AbortSignal): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix, { signal })) keys.push(key);
  return keys.sort();
}

function codeOf(e: unknown): unknown {
  return typeof e === "object" && e !== null && "code" in e ? e.code : undefined;
}

/** Awaits `promise` and checks it rejected with a shoal error of `code`. */
export async function expectCode(promise: Promise<unknown>, code: string, what = "the call"): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    assert.is(codeOf(e), code, `${what}: expected ${code}, got ${String(e)}`);
    return e;
  }
  assert.unreachable(`${what}: expected ${code}, but it succeeded`);
}

async function expectReason(promise: Promise<unknown>, reason: unknown, what: string): Promise<void> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e === reason, `${what}: expected the abort reason itself, got ${String(e)}`);
    return;
  }
  assert.unreachable(`${what}: expected the abort reason, but it succeeded`);
}
