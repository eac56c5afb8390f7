// Builds the 12-row conformance dataset of the public TQL cases (tooling/testing/fixtures/tql-cases-public.json) as a MemorySource.
import { type DType, fromValues, ndarray } from "@shoal/core";
import { MemorySource, type MemoryTensorSpec } from "../src/index.ts";

interface Host {
  process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown };
}
const host = (globalThis as Host).process;
// SHOAL_TQL_CASES names a wider case file on machines that have one; a browser reads the vendored cases over HTTP.
const OVERRIDE = host?.env?.SHOAL_TQL_CASES;
const VENDORED = new URL("../../../tooling/testing/fixtures/tql-cases-public.json", import.meta.url);
let text: Promise<string> | undefined;

interface DatasetSpec {
  tensor_order: string[];
  tensors: Record<string, { htype: string; dtype?: string; class_names?: string[] }>;
  rows: Record<string, unknown>[];
}

/** The cases, parsed afresh per call from a file read once: by node:fs (through process.getBuiltinModule, so this
 * bundles for a browser) or by fetch. */
// deno-lint-ignore no-explicit-any
export async function loadCases(): Promise<any> {
  text ??= (async () => {
    const fs = host?.getBuiltinModule?.("node:fs") as { readFileSync(p: string | URL, enc: "utf8"): string } | undefined;
    if (fs && (OVERRIDE || VENDORED.protocol === "file:")) return fs.readFileSync(OVERRIDE ?? VENDORED, "utf8");
    if (OVERRIDE) throw new Error(`SHOAL_TQL_CASES=${OVERRIDE} needs a runtime with node:fs`);
    const res = await fetch(VENDORED);
    if (!res.ok) throw new Error(`TQL cases: ${res.status} from ${VENDORED.href}`);
    return res.text();
  })();
  return JSON.parse(await text);
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
