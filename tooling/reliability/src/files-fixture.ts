// A small ClearML-style file dataset that holds every kind of stored object: the format marker, name pointers,
// descriptions, entry tables, JSON and CSV metadata, and packs of stored and deflated segments (a file spanning
// several packs, incompressible and already-compressed content, an empty file, a duplicate, an external link). A
// published parent and a final child that adds, modifies, renames and removes files. Plus a reader of all of it.
import { FileDataset } from "@shoal/clearml-compat";
import { MemoryStore, type Store } from "@shoal/storage";
import { patternBytes } from "@shoal/testing";
import { memoryFiles } from "./memory-files.ts";
import { canonical } from "./outcome.ts";

const PROJECT = "reliability";
const NAME = "files";
/** About 4 KiB of content per pack: the 9 KB file spans three, and each version writes more than one. */
const CHUNK_MB = 4 / 1024;
const METADATA = ["metadata", "table"] as const;

const utf8 = (s: string) => new TextEncoder().encode(s);
const lines = (n: number, word: string) => utf8(Array.from({ length: n }, (_, i) => `${i},${word},${i * 7}`).join("\n"));

/** Links resolve into a store of their own: only their URL and size are part of the dataset. */
const external = new MemoryStore();
const linkResolver = (url: string) => (url.startsWith("s3://bucket/") ? { store: external, key: url.slice("s3://bucket/".length) } : undefined);

export async function buildFileDataset(storage: Store = new MemoryStore()): Promise<Store> {
  await external.set("raw/labels.csv", utf8("path,label\ncat.jpg,cat\n"));
  const v1Files = {
    "/v1/readme.txt": utf8("a dataset of files\n".repeat(40)),
    "/v1/copy/readme.txt": utf8("a dataset of files\n".repeat(40)),
    "/v1/data/table.csv": lines(200, "row"),
    "/v1/data/nested/deep/noise.bin": patternBytes(2500, 7),
    "/v1/images/cat.jpg": patternBytes(1800, 11),
    "/v1/images/dog.jpg": patternBytes(1200, 13),
    "/v1/big/spans.bin": patternBytes(9000, 17),
    "/v1/empty.txt": new Uint8Array(0),
  };
  const local1 = memoryFiles(v1Files);
  const v1 = await FileDataset.create({ storage, local: local1, linkResolver, project: PROJECT, name: NAME, tags: ["raw"], description: "parent" });
  await v1.addFiles("/v1");
  await v1.addExternalFiles("s3://bucket/raw/labels.csv", { datasetPath: "links" });
  await v1.upload({ chunkSizeMB: CHUNK_MB, maxWorkers: 2 });
  await v1.setMetadata({ classes: ["cat", "dog"], count: 2 });
  await v1.setMetadata([{ split: "train", n: "6" }, { split: "test", n: "2" }], "table", { format: "csv" });
  await v1.finalize();
  await v1.publish();

  // The child's folder: readme changed, dog.jpg gone, table.csv renamed, one new file; the rest as in v1.
  const v2Files: Record<string, Uint8Array> = {};
  for (const [p, b] of Object.entries(v1Files)) v2Files[p.replace(/^\/v1/, "/v2")] = b;
  v2Files["/v2/readme.txt"] = utf8("a dataset of files, second edition\n".repeat(30));
  delete v2Files["/v2/images/dog.jpg"];
  v2Files["/v2/data/renamed.csv"] = v2Files["/v2/data/table.csv"] as Uint8Array;
  delete v2Files["/v2/data/table.csv"];
  v2Files["/v2/data/nested/new.bin"] = patternBytes(5000, 19);
  const v2 = await FileDataset.create({ storage, local: memoryFiles(v2Files), linkResolver, parents: [v1.id], tags: ["clean"], description: "child" });
  await v2.syncFolder("/v2");
  await v2.upload({ chunkSizeMB: CHUNK_MB, compression: "auto", maxWorkers: 2 });
  await v2.setMetadata({ classes: ["cat"], count: 1 });
  await v2.finalize();
  return storage;
}

async function readVersion(ds: FileDataset): Promise<unknown> {
  const files: Record<string, unknown> = {};
  for (const f of ds.fileEntries) files[f.path] = { ...f, bytes: await ds.readFile(f.path) };
  const metadata: Record<string, unknown> = {};
  for (const name of METADATA) metadata[name] = await ds.getMetadata(name);
  return {
    id: ds.id, project: ds.project, name: ds.name, version: ds.version, status: ds.status, tags: ds.tags,
    description: ds.description, parents: ds.parents, final: ds.isFinal(), dirty: ds.isDirty(),
    list: ds.listFiles(), own: ds.listFiles(undefined, { datasetId: ds.id }), links: ds.linkEntries,
    diff: await ds.diff(), graph: ds.getDependencyGraph(), order: ds.getDependencyOrder(),
    chunks: [ds.getNumChunks(), ds.getNumChunks({ includeParents: false })], metadata, files,
  };
}

/** Everything a user can read without a disk: the listing, lookups by name, and every version's tables and bytes. */
export async function readEverythingFiles(storage: Store): Promise<string> {
  const out: Record<string, unknown> = {};
  const listed = await FileDataset.listDatasets({ storage, onlyCompleted: false });
  out.listed = listed;
  out.latest = (await FileDataset.get({ storage, project: PROJECT, name: NAME })).id;
  out.published = (await FileDataset.get({ storage, project: PROJECT, name: NAME, onlyPublished: true })).id;
  for (const s of listed) {
    const ds = await FileDataset.get({ storage, id: s.id });
    out[`version ${s.version}`] = await readVersion(ds);
    const byName = await FileDataset.get({ storage, project: s.project, name: s.name, version: s.version });
    if (byName.id !== ds.id) out[`version ${s.version} by name`] = byName.id;
    out[`diff ${s.version} from the parent`] = ds.parents.length > 0 ? await ds.diff(ds.parents[0]) : null;
  }
  return canonical(out);
}
