import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FileStore } from "@shoal/storage/fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FileDataset } from "../src/node.ts";
import { FlakyStore, noise, sandbox } from "./helpers.ts";

const isPack = (k: string) => k.startsWith("packs/");

test("an upload cut after N writes resumes without re-sending landed packs (FileStore on disk)", async () => {
  const sb = sandbox();
  try {
    // 40 files of 20 KB plus one 300 KB file that straddles several 64 KiB packs.
    for (let i = 0; i < 40; i++) sb.write(`data/f${String(i).padStart(2, "0")}.bin`, noise(20_000, i + 1));
    sb.write("data/zbig.bin", noise(300_000, 99));
    const flaky = new FlakyStore(new FileStore(join(sb.dir, "store")));
    const ds = await FileDataset.create({ storage: flaky, local: sb.local, project: "p", name: "resume" });
    await ds.addFiles(join(sb.dir, "data"));
    const opts = { chunkSizeMB: 64 / 1024, compression: "none" as const };

    flaky.failAfter = flaky.writes.length + 9; // the 9th write after this point succeeds, the 10th fails
    let failed = false;
    try {
      await ds.upload(opts);
    } catch (e) {
      failed = (e as { code?: string }).code === "UploadError";
    }
    assert.ok(failed, "first upload fails with UploadError");
    const landed = flaky.writes.filter(isPack);
    assert.ok(landed.length >= 3, `landed ${landed.length}`);
    assert.ok(ds.isDirty());

    // A fresh process: reload the draft from the store and resume.
    flaky.failAfter = Number.POSITIVE_INFINITY;
    const mark = flaky.writes.length;
    const again = await FileDataset.get({ storage: flaky, local: sb.local, id: ds.id });
    await again.upload(opts);
    const resent = flaky.writes.slice(mark).filter(isPack);
    assert.ok(resent.length > 0);
    for (const k of resent) assert.not.ok(landed.includes(k), `re-sent ${k}`);
    await again.finalize();

    // The result is complete and exact.
    const copy = await (await FileDataset.get({ storage: flaky, local: sb.local, id: ds.id })).getLocalCopy();
    assert.equal(new Uint8Array(readFileSync(join(copy, "zbig.bin"))), noise(300_000, 99));
    assert.equal(new Uint8Array(readFileSync(join(copy, "f07.bin"))), noise(20_000, 8));
    assert.equal(await again.verifyDatasetHash(), []);

    // Total pack bytes ≈ content bytes: nothing was stored twice.
    const packKeys = new Set(flaky.writes.filter(isPack));
    let stored = 0;
    for (const k of packKeys) stored += (await flaky.head(k))?.size ?? 0;
    assert.ok(stored < 1_100_000 * 1.05, `stored ${stored}`);
  } finally {
    sb.cleanup();
  }
});

test("a pack that landed before a failed draft save is found by HEAD and not written again", async () => {
  const sb = sandbox();
  try {
    for (let i = 0; i < 6; i++) sb.write(`d/${i}.bin`, noise(40_000, i + 1));
    const flaky = new FlakyStore(new FileStore(join(sb.dir, "store")));
    const ds = await FileDataset.create({ storage: flaky, local: sb.local, project: "p", name: "resume2" });
    await ds.addFiles(join(sb.dir, "d"));
    const opts = { chunkSizeMB: 64 / 1024, compression: "none" as const };
    flaky.failAfter = flaky.writes.length + 1; // the first write (a pack) lands, everything after it fails
    try {
      await ds.upload(opts);
      assert.unreachable("should fail");
    } catch (e) {
      assert.is((e as { code?: string }).code, "UploadError");
    }
    // With packs written in parallel, more than one may land before the failure; none of them is committed.
    const first = flaky.writes.filter(isPack);
    assert.ok(first.length >= 1);
    flaky.failAfter = Number.POSITIVE_INFINITY;
    const mark = flaky.writes.length;
    const again = await FileDataset.get({ storage: flaky, local: sb.local, id: ds.id });
    await again.finalize({ autoUpload: true, uploadOptions: opts });
    for (const k of first) assert.not.ok(flaky.writes.slice(mark).includes(k), `re-sent ${k}`);
    const copy = await again.getLocalCopy();
    assert.equal(new Uint8Array(readFileSync(join(copy, "0.bin"))), noise(40_000, 1));
  } finally {
    sb.cleanup();
  }
});

test("a child changing 1 of 20 files uploads about 1/20 of the bytes", async () => {
  const sb = sandbox();
  try {
    for (let i = 0; i < 20; i++) sb.write(`d/${i}.bin`, noise(10_000, i + 1));
    const flaky = new FlakyStore(new FileStore(join(sb.dir, "store")));
    const a = await FileDataset.create({ storage: flaky, local: sb.local, project: "p", name: "delta" });
    await a.addFiles(join(sb.dir, "d"));
    await a.finalize({ autoUpload: true, uploadOptions: { compression: "none" } });
    sb.write("d/3.bin", noise(10_000, 333));
    const b = await FileDataset.create({ storage: flaky, local: sb.local, parents: [a.id] });
    const mark = flaky.writes.length;
    assert.equal(await b.syncFolder(join(sb.dir, "d")), { removed: 0, added: 0, modified: 1 });
    const up = await b.upload({ compression: "none" });
    assert.is(up.packs, 1);
    assert.ok(up.bytes < 11_000, `uploaded ${up.bytes}`);
    assert.is(flaky.writes.slice(mark).filter(isPack).length, 1);
    await b.finalize();
    assert.equal(await b.listModifiedFiles(), ["3.bin"]);
  } finally {
    sb.cleanup();
  }
});

test.run();
