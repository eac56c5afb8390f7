// A minimal ComputeTarget that records what eval writes: column values, extend calls, commits.
import type { ComputeTarget } from "../../src/index.ts";

export interface RecordingTarget extends ComputeTarget {
  columns: Record<string, unknown[]>;
  extends: number;
  committed: string[];
}

export function memoryTarget(compressions: Record<string, string> = {}): RecordingTarget {
  const t: RecordingTarget = {
    columns: {},
    extends: 0,
    committed: [],
    async extend(columns) {
      t.extends++;
      for (const [k, v] of Object.entries(columns)) (t.columns[k] ??= []).push(...v);
    },
    async commit(message) {
      t.committed.push(message ?? "");
      return `c${t.committed.length}`;
    },
    async commits() {
      return [...t.committed].reverse().map((message) => ({ message }));
    },
    tensorNames: () => Object.keys(compressions),
    tensor: (name) => ({ meta: { sampleCompression: compressions[name] ?? null } }),
  };
  return t;
}
