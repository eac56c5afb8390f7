// Every stored object of a ClearML-style file dataset (packages/clearml-compat) is deleted, truncated and
// bit-flipped in turn; every read must then return exactly the original data or raise a typed error naming the object.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { type CorruptionRun, corruptionTrials, snapshot } from "../src/corrupt.ts";
import { buildFileDataset, readEverythingFiles } from "../src/files-fixture.ts";
import { Rng, scale, seedBase } from "../src/mutate.ts";
import { formatTally } from "../src/outcome.ts";
import { report } from "../src/results.ts";

const flips = scale(3);

/** Object kinds: version ids, pack ids, names and versions folded. */
const filesKind = (k: string): string =>
  k
    .replace(/^names\/[^/]+\/[^/]+\/[^/]+\.json$/, "names/*/*/*.json")
    .replace(/^ids\/[0-9a-f]{32}\//, "ids/*/")
    .replace(/^(ids\/\*\/metadata\/)[^/]+\.(json|csv)$/, "$1*.$2")
    .replace(/^packs\/[0-9a-f]{2}\/[0-9a-f]{64}\.pack$/, "packs/*/*.pack");

function explain(run: CorruptionRun): string {
  return [...run.byKind].map(([k, t]) => `${formatTally(k, t)}\n${t.failures.map((f) => `    ${f}`).join("\n")}`).join("\n");
}

const POINTERS = "names/*/*/*.json";
/** Deleting a name pointer is how a version is deleted (FORMAT-files.md, delete: pointer first): the store without
 * it is a valid one in which that version is gone, so what reads differently, or fails to find it, is no defect. */
const versionDeleted = (kind: string, failure: string) => kind === POINTERS && /^(silent|unnamed): delete of /.test(failure);

test("file dataset: each kind of stored object, deleted, truncated, bit-flipped: right data or a typed error naming it", async () => {
  const snap = await snapshot(await buildFileDataset());
  const run = await corruptionTrials(snap, { kindOf: filesKind, readAll: readEverythingFiles, rng: new Rng(seedBase() + 2), flips });
  const kinds = Object.fromEntries([...run.byKind].map(([k, t]) => [k, { tried: t.tried, typed: t.typed, same: t.same, silent: t.silent, crash: t.crash, unnamed: t.unnamed }]));
  const pointers = run.byKind.get(POINTERS)?.failures.filter((f) => versionDeleted(POINTERS, f)) ?? [];
  const versionDeletes = { silent: pointers.filter((f) => f.startsWith("silent")).length, unnamed: pointers.filter((f) => f.startsWith("unnamed")).length };
  await report("corruption files", { ...run.total, failures: run.total.failures.slice(0, 10), kinds, versionDeletes });
  const expected = ["ids/*/dataset.json", "ids/*/metadata/*.csv", "ids/*/metadata/*.json", "ids/*/state.json", POINTERS, "packs/*/*.pack", "shoal-files.json"];
  assert.equal([...run.byKind.keys()].sort(), expected);
  assert.ok([...snap.keys()].filter((k) => k.startsWith("packs/")).length >= 6, `keys: ${[...snap.keys()]}`);
  // The fixture holds what the trials are for: stored and deflated segments, content spanning packs, an empty file.
  const segments = [...snap].filter(([k]) => k.endsWith("/state.json")).flatMap(([, b]) => Object.values((JSON.parse(new TextDecoder().decode(b)) as { objects: Record<string, [string, number, number, number, number][]> }).objects));
  assert.ok(segments.some((s) => s.some((x) => x[4] === 0)) && segments.some((s) => s.some((x) => x[4] === 1)), "stored and deflated segments");
  assert.ok(segments.some((s) => new Set(s.map((x) => x[0])).size > 1) && segments.some((s) => s.length === 0), "a file over several packs, an empty file");
  assert.is(run.total.crash, 0, explain(run));
  for (const [kind, t] of run.byKind) {
    // Failures are kept up to 20 per kind: fewer means the filter below saw every one.
    assert.ok(t.failures.length < 20, `${kind}: ${t.failures.join("\n")}`);
    assert.equal(t.failures.filter((f) => !versionDeleted(kind, f)), [], `${kind}: ${t.failures.join("\n")}`);
  }
  assert.is(run.total.silent - versionDeletes.silent, 0, explain(run));
  assert.is(run.total.unnamed - versionDeletes.unnamed, 0, explain(run));
});

test.run();
