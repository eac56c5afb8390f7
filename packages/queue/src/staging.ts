/**
 * Task datasets: each attempt of a task writes its rows into a dataset of its own below the run's staging prefix,
 * so workers never contend for the target's write lock or branch head, and a killed attempt leaves only a folder
 * nobody reads. The producer appends the finished ones in task order and deletes the prefix.
 * @module
 */
import { type Dataset, type StoreCreds, load, resolveStore } from "shoal";
import type { StorageSettings } from "./protocol.ts";

/** Credentials for a worker: the run's non-secret settings, keys from this process's AWS_* variables (S3Store). */
export function credsFor(storage: StorageSettings): StoreCreds {
  return { endpoint: storage.endpoint, region: storage.region, forcePathStyle: storage.forcePathStyle };
}

export function stagingRoot(datasetPath: string, run: string): string {
  return `${datasetPath.replace(/\/+$/, "")}.compute/${run}`;
}

/** Rows [0, length) of a task dataset, as extend takes them: compressed samples as their stored bytes. */
export async function readRows(path: string, creds: StoreCreds): Promise<{ columns: Record<string, unknown[]>; rows: number }> {
  const ds: Dataset = await load(path, { readOnly: true, creds });
  try {
    const columns: Record<string, unknown[]> = {};
    const rows = ds.length;
    const positions = Array.from({ length: rows }, (_, i) => i);
    for (const name of ds.tensorNames()) {
      const t = ds.tensor(name);
      if (t.meta.sampleCompression) {
        const stored = await t.readBytesMany(positions);
        columns[name] = stored.map((s) => (s.bytes.byteLength === 0 ? null : { bytes: s.bytes, compression: s.compression! }));
      } else {
        columns[name] = await t.readMany(positions);
      }
    }
    return { columns, rows };
  } finally {
    await ds.close();
  }
}

/** Deletes every key below `prefix` (the run's task datasets, finished or left by killed attempts). */
export async function deletePrefix(prefix: string, creds: StoreCreds): Promise<number> {
  const { store } = await resolveStore(prefix, { creds });
  const keys: string[] = [];
  for await (const k of store.list("")) keys.push(k);
  for (const k of keys) await store.delete(k);
  return keys.length;
}
