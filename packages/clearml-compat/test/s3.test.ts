import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { S3Store } from "@shoal/storage/s3";
import { startS3Server } from "@shoal/testing/node";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { FileDataset } from "../src/node.ts";
import { noise, sandbox } from "./helpers.ts";

const s3 = await startS3Server({ bucket: "shoal-files" });
let n = 0;
const onS3 = (prefix = `files/${++n}`) => new S3Store({ bucket: s3.bucket, endpoint: s3.endpoint, credentials: s3.credentials, prefix, retryBaseMs: 1, retryMaxMs: 5 });

test("a dataset and its child round-trip through a real S3 server", async () => {
  const sb = sandbox();
  try {
    sb.write("d/a.txt", "on s3");
    sb.write("d/big.bin", noise(200_000, 5));
    const prefix = `files/${++n}`;
    const storage = onS3(prefix);
    const progress: number[] = [];
    const ds = await FileDataset.create({ storage, local: sb.local, project: "cloud", name: "s3" });
    await ds.addFiles(join(sb.dir, "d"));
    await ds.finalize({ autoUpload: true, uploadOptions: { chunkSizeMB: 0.1, onProgress: (d) => progress.push(d) } });
    assert.is(progress[progress.length - 1], 200_005);
    assert.ok(ds.getNumChunks() >= 2);

    sb.write("d2/b.txt", "child");
    const child = await FileDataset.create({ storage, local: sb.local, parents: [ds.id] });
    await child.addFiles(join(sb.dir, "d2"));
    await child.finalize({ autoUpload: true });
    await child.publish();

    const reread = await FileDataset.get({ storage: onS3(prefix), local: sb.local, project: "cloud", name: "s3", onlyPublished: true });
    assert.is(reread.id, child.id);
    const copy = await reread.getLocalCopy();
    assert.is(readFileSync(join(copy, "a.txt"), "utf8"), "on s3");
    assert.is(readFileSync(join(copy, "b.txt"), "utf8"), "child");
    assert.equal(new Uint8Array(readFileSync(join(copy, "big.bin"))), noise(200_000, 5));
    const part0 = await reread.getLocalCopy({ part: 0, numParts: 2 });
    const part1 = await reread.getLocalCopy({ part: 1, numParts: 2 });
    assert.is.not(part0, part1);
    const listed = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && !d.name.startsWith(".shoal")).map((d) => d.name);
    assert.equal([...listed(part0), ...listed(part1)].sort(), ["a.txt", "b.txt", "big.bin"]);
    assert.equal((await FileDataset.listDatasets({ storage })).map((d) => d.version), ["1.0.0", "1.0.1"]);
    try {
      await FileDataset.delete({ storage, id: ds.id });
      assert.unreachable();
    } catch (e) {
      assert.is((e as { code?: string }).code, "DatasetInUseError");
    }
  } finally {
    sb.cleanup();
  }
});

test.after(() => s3.stop());
test.run();
