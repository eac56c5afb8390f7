import { spawn } from "node:child_process";
import { lstatSync, readFileSync, readdirSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FileStore } from "@shoal/storage/fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FileDataset } from "../src/node.ts";
import { codeOf, noise, sandbox } from "./helpers.ts";

/** Runs the child with the same runtime (and TypeScript loader) as this test. */
function spawnChild(args: string[]) {
  const script = fileURLToPath(new URL("./fixtures/copy-child.ts", import.meta.url));
  const deno = (globalThis as { Deno?: unknown }).Deno !== undefined;
  const runtimeArgs = deno ? ["run", "-A", "--quiet"] : process.execArgv;
  return spawn(process.execPath, [...runtimeArgs, script, ...args], { stdio: ["pipe", "pipe", "inherit"] });
}

test("two processes building the same local copy at once end with one complete view", async () => {
  const sb = sandbox();
  try {
    for (let i = 0; i < 300; i++) sb.write(`d/${i % 7}/f${i}.bin`, noise(3000 + i, i + 1));
    const storeDir = join(sb.dir, "store");
    const ds = await FileDataset.create({ storage: new FileStore(storeDir), local: sb.local, project: "p", name: "race" });
    await ds.addFiles(join(sb.dir, "d"));
    await ds.finalize({ autoUpload: true, uploadOptions: { chunkSizeMB: 0.25 } });

    const child = spawnChild([storeDir, sb.local.cacheDir(), ds.id]);
    let out = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Uint8Array) => {
        out += new TextDecoder().decode(d);
        if (out.includes("ready")) resolve();
      });
      child.on("exit", (code) => reject(new Error(`child exited early (${code}): ${out}`)));
    });
    child.stdin.write("go\n");
    const mine = await ds.getLocalCopy({ maxWorkers: 2 });
    assert.is(await exited, 0, out);
    assert.ok(out.includes(`done ${mine}`), `child used ${out}`);

    const views = readdirSync(join(sb.local.cacheDir(), "views"));
    assert.equal(views, [ds.id], "one view, no temp folders left behind");
    assert.equal(await ds.verifyDatasetHash(), []);
    assert.is(readdirSync(join(mine, "3")).length, 43);
    assert.equal(new Uint8Array(readFileSync(join(mine, "5/f299.bin"))), noise(3299, 300));
  } finally {
    sb.cleanup();
  }
});

test("pruneCache evicts least recently used views (and objects only they used) down to maxBytes", async () => {
  const sb = sandbox();
  try {
    sb.write("v1/shared.bin", noise(50_000, 1));
    sb.write("v1/old.bin", noise(40_000, 2));
    const storage = new FileStore(join(sb.dir, "store"));
    const v1 = await FileDataset.create({ storage, local: sb.local, project: "p", name: "lru" });
    await v1.addFiles(join(sb.dir, "v1"));
    await v1.finalize({ autoUpload: true });
    const v2 = await FileDataset.create({ storage, local: sb.local, parents: [v1.id] });
    sb.write("v2/new.bin", noise(30_000, 3));
    await v2.removeFiles("old.bin");
    await v2.addFiles(join(sb.dir, "v2"));
    await v2.finalize({ autoUpload: true });

    const c1 = await v1.getLocalCopy();
    const c2 = await v2.getLocalCopy();
    const contentBytes = 50_000 + 40_000 + 30_000; // each content once: views hardlink to shared objects
    const viewMarkers = (readFileSync(join(c1, ".shoal-view.json")).length + readFileSync(join(c2, ".shoal-view.json")).length);
    // v1 was used long ago, v2 just now.
    utimesSync(join(c1, ".shoal-view.json"), new Date(1_000_000), new Date(1_000_000));
    await v2.getLocalCopy();

    const dry = await FileDataset.pruneCache({ local: sb.local, maxBytes: 0, dryRun: true });
    assert.is(dry.bytesBefore, contentBytes + viewMarkers);
    assert.equal(dry.views.sort(), [v1.id, v2.id].sort());
    assert.ok(readdirSync(c1).length > 0, "dry run deletes nothing");

    const pruned = await FileDataset.pruneCache({ local: sb.local, maxBytes: dry.bytesBefore - 1 });
    assert.equal(pruned.views, [v1.id], "only the least recently used view goes");
    assert.is(pruned.objects, 1, "old.bin's object went with it; shared.bin stays for v2");
    assert.ok(pruned.bytesAfter <= dry.bytesBefore - 40_000);
    assert.is(await v2.getLocalCopy(), c2);
    assert.equal(await v2.verifyDatasetHash(), []);
    const rebuilt = await v1.getLocalCopy();
    assert.equal(new Uint8Array(readFileSync(join(rebuilt, "old.bin"))), noise(40_000, 2));

    const cleared = await FileDataset.pruneCache({ local: sb.local, maxBytes: 0 });
    assert.is(cleared.bytesAfter, 0);
    assert.equal(readdirSync(join(sb.local.cacheDir(), "views")), []);
    assert.is(await codeOf(FileDataset.pruneCache({ local: sb.local, maxBytes: -1 })), "InvalidArgumentError");
  } finally {
    sb.cleanup();
  }
});

test("soft-link views point into the object cache, count once, and are pruned with their objects", async () => {
  const sb = sandbox();
  try {
    sb.write("d/a.bin", noise(20_000, 1));
    sb.write("d/copy-of-a.bin", noise(20_000, 1));
    sb.write("d/b.bin", noise(10_000, 2));
    const ds = await FileDataset.create({ storage: new FileStore(join(sb.dir, "store")), local: sb.local, project: "p", name: "soft" });
    await ds.addFiles(join(sb.dir, "d"));
    await ds.finalize({ autoUpload: true });
    const copy = await ds.getLocalCopy({ useSoftLinks: true });
    assert.ok(lstatSync(join(copy, "a.bin")).isSymbolicLink());
    assert.equal(new Uint8Array(readFileSync(join(copy, "copy-of-a.bin"))), noise(20_000, 1));
    const marker = readFileSync(join(copy, ".shoal-view.json")).length;
    const kept = await FileDataset.pruneCache({ local: sb.local, maxBytes: 30_000 + marker });
    assert.equal([kept.bytesBefore, kept.views], [30_000 + marker, []], "duplicate content is stored once; nothing evicted");
    const all = await FileDataset.pruneCache({ local: sb.local, maxBytes: 0 });
    assert.equal([all.views, all.objects, all.bytesAfter], [[ds.id], 2, 0]);
  } finally {
    sb.cleanup();
  }
});

test.run();
