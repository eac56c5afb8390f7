// A minimal ComputeTarget that records what eval writes: column values, extend calls, commits.
import type { ComputeTarget } from "../../src/index.ts";

export interface RecordingTarget extends ComputeTarget {
  columns: Record<string, unknown[]>;
  extends: number;
  commits: string[];
}

export function memoryTarget(compressions: Record<string, string> = {}): RecordingTarget {
  const t: RecordingTarget = {
    columns: {},
    extends: 0,
    commits: [],
    async extend(columns) {
      t.extends++;
      for (const [k, v] of Object.entries(columns)) (t.columns[k] ??= []).push(...v);
    },
    async commit(message) {
      t.commits.push(message ?? "");
      return `c${t.commits.length}`;
    },
    tensorNames: () => Object.keys(compressions),
    tensor: (name) => ({ meta: { sampleCompression: compressions[name] ?? null } }),
  };
  return t;
}
