import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FileStore } from "@shoal/storage/fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FileDataset, createNodeLocalFiles } from "../src/node.ts";
import { GateStore, codeOf, noise, sandbox } from "./helpers.ts";

const isPack = (op: string, key: string) => key.startsWith("packs/");
// 30 KB files and 32 KiB packs: about one file per pack, so each pack is its own read and write.
const opts = { chunkSizeMB: 32 / 1024, compression: "none" as const };

test("upload({maxWorkers}) writes packs in parallel, never more than maxWorkers at once", async () => {
  const sb = sandbox();
  try {
    for (let i = 0; i < 12; i++) sb.write(`d/${String(i).padStart(2, "0")}.bin`, noise(30_000, i + 1));
    const gate = new GateStore(new FileStore(join(sb.dir, "store")), 3, (op, key) => op === "set" && isPack(op, key));
    const ds = await FileDataset.create({ storage: gate, local: sb.local, project: "p", name: "par" });
    await ds.addFiles(join(sb.dir, "d"));
    const up = await ds.upload({ ...opts, maxWorkers: 3 });
    assert.ok(up.packs >= 9, `packs ${up.packs}`);
    assert.is(gate.peak, 3, "three pack writes overlapped, and never a fourth");
    await ds.finalize();

    // Reading back: getLocalCopy fetches packs maxWorkers at a time too.
    const reader = new GateStore(gate.inner, 2, (op, key) => op === "get" && isPack(op, key));
    const again = await FileDataset.get({ storage: reader, local: sb.local, id: ds.id });
    const copy = await again.getLocalCopy({ maxWorkers: 2 });
    assert.is(reader.peak, 2);
    assert.equal(new Uint8Array(readFileSync(join(copy, "07.bin"))), noise(30_000, 8));

    const serial = new GateStore(gate.inner, 2, (op, key) => op === "get" && isPack(op, key));
    serial.giveUpMs = 20;
    // A fresh cache, so every object has to come from the packs.
    const one = await FileDataset.get({ storage: serial, local: createNodeLocalFiles({ cacheDir: join(sb.dir, "cache2") }), id: ds.id });
    await one.getMutableLocalCopy(join(sb.dir, "m"), { maxWorkers: 1 });
    assert.is(serial.peak, 1, "maxWorkers: 1 reads one pack at a time");
    assert.equal(await one.verifyDatasetHash({ localCopyPath: join(sb.dir, "m") }), []);
  } finally {
    sb.cleanup();
  }
});

test("maxWorkers: 1 uploads one pack at a time and gives the same packs", async () => {
  const sb = sandbox();
  try {
    for (let i = 0; i < 6; i++) sb.write(`d/${i}.bin`, noise(30_000, i + 1));
    const gate = new GateStore(new FileStore(join(sb.dir, "store")), 2, (op, key) => op === "set" && isPack(op, key));
    gate.giveUpMs = 20;
    const a = await FileDataset.create({ storage: gate, local: sb.local, project: "p", name: "serial" });
    await a.addFiles(join(sb.dir, "d"));
    await a.upload({ ...opts, maxWorkers: 1 });
    assert.is(gate.peak, 1);
    const b = await FileDataset.create({ storage: gate.inner, local: sb.local, project: "p", name: "parallel" });
    await b.addFiles(join(sb.dir, "d"));
    await b.upload({ ...opts, maxWorkers: 4 });
    assert.equal(b.state.packs[b.id], a.state.packs[a.id], "the plan, not the timing, decides the packs");
  } finally {
    sb.cleanup();
  }
});

test("bad maxWorkers is refused before anything changes", async () => {
  const sb = sandbox();
  try {
    sb.write("d/a.txt", "a");
    const storage = new FileStore(join(sb.dir, "store"));
    const ds = await FileDataset.create({ storage, local: sb.local, project: "p", name: "bad" });
    assert.is(await codeOf(ds.addFiles(join(sb.dir, "d"), { maxWorkers: 0 })), "InvalidArgumentError");
    assert.equal(ds.listFiles(), []);
    await ds.addFiles(join(sb.dir, "d"));
    assert.is(await codeOf(ds.upload({ maxWorkers: 1.5 })), "InvalidArgumentError");
    assert.ok(ds.isDirty(), "nothing was uploaded");
    await ds.finalize({ autoUpload: true });
    assert.is(await codeOf(ds.getLocalCopy({ maxWorkers: -1 })), "InvalidArgumentError");
    assert.is(await codeOf(ds.getMutableLocalCopy(join(sb.dir, "m"), { maxWorkers: Number.NaN })), "InvalidArgumentError");
  } finally {
    sb.cleanup();
  }
});

test.run();
