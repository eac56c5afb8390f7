// Damaged version records found by the reliability suite: the branch-head hint is only a cache, and a change set a
// record names must exist.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryStore } from "@shoal/storage";
import { expectCode } from "@shoal/testing";
import { VersionControl } from "../src/version-control.ts";

const changes = { tensors: { t: { added: [0, 2] as [number, number] } } };
const utf8 = (s: string) => new TextEncoder().encode(s);

async function twoCommits(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const vc = await VersionControl.open(store, { initialManifest: "m0" });
  await vc.commit("first", { manifest: "m1", changes });
  await vc.commit("second", { manifest: "m2", changes });
  return store;
}

test("a hint that parses but names another manifest is not trusted: the ref it points at is", async () => {
  const store = await twoCommits();
  const hint = JSON.parse(new TextDecoder().decode((await store.get("versions/refs/main/HEAD.json"))!)) as Record<string, unknown>;
  await store.set("versions/refs/main/HEAD.json", utf8(JSON.stringify({ ...hint, manifest: "forged", base: "forged" })));
  const vc = await VersionControl.open(store, { readOnly: true });
  assert.is(vc.manifest, "m2");
});

test("a torn hint is ignored, not an error", async () => {
  const store = await twoCommits();
  const bytes = (await store.get("versions/refs/main/HEAD.json"))!;
  await store.set("versions/refs/main/HEAD.json", bytes.subarray(0, bytes.length >> 1));
  const vc = await VersionControl.open(store, { readOnly: true });
  assert.is(vc.manifest, "m2");
});

test("a missing change set that a commit names is an error naming it, not an empty diff", async () => {
  const store = await twoCommits();
  const vc = await VersionControl.open(store, { readOnly: true });
  const all = await vc.commits();
  const last = all[0]!;
  const record = JSON.parse(new TextDecoder().decode((await store.get(`versions/commits/${last.commit}.json`))!)) as { changes: string };
  await store.delete(`versions/changes/${record.changes}.json`);
  const again = await VersionControl.open(store, { readOnly: true });
  const e = (await expectCode(again.diff(all.at(-1)!.commit, last.commit), "VersionControlError", "diff")) as Error;
  assert.ok(e.message.includes(record.changes), e.message);
});

test("a lost newest ref is recovered from the hint that copies it", async () => {
  const store = await twoCommits();
  const seqs: string[] = [];
  for await (const k of store.list("versions/refs/main/")) if (!k.endsWith("HEAD.json")) seqs.push(k);
  await store.delete(seqs.sort().at(-1)!);
  const vc = await VersionControl.open(store, { readOnly: true });
  assert.is(vc.manifest, "m2");
});

test.run();
