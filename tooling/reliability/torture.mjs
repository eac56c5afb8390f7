// `npm run torture`: the reliability suite at SHOAL_TORTURE× its `npm test` size (default 20), then its figures
// written to tooling/reliability/RESULTS.md. `SHOAL_TORTURE=1 npm run torture` refreshes the figures at test size.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const here = new URL(".", import.meta.url).pathname;
const root = join(here, "../..");
const factor = process.env.SHOAL_TORTURE ?? "20";
const seed = process.env.SHOAL_SEED ?? String(Date.now() % 100000);
const out = join(mkdtempSync(join(tmpdir(), "shoal-torture-")), "figures.jsonl");
const env = { ...process.env, SHOAL_TORTURE: factor, SHOAL_SEED: seed, SHOAL_RELIABILITY_OUT: out, SHOAL_RUNTIME: "node" };
const files = readdirSync(join(here, "test")).filter((f) => f.endsWith(".test.ts")).sort();
let failed = 0;
const started = Date.now();
for (const f of files) {
  console.log(`$ SHOAL_TORTURE=${factor} SHOAL_SEED=${seed} node --import tsx ${join("tooling/reliability/test", f)}`);
  const r = spawnSync(process.execPath, ["--import", "tsx", join(here, "test", f)], { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) failed++;
}
const lines = existsSync(out) ? readFileSync(out, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
const by = (part) => lines.filter((l) => l.part === part);
const sum = (rows, k) => rows.reduce((n, r) => n + (r[k] ?? 0), 0);
const md = [`## Reliability`, ``, `Figures of \`SHOAL_TORTURE=${factor} SHOAL_SEED=${seed} npm run torture\` (Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}, ${((Date.now() - started) / 1000).toFixed(0)} s). \`npm test\` runs the same suite at factor 1 on every runtime.`, ``];
const fuzzRows = by("fuzz");
if (fuzzRows.length) {
  md.push(`- **Fuzzing**: ${sum(fuzzRows, "tried")} mutated inputs over ${fuzzRows.length} parsers (${fuzzRows.map((r) => r.target).join(", ")}): ${sum(fuzzRows, "crash")} crashes other than typed errors, ${sum(fuzzRows, "hangs")} over the 2 s per-input bound (slowest ${Math.max(...fuzzRows.map((r) => r.slowestMs)).toFixed(1)} ms), ${sum(fuzzRows, "unbounded")} unbounded allocations; ${sum(fuzzRows, "typed")} typed errors, ${sum(fuzzRows, "same")} parsed.`);
}
for (const r of by("corruption shoal")) {
  // The test asserts every silent read of a branch marker is its deletion, the format's way to delete a branch.
  const m = r.kinds["versions/branches/*"]?.silent ?? 0;
  const deleted = m > 0 ? ` Not counted above: ${m} deleted branch marker${m > 1 ? "s" : ""}, which is how the format deletes a branch (FORMAT.md §7.6), read as a dataset without that branch.` : "";
  md.push(`- **Corruption, shoal dataset**: ${r.tried} corruptions (delete, truncate ×3, bit flips) of ${Object.keys(r.kinds).length} object kinds (chunks, index segments, change objects and every JSON record, each checksummed): ${r.silent - m} silent wrong reads, ${r.crash} crashes, ${r.typed} typed errors, ${r.same} read right (redundant or unread copies, or a damaged checksum member name, which leaves the record intact); ${r.unnamed} typed errors did not name the damaged object.${deleted}`);
}
for (const r of by("corruption deeplake")) {
  md.push(`- **Corruption, Deep Lake 3.x dataset**: ${r.tried} corruptions: ${r.crash} crashes, ${r.typed} typed errors, ${r.same} read right, ${r.silent} silent reads, all from bit flips in sample payloads (Deep Lake 3.x stores no checksums; deletions and truncations: 0 silent).`);
}
for (const r of by("corruption files")) {
  const v = r.versionDeletes ?? { silent: 0, unnamed: 0 };
  const deleted = v.silent + v.unnamed > 0 ? ` Not counted above: a deleted name pointer, which is how the format deletes a version, read as a store without that version (reads without it: ${v.silent}; "no dataset matches" errors: ${v.unnamed}).` : "";
  md.push(`- **Corruption, file dataset** (clearml-compat): ${r.tried} corruptions (delete, truncate ×3, bit flips) of ${Object.keys(r.kinds).length} object kinds (${Object.keys(r.kinds).join(", ")}): ${r.silent - v.silent} silent wrong reads, ${r.crash} crashes, ${r.typed} typed errors, ${r.same} read right (pack indexes and framing and the format marker, which no read uses, or a damaged checksum member name, which leaves the record intact); ${r.unnamed - v.unnamed} typed errors did not name the damaged object.${deleted}`);
}
for (const r of by("crash")) {
  md.push(`- **Crashes**: ${r.trials} writers SIGKILLed at seeded random points while appending, flushing and committing (${r.commits} commits made): 0 trials unreadable (${r.unreadable}), ${r.lostCommittedSamples} flushed/committed samples or commits lost, ${r.staleLocksDetected} stale write locks of dead writers detected and taken over; \`fixVc()\` repaired ${r.fixVcRepairs} leftovers.`);
}
for (const r of by("crash merge")) {
  md.push(`- **Crashes, merge**: ${r.trials} mergers SIGKILLed at seeded random points, ${r.insideMerge} of them inside a merge (${r.merges} merges and ${r.commits} commits completed before the kills): main opened for writing and held exactly the rows its commit log accounts for after every kill, ${r.lostCommits} reported commits lost; \`fixVc()\` repaired ${r.fixVcRepairs} leftovers.`);
}
for (const r of by("crash upload")) {
  const after = Object.entries(r.killedAfter).map(([k, n]) => `${k} ${n}`).join(", ");
  md.push(`- **Crashes, file-dataset upload**: ${r.trials} ClearML-style uploads SIGKILLed after a random step (create, add, each uploaded pack, finalize; killed after: ${after}): every version opened (${r.drafts} drafts, ${r.finals} final), ${r.storedFilesRead} stored files read back byte for byte and ${r.pendingFilesRefused} not yet uploaded were refused with a typed error, ${r.corrupt} corrupt; ${r.resumed} drafts completed by resuming \`finalize({ autoUpload: true })\`, ${r.strayPacks} stray packs.`);
}
for (const r of by("s3 faults")) {
  const f = r.faults;
  md.push(`- **S3 faults**: ${r.faultsTotal} faults injected at seeded random requests by a proxy process between \`S3Store\` and s3rver (${r.requests} requests): 500 ×${f["500"]}, 503 SlowDown ×${f["503 SlowDown"]}, connection resets ×${f.reset}, truncated bodies ×${f.truncated}, stalls past the client's timeout ×${f.stall}; ${r.afterForward} of them after the server had acted. Workload: a dataset created, appended, committed and read back, raw ranged reads, a file-dataset upload. ${r.retries} retries seen by the proxy (mean ${r.meanRetryGapMs} ms after the fault); ${r.reads} reads: ${r.corrupt} corrupt, ${r.typedReadErrors} typed errors, ${r.crashes} untyped; ${r.failedWrites} of ${r.writes} writes failed with a typed error and left the previous committed state (${r.keptPrevious}) or completed (${r.completedAnyway}).`);
}
for (const r of by("races")) {
  const losers = (f) => Object.entries(f.losers).map(([k, n]) => `${k} ×${n}`).join(", ");
  md.push(`- **Commit races**: ${r.local.races} races of ${r.local.racers} processes committing to one branch of a local folder and ${r.s3.races} races of ${r.s3.racers} on s3rver (with a commit lock, since s3rver ignores If-None-Match; without one, writing is refused with LockRequiredError), half racing the branch ref and half the write lock: ${r.local.commits} + ${r.s3.commits} commits made, ${r.local.lostCommits + r.s3.lostCommits} lost; losers were told ${losers(r.local)} (local) and ${losers(r.s3)} (S3).`);
}
for (const r of by("traversal")) {
  md.push(`- **Traversal and credentials**: ${r.tried} escaping names (\`../\`, absolute, drive letters, UNC, percent-encoded, \`\\\\\` separators, NUL) as store keys, tensor/group names, file-dataset paths and zip entries, and symlinks out of a FileStore root (to a file, a folder, dangling, a passwd-like file; a dataset's tensor folders) under every store operation: ${r.escapes} escapes; S3 credentials and creds-key secrets found in 0 stored bytes (local folder and s3rver).`);
}
md.push(``);
writeFileSync(join(here, "RESULTS.md"), `${md.join("\n")}\n`);
console.log(md.join("\n"));
console.log(failed ? `${failed} test files failed` : "all reliability tests passed");
process.exit(failed ? 1 : 0);
