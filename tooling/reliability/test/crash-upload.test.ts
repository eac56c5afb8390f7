// ClearML-style file-dataset uploads SIGKILLed at seeded random points (after a random step of create, add, each
// uploaded pack, finalize): afterwards the version opens, every file it says is stored reads back byte for byte (the
// rest fail with a typed error), resuming with finalize({ autoUpload }) completes it, and gc() finds no stray packs.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isShoalError } from "@shoal/core";
import { FileDataset } from "@shoal/clearml-compat/node";
import { FileStore } from "@shoal/storage/fs";
import { runAndKill } from "../src/kill.ts";
import { Rng, scale, seedBase } from "../src/mutate.ts";
import { report } from "../src/results.ts";

const child = new URL("./fixtures/crash-upload-child.mjs", import.meta.url).pathname;
const trials = scale(15);

test(`${trials} file-dataset uploads SIGKILLed mid-upload/finalize: each version opens, reads what it stored, resumes`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "shoal-reliability-upload-"));
  const rng = new Rng(seedBase() + 4242);
  const figures = { trials, killedAfter: {} as Record<string, number>, drafts: 0, finals: 0, storedFilesRead: 0, pendingFilesRefused: 0, resumed: 0, strayPacks: 0, corrupt: 0 };
  try {
    const src = join(dir, "src");
    const root = join(dir, "store");
    const files: Record<string, Uint8Array> = {};
    mkdirSync(src);
    for (let i = 0; i < 8; i++) {
      // Incompressible bytes, so each file fills its own packs of about 20 KB.
      const bytes = Uint8Array.from({ length: 15_000 + i * 4000 }, () => rng.nextUint32() & 0xff);
      files[`f${i}.bin`] = bytes;
      writeFileSync(join(src, `f${i}.bin`), bytes);
    }
    const storage = new FileStore(root);
    // One run left alone: how many steps an upload reports, so kills can be spread over all of them.
    const whole = await runAndKill(child, [root, src, "calibration"], () => undefined);
    assert.ok(whole.exited && whole.lines.at(-1)?.[0] === "finalized", `an upload without a kill finishes: ${whole.stderr}`);
    const steps = whole.lines.length;
    for (let i = 0; i < trials; i++) {
      const after = 1 + (rng.nextUint32() % steps);
      const delay = rng.nextUint32() % 15;
      let seen = 0;
      const t = await runAndKill(child, [root, src, String(i)], () => (++seen === after ? delay : undefined));
      const last = t.lines.at(-1)?.[0] ?? "nothing";
      figures.killedAfter[last] = (figures.killedAfter[last] ?? 0) + 1;
      const id = t.lines.find((l) => l[0] === "created")?.[1] ?? (await FileDataset.listDatasets({ storage, project: "crash", onlyCompleted: false })).find((d) => d.name === `trial ${i}`)?.id;
      if (id === undefined) continue; // killed before the version existed
      const fd = await FileDataset.get({ storage, id });
      if (t.lines.some((l) => l[0] === "finalized")) assert.ok(fd.isFinal(), `trial ${i}: reported finalized but opens as a draft`);
      if (fd.isFinal()) figures.finals++;
      else figures.drafts++;
      for (const entry of fd.fileEntries) {
        let bytes: Uint8Array;
        try {
          bytes = await fd.readFile(entry.path);
        } catch (e) {
          assert.ok(isShoalError(e), `trial ${i}: ${entry.path}: ${String(e)}`);
          assert.not.ok(fd.isFinal(), `trial ${i}: ${entry.path} of a final version does not read: ${String(e)}`);
          figures.pendingFilesRefused++;
          continue;
        }
        figures.storedFilesRead++;
        if (bytes.length !== files[entry.path]!.length || bytes.some((b, k) => b !== files[entry.path]![k])) figures.corrupt++;
        assert.equal(bytes, files[entry.path], `trial ${i}: ${entry.path} reads back wrong`);
      }
      if (!fd.isFinal()) {
        // Resuming is the repair: an added folder re-added is a no-op, landed packs are not sent again.
        if (fd.fileEntries.length === 0) await fd.addFiles(src);
        await fd.finalize({ autoUpload: true, uploadOptions: { chunkSizeMB: 0.02 } });
        figures.resumed++;
      }
      for (const [path, bytes] of Object.entries(files)) assert.equal(await fd.readFile(path), bytes, `trial ${i}: ${path} after resuming`);
      const stray = await FileDataset.gc({ storage, dryRun: true });
      figures.strayPacks += stray.length;
      assert.equal(stray, [], `trial ${i}: packs no version references`);
    }
    console.log(JSON.stringify(figures));
    await report("crash upload", figures);
    assert.is(figures.corrupt, 0);
    assert.ok(figures.drafts >= trials / 3, `only ${figures.drafts} of ${trials} kills left a draft`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
