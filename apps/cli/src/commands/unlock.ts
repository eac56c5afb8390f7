import { hostname } from "node:os";
import { defineCommand } from "citty";
import { DatasetLockedError, DatasetNotFoundError, resolveStore } from "shoal";
import { printJson, printLine } from "../output.ts";

// FORMAT.md §8.1: the single-writer lock a writing session holds, and which a crashed writer leaves behind.
const LOCK_KEY = "locks/write.json";

interface LockRecord {
  session?: unknown;
  time?: unknown;
  pid?: unknown;
  host?: unknown;
}

/** "exited", "running" or "unknown" (another host, or no pid recorded): only this host's processes can be probed. */
function holderState(r: LockRecord): "exited" | "running" | "unknown" {
  if (typeof r.pid !== "number" || r.host !== hostname()) return "unknown";
  try {
    process.kill(r.pid, 0);
    return "running";
  } catch (e) {
    return (e as { code?: string }).code === "ESRCH" ? "exited" : "running";
  }
}

export default defineCommand({
  meta: { name: "unlock", description: "Break a dataset's write lock left by a writer that died (refuses a live one without --force)" },
  args: {
    path: { type: "positional", description: "Dataset path or URL", required: true },
    force: { type: "boolean", description: "Break the lock even if its holder may still be running", default: false },
    json: { type: "boolean", description: "Print as JSON", default: false },
  },
  async run({ args }) {
    const { store } = await resolveStore(args.path);
    if (!(await store.head("shoal.json"))) throw new DatasetNotFoundError(`[shoal] unlock: no shoal dataset at ${JSON.stringify(args.path)}`);
    const bytes = await store.get(LOCK_KEY);
    if (!bytes) {
      if (args.json) printJson({ path: args.path, locked: false, removed: false });
      else printLine(`${args.path}: not locked`);
      return;
    }
    let record: LockRecord = {};
    try {
      record = JSON.parse(new TextDecoder().decode(bytes)) as LockRecord;
    } catch {
      // A torn record names no holder; removing it is always safe.
    }
    const state = holderState(record);
    const since = typeof record.time === "number" ? new Date(record.time).toISOString() : "an unknown time";
    const holder = `session ${String(record.session ?? "unknown")}${typeof record.pid === "number" ? ` (pid ${record.pid} on ${String(record.host)})` : ""}`;
    if (state === "running" && !args.force) {
      throw new DatasetLockedError(String(record.session ?? "unknown"), `${since}; its process ${record.pid} is still running, so \`shoal unlock\` leaves the lock (use --force only if that process does not write this dataset)`);
    }
    await store.delete(LOCK_KEY);
    const why = state === "exited" ? "its process has exited" : state === "running" ? "forced" : "holder on another host or unknown; make sure it is not writing";
    if (args.json) printJson({ path: args.path, locked: true, removed: true, session: record.session ?? null, pid: record.pid ?? null, host: record.host ?? null, since, holder: state });
    else printLine(`${args.path}: removed the write lock of ${holder}, held since ${since} (${why})`);
  },
});
