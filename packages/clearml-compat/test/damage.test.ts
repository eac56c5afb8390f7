// Damaged stored objects: every read returns the right data or a CorruptContentError naming the object.
import { join } from "node:path";
import { MemoryStore } from "@shoal/storage";
import { expectCode } from "@shoal/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { keys } from "../src/layout.ts";
import { FileDataset } from "../src/node.ts";
import type { FileEntry, Segment } from "../src/types.ts";
import { noise, sandbox } from "./helpers.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

/** Expects a CorruptContentError whose key or message names `key`. */
async function corrupt(p: Promise<unknown>, key: string): Promise<void> {
  const e = (await expectCode(p, "CorruptContentError")) as Error & { key: string };
  assert.ok(e.key === key || e.message.includes(key), `${e.message} should name ${key}`);
}

async function flip(storage: MemoryStore, key: string, at: (bytes: Uint8Array) => number): Promise<void> {
  const bytes = (await storage.get(key)) as Uint8Array;
  const copy = bytes.slice();
  copy[at(copy)]! ^= 0x02;
  await storage.set(key, copy);
}

/** A published parent (stored and deflated content, JSON and CSV metadata) and a final child. */
async function fixture() {
  const sb = sandbox();
  sb.write("p/notes.txt", "hello ".repeat(200));
  sb.write("p/raw.jpg", noise(3000, 5));
  const storage = new MemoryStore();
  const parent = await FileDataset.create({ storage, local: sb.local, project: "p", name: "d" });
  await parent.addFiles(join(sb.dir, "p"));
  await parent.setMetadata({ a: 1 });
  await parent.setMetadata([{ x: "1" }], "rows", { format: "csv" });
  await parent.finalize({ autoUpload: true });
  await parent.publish();
  sb.write("c/extra.txt", "child");
  const child = await FileDataset.create({ storage, local: sb.local, parents: [parent.id] });
  await child.addFiles(join(sb.dir, "c"));
  await child.finalize({ autoUpload: true });
  return { sb, storage, parent, child };
}

test("flipped bits in pointers, descriptions and states are CorruptContentErrors naming the record", async () => {
  const { sb, storage, parent, child } = await fixture();
  try {
    const pristine = new Map<string, Uint8Array>();
    for await (const k of storage.list("")) pristine.set(k, (await storage.get(k)) as Uint8Array);
    const records: [string, string][] = [[keys.pointer("p", "d", child.version), child.id], [keys.info(child.id), child.id], [keys.state(child.id), child.id], [keys.state(parent.id), parent.id]];
    for (const [key, id] of records) {
      // A hex digit of an id: a flip that still parses.
      await flip(storage, key, (b) => new TextDecoder().decode(b).indexOf(id) + 3);
      const read = async () => {
        for (const s of await FileDataset.listDatasets({ storage })) {
          const ds = await FileDataset.get({ storage, id: s.id });
          for (const f of ds.listFiles()) await ds.readFile(f);
          await ds.diff();
        }
      };
      await corrupt(read(), key);
      await storage.set(key, pristine.get(key) as Uint8Array);
    }
  } finally {
    sb.cleanup();
  }
});

test("content that does not hash to its SHA-256 is refused by readFile and getLocalCopy, naming the pack", async () => {
  const { sb, storage, parent } = await fixture();
  try {
    const raw = parent.fileEntries.find((f) => f.path === "raw.jpg") as FileEntry;
    const [pack, offset, , , method] = parent.state.objects[raw.sha256]?.[0] as Segment;
    assert.is(method, 0, "a .jpg is stored, not deflated: the flip reaches the bytes as they are");
    await flip(storage, keys.pack(pack), () => offset + 10);
    const ds = await FileDataset.get({ storage, local: sb.local, id: parent.id });
    assert.equal(new TextDecoder().decode(await ds.readFile("notes.txt")), "hello ".repeat(200));
    await corrupt(ds.readFile("raw.jpg"), keys.pack(pack));
    await corrupt(ds.getLocalCopy(), keys.pack(pack));
  } finally {
    sb.cleanup();
  }
});

