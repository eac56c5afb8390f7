// Builds the 12-row conformance dataset of the public TQL cases (tooling/testing/fixtures/tql-cases-public.json) as a MemorySource.
import { vendoredFixture } from "@shoal/testing/node";
import { readFileSync } from "node:fs";
import { type DType, fromValues, ndarray } from "@shoal/core";
import { MemorySource, type MemoryTensorSpec } from "../src/index.ts";

export const CASES_PATH = process.env.SHOAL_TQL_CASES ?? vendoredFixture("tql-cases-public.json");

interface DatasetSpec {
  tensor_order: string[];
  tensors: Record<string, { htype: string; dtype?: string; class_names?: string[] }>;
  rows: Record<string, unknown>[];
}

// deno-lint-ignore no-explicit-any
export function loadCases(): any {
  return JSON.parse(readFileSync(CASES_PATH, "utf8"));
}

export function buildSource(ds: DatasetSpec, chunkSize = 4): MemorySource {
  const specs: Record<string, MemoryTensorSpec> = {};
  for (const name of ds.tensor_order) {
    const t = ds.tensors[name]!;
    const dtype = t.dtype as DType | undefined;
    const cls = t.class_names;
    const samples = ds.rows.map((row) => {
      const v = row[name];
      if (t.htype === "class_label") {
        const toIdx = (x: unknown): number => (typeof x === "string" ? cls!.indexOf(x) : Number(x));
        return Array.isArray(v) ? fromValues("uint32", v.map(toIdx), [v.length]) : fromValues("uint32", [toIdx(v)], [1]);
      }
      if (t.htype === "image") {
        const { shape, fill } = v as { shape: number[]; fill: number };
        const a = ndarray("uint8", shape);
        a.data.fill(fill);
        return a;
      }
      if (t.htype === "bbox") {
        const boxes = v as number[][];
        return boxes.length ? fromValues("float32", boxes.flat(), [boxes.length, 4]) : ndarray("float32", [0, 4]);
      }
      if (t.htype === "text" || t.htype === "json") return v;
      return Array.isArray(v) ? fromValues(dtype ?? "float32", v as number[]) : fromValues(dtype ?? "int32", [v as number], [1]);
    });
    specs[name] = { htype: t.htype, dtype: t.htype === "class_label" ? "uint32" : dtype, classNames: cls, samples };
  }
  return new MemorySource(specs, { chunkSize });
}
