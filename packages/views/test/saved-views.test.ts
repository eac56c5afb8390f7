// Saved views against an in-memory ViewStore and a host whose commits are real MemorySources.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { ndarray } from "@shoal/core";
import { MemorySource, MemoryViewStore, type View, type ViewHost, type ViewRecord, decodeIndex, deleteView, encodeIndex, getView, getViews, listIndex, loadView, query, saveView, toIndices, view } from "../src/index.ts";

function makeHost(): ViewHost & { commits: Map<string, MemorySource>; head: string; dirty: boolean; materialized: string[] } {
  const commits = new Map<string, MemorySource>([["c1", new MemorySource({ x: { samples: Array.from({ length: 10 }, (_, i) => i) } })]]);
  const host = {
    store: new MemoryViewStore(),
    commits,
    head: "c1",
    dirty: false,
    materialized: [] as string[],
    commitId: () => host.head,
    hasUncommittedChanges: () => host.dirty,
    sourceAt: async (id: string) => commits.get(id)!,
    materialize: async (record: ViewRecord, v: View) => {
      host.materialized.push(`${record.id}:${v.length}`);
      return { path: `.queries/${record.id}_OPTIMIZED` };
    },
  };
  return host;
}

test("index encoding round-trips ranges, runs and arbitrary lists", () => {
  for (const ix of [
    { kind: "range" as const, start: 3, step: -1, length: 4 },
    listIndex(Uint32Array.from([5, 3, 1, 1, 2, 3, 4, 9, 100, 0])),
    listIndex(new Uint32Array(0)),
    listIndex(Uint32Array.from([7])),
  ]) {
    const enc = encodeIndex(ix);
    const back = decodeIndex(JSON.parse(JSON.stringify(enc)));
    assert.equal(Array.from(toIndices(back)), Array.from(toIndices(ix)));
  }
  const big = listIndex(Uint32Array.from({ length: 1000 }, (_, i) => i * 2));
  assert.ok(JSON.stringify(encodeIndex(big)).length < 40, "progressions compress");
});

test("save, get, list, load pinned to the commit, overwrite and delete", async () => {
  const host = makeHost();
  const ds = view(host.commits.get("c1")!);
  const entry = await saveView(host, ds.slice(4, 9), { id: "pin", message: "five rows" });
  assert.is(entry.commitId, "c1");
  assert.ok(entry.virtual);
  host.commits.set("c2", new MemorySource({ x: { samples: Array.from({ length: 13 }, (_, i) => i) } }));
  host.head = "c2";
  const loaded = await loadView(host, "pin");
  assert.equal(Array.from(loaded.indices()), [4, 5, 6, 7, 8]);
  assert.is(loaded.source.length, 10, "reads the commit the view was saved from");
  await saveView(host, ds.slice(0, 1), { id: "pin" }).then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "DatasetViewSavingError")));
  await saveView(host, ds.slice(5, 7), { id: "pin", overwrite: true });
  assert.equal(Array.from((await loadView(host, "pin")).indices()), [5, 6]);
  assert.is((await getViews(host)).length, 1);
  assert.is((await getViews(host, { commitId: "c1" })).length, 0, "overwritten from c2");
  const q = await query(ds, "select * where x > 6");
  const qe = await saveView(host, q);
  assert.is(qe.message, "select * where x > 6");
  assert.is(qe.id.length, 64, "default id is a content hash");
  await (await getView(host, qe.id)).optimize();
  assert.equal(host.materialized, [`${qe.id}:3`]);
  assert.not.ok((await getView(host, qe.id)).virtual);
  await deleteView(host, "pin");
  await getView(host, "pin").then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "ViewNotFoundError")));
  await deleteView(host, "does-not-exist").then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "ViewNotFoundError")));
});

