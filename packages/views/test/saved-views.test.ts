// Saved views against an in-memory ViewStore and a host whose commits are real MemorySources.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
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

test.run();