test("metadata is checked against the hash its description records; older metadata without one reads as before", async () => {
  const { sb, storage, parent } = await fixture();
  try {
    const csv = keys.metadata(parent.id, "rows", "csv");
    await storage.set(csv, utf8("x\n2\n"));
    await corrupt(parent.getMetadata("rows"), csv);
    const json = keys.metadata(parent.id, "metadata", "json");
    await flip(storage, json, (b) => b.indexOf(0x31));
    await corrupt(parent.getMetadata(), json);
    const legacy = { ...parent.info, metadata: { metadata: { type: "json" as const } } };
    await storage.set(keys.info(parent.id), utf8(JSON.stringify(legacy)));
    await storage.set(json, utf8('{"a":3}'));
    assert.equal(await (await FileDataset.get({ storage, id: parent.id })).getMetadata(), { a: 3 });
  } finally {
    sb.cleanup();
  }
});

test("a lost description of a final version is an error, not a version that never was; a crashed create is still skipped", async () => {
  const { sb, storage, parent, child } = await fixture();
  try {
    const info = (await storage.get(keys.info(child.id))) as Uint8Array;
    await storage.delete(keys.info(child.id));
    await corrupt(FileDataset.listDatasets({ storage }), keys.info(child.id));
    await corrupt(FileDataset.get({ storage, id: child.id }), keys.info(child.id));
    await storage.set(keys.info(child.id), info);
    // A parent's description lost beside its state, in a store written before states were marked final.
    const { final: _final, ...unmarked } = parent.state;
    await storage.set(keys.state(parent.id), utf8(JSON.stringify(unmarked)));
    await storage.delete(keys.info(parent.id));
    await corrupt((await FileDataset.get({ storage, id: child.id })).diff(), keys.info(parent.id));
    // Pointer and draft state without a description: a create that crashed before its last write.
    const draft = await FileDataset.create({ storage, project: "p", name: "crashed" });
    await storage.delete(keys.info(draft.id));
    assert.equal((await FileDataset.listDatasets({ storage, onlyCompleted: false })).map((s) => s.name), ["d"]);
  } finally {
    sb.cleanup();
  }
});

test("malformed unsealed records are CorruptContentErrors naming the key, not TypeErrors", async () => {
  const { sb, storage, child } = await fixture();
  try {
    const state = { ...child.state };
    const cases: [string, object][] = [
      [keys.info(child.id), { ...child.info, tags: "raw" }],
      [keys.info(child.id), { ...child.info, metadata: { m: { type: "xml" } } }],
      [keys.info(child.id), { ...child.info, id: "someone-else" }],
      [keys.state(child.id), { ...state, files: {} }],
      [keys.state(child.id), { ...state, files: [{ ...state.files[0], size: -1 }] }],
      [keys.state(child.id), { ...state, objects: { x: [["pack", 0, "1", 1, 0]] } }],
      [keys.state(child.id), { ...state, graph: { a: "b" } }],
      [keys.state(child.id), { ...state, counters: null }],
      [keys.pointer("p", "d", child.version), { id: 7 }],
    ];
    for (const [key, record] of cases) {
      const before = (await storage.get(key)) as Uint8Array;
      await storage.set(key, utf8(JSON.stringify(record)));
      await corrupt(FileDataset.listDatasets({ storage }).then((l) => Promise.all(l.map((s) => FileDataset.get({ storage, id: s.id })))), key);
      await storage.set(key, before);
    }
  } finally {
    sb.cleanup();
  }
});

test("a final version whose content has no stored location names its state", async () => {
  const { sb, storage, child } = await fixture();
  try {
    const state = { ...child.state, objects: {} };
    await storage.set(keys.state(child.id), utf8(JSON.stringify(state)));
    await corrupt((await FileDataset.get({ storage, id: child.id })).readFile("extra.txt"), keys.state(child.id));
  } finally {
    sb.cleanup();
  }
});

test.run();