test("saving refuses uncommitted changes and bad ids, and writes nothing", async () => {
  const host = makeHost();
  const ds = view(host.commits.get("c1")!);
  host.dirty = true;
  await saveView(host, ds.slice(0, 3), { id: "a" }).then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "DatasetViewSavingError")));
  host.dirty = false;
  await saveView(host, ds, { id: "a/b" }).then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "InvalidArgumentError")));
  await saveView(host, ds, { id: 5 as never }).then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "InvalidArgumentError")));
  assert.is((await host.store.list()).length, 0);
  const noMaterialize = { ...host, materialize: undefined };
  const e = await saveView(noMaterialize, ds.slice(1), { id: "b" });
  await e.optimize().then(() => assert.unreachable(), (err) => assert.ok(isShoalError(err, "UnsupportedError")));
});

test("the sub-sample (inner-axis) index is saved and restored", async () => {
  const host = makeHost();
  // m[i] is a 4x4 block holding i*100 + r*10 + c, so every read shows which row and cells it came from.
  const m = ndarray("int32", [10, 4, 4]);
  for (let i = 0; i < 10; i++) for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) m.data[i * 16 + r * 4 + c] = i * 100 + r * 10 + c;
  host.commits.set("c1", new MemorySource({ m: { samples: m } }));
  const v = view(host.commits.get("c1")!).get({ start: 2, stop: 8, step: 2 }, { start: 1, stop: 4 }, { start: 0, stop: 3 }).get({ start: 1 }, 0);
  assert.equal(v.subSampleIndex.length, 2);
  const entry = await saveView(host, v, { id: "sub" });
  assert.equal(JSON.parse(JSON.stringify(entry.info.subSampleIndex)), [[{ start: 1, stop: 4, step: null }, { start: 0, stop: 3, step: null }], [0]]);
  const loaded = await loadView(host, "sub");
  assert.equal(Array.from(loaded.indices()), [4, 6]);
  const sample = (await loaded.tensor("m").read(1)) as import("@shoal/core").NDArray;
  assert.equal([...sample.shape], [3]);
  assert.equal(Array.from(sample.data as Int32Array), [610, 611, 612]);
  const plain = await saveView(host, view(host.commits.get("c1")!).slice(0, 2), { id: "plain" });
  assert.is(plain.info.subSampleIndex, undefined);
  await host.store.put({ ...entry.info, id: "bad", subSampleIndex: [[1.5]] });
  await loadView(host, "bad").then(() => assert.unreachable(), (e) => assert.ok(isShoalError(e, "InvalidArgumentError"), String(e)));
});

test("views of a versioned source become invalid when the source moves on", async () => {
  const base = new MemorySource({ x: { samples: Array.from({ length: 6 }, (_, i) => i) } });
  let version = "v1";
  const src = { length: base.length, tensorNames: () => base.tensorNames(), tensor: (n: string) => base.tensor(n), version: () => version };
  const v = view(src).slice(0, 4);
  const t = v.tensor("x");
  const derived = v.get([1, 2]);
  assert.ok(v.isValid);
  assert.is(v.createdVersion, "v1");
  version = "v2";
  assert.not.ok(v.isValid);
  const invalid = (e: unknown) => isShoalError(e, "InvalidViewError") && (e as Error).message.includes('"v1"') && (e as Error).message.includes('"v2"');
  assert.throws(() => v.tensor("x"), invalid);
  await t.read(0).then(() => assert.unreachable(), (e) => assert.ok(invalid(e), String(e)));
  assert.throws(() => derived.tensor("x"), invalid);
  await query(v, "select * where x > 1").then(() => assert.unreachable(), (e) => assert.ok(invalid(e), String(e)));
  await saveView(makeHost(), v, { id: "stale" }).then(() => assert.unreachable(), (e) => assert.ok(invalid(e), String(e)));
  const fresh = view(src).slice(0, 4);
  assert.equal(await fresh.tensor("x").readMany([3]), [await base.tensor("x").read(3)]);
  assert.ok(view(base).slice(0, 2).isValid, "sources without version() never invalidate views");
});

test.run();
