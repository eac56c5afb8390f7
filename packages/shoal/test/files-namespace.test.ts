import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryStore, files } from "../src/index.ts";
import { files as nodeFiles } from "../src/node.ts";

test("shoal.files exposes file datasets on any store", async () => {
  const storage = new MemoryStore();
  const ds = await files.FileDataset.create({ storage, name: "raw", project: "demo" });
  const found = await files.FileDataset.listDatasets({ storage, onlyCompleted: false });
  assert.equal(found.map((d) => d.id), [ds.id]);
});

test("shoal/node's files adds local-folder operations", () => {
  assert.type(nodeFiles.FileDataset.prototype.addFiles, "function");
  assert.type(nodeFiles.FileDataset.prototype.getLocalCopy, "function");
});

test.run();
