/**
 * Validated writes of rows: every sample goes through @shoal/htypes before the engine sees it, and a failure of
 * any tensor rolls every tensor (hidden ones included) back to where it was, so a rejected row leaves no trace.
 * @module
 */
import { isShoalError } from "@shoal/core";
import type { DatasetEngine, TensorEngine } from "@shoal/chunks";
import { TensorDoesNotExistError } from "@shoal/chunks";
import { type NormalizedSample, type SampleInput, normalizeSample } from "@shoal/htypes";
import { SampleAppendError } from "./errors.ts";
import { type Encoding, metaLike, toEngineSample } from "./samples.ts";

export interface ExtendRowsOptions {
  /** Leave tensors missing from the dict alone (their length then differs). */
  skipOk?: boolean;
  /** Append an empty sample to tensors missing from the dict (wins over skipOk). */
  appendEmpty?: boolean;
  /** Skip rows that any tensor rejects instead of failing; their positions come back in `skipped`. */
  ignoreErrors?: boolean;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Called for each link sample: throws when its creds key is unknown. */
export type LinkCheck = (credsKey: string | null, tensor: string, index: number) => void;

const BATCH_ROWS = 512;

interface Snapshot {
  lengths: Map<TensorEngine, number>;
  metas: Map<TensorEngine, { dtype: TensorEngine["tensorMeta"]["dtype"]; info: Record<string, unknown> }>;
}

function snapshot(engine: DatasetEngine): Snapshot {
  const lengths = new Map<TensorEngine, number>();
  const metas = new Map<TensorEngine, Snapshot["metas"] extends Map<TensorEngine, infer V> ? V : never>();
  for (const name of engine.allTensorNames()) {
    const t = engine.tensor(name);
    lengths.set(t, t.length);
    metas.set(t, { dtype: t.tensorMeta.dtype, info: structuredClone(t.tensorMeta.info) });
  }
  return { lengths, metas };
}

async function rollback(s: Snapshot): Promise<void> {
  for (const [t, len] of s.lengths) if (t.length > len) await t.truncate(len);
  for (const [t, m] of s.metas) {
    t.tensorMeta.dtype = m.dtype;
    if (JSON.stringify(t.tensorMeta.info) !== JSON.stringify(m.info)) t.tensorMeta.info = m.info;
  }
}

/** The visible, writable tensor `name`, or TensorDoesNotExistError. */
export function visibleTensor(engine: DatasetEngine, name: string): TensorEngine {
  if (!engine.has(name) || engine.tensor(name).tensorMeta.hidden) throw new TensorDoesNotExistError(name);
  return engine.tensor(name);
}

/** Validates one sample of tensor `t` at global `index`, growing class names in its meta when labels are new. */
export async function validateSample(t: TensorEngine, sample: SampleInput, index: number, checkLink: LinkCheck): Promise<unknown> {
  const meta = t.tensorMeta;
  const r = await normalizeSample(metaLike(meta), sample, { tensor: t.name, index });
  if (r.classNames) {
    meta.info = { ...meta.info, class_names: r.classNames };
    t.touchMeta("info");
  }
  checkLinks(r.sample, t.name, index, checkLink);
  return toEngineSample(r.sample, meta.encoding as Encoding, t.name, index);
}

function checkLinks(s: NormalizedSample, tensor: string, index: number, checkLink: LinkCheck): void {
  if (s.kind === "link") checkLink(s.credsKey, tensor, index);
  else if (s.kind === "sequence") for (const it of s.items) checkLinks(it, tensor, index, checkLink);
}

/** Which row (0-based in the batch) a sample error of the engine or htypes points at, if any. */
function failedRow(e: unknown, starts: Map<string, number>): number | undefined {
  if (!isShoalError(e)) return undefined;
  const { tensor, index } = e as { tensor?: unknown; index?: unknown };
  if (typeof tensor !== "string" || typeof index !== "number") return undefined;
  const start = starts.get(tensor);
  return start === undefined ? undefined : index - start;
}

/**
 * Appends rows to several tensors: `columns[name][i]` is row i of tensor `name`. All or nothing, unless
 * `ignoreErrors` drops the rejected rows (returned as positions in the input).
 */
export async function extendRows(
  engine: DatasetEngine,
  columns: Record<string, readonly SampleInput[]>,
  opts: ExtendRowsOptions,
  checkLink: LinkCheck,
): Promise<{ skipped: number[] }> {
  engine.assertWritable();
  const names = Object.keys(columns);
  if (names.length === 0) throw new SampleAppendError("[shoal] extend: no tensors given");
  const tensors = names.map((n) => visibleTensor(engine, n));
  const counts = names.map((n) => {
    const c = columns[n];
    if (!Array.isArray(c)) throw new SampleAppendError(`[shoal] extend: tensor ${JSON.stringify(n)} needs an array of samples`);
    return c.length;
  });
  const n = counts[0]!;
  counts.forEach((c, i) => {
    if (c !== n) throw new SampleAppendError(`[shoal] extend: tensor ${JSON.stringify(names[i])} has ${c} samples, tensor ${JSON.stringify(names[0])} has ${n}; every tensor needs the same number`);
  });
  const missing = engine.tensorNames().filter((t) => !(t in columns));
  const all = new Map<TensorEngine, readonly SampleInput[]>(tensors.map((t, i) => [t, columns[names[i]!]!]));
  if (missing.length > 0) {
    if (opts.appendEmpty) for (const m of missing) all.set(engine.tensor(m), new Array<SampleInput>(n).fill(null));
    else if (!opts.skipOk) {
      throw new SampleAppendError(`[shoal] extend: no samples for tensor(s) ${missing.map((m) => JSON.stringify(m)).join(", ")}; pass them, or skipOk / appendEmpty`);
    }
  }
  const snap = snapshot(engine);
  const skipped: number[] = [];
  try {
    for (let from = 0; from < n; from += BATCH_ROWS) {
      opts.signal?.throwIfAborted();
      const to = Math.min(n, from + BATCH_ROWS);
      let rows = Array.from({ length: to - from }, (_, i) => from + i);
      for (;;) {
        const starts = new Map<string, number>([...all.keys()].map((t) => [t.name, t.length]));
        try {
          const batch: Record<string, unknown[]> = {};
          for (const [t, samples] of all) {
            const out: unknown[] = [];
            for (let k = 0; k < rows.length; k++) out.push(await validateSample(t, samples[rows[k]!], t.length + k, checkLink));
            batch[t.name] = out;
          }
          await engine.extend(batch as never, { signal: opts.signal });
          break;
        } catch (e) {
          const bad = opts.ignoreErrors ? failedRow(e, starts) : undefined;
          if (bad === undefined || bad < 0 || bad >= rows.length) throw e;
          skipped.push(rows[bad]!);
          rows = rows.filter((_, k) => k !== bad);
          if (rows.length === 0) break;
        }
      }
      opts.onProgress?.(to, n);
    }
  } catch (e) {
    await rollback(snap);
    throw e;
  }
  return { skipped: skipped.sort((a, b) => a - b) };
}

/** Replaces samples of several tensors; validated first, and restored if a later tensor fails. */
export async function updateRows(
  engine: DatasetEngine,
  updates: Record<string, { indices: readonly number[]; samples: readonly SampleInput[] }>,
  checkLink: LinkCheck,
): Promise<void> {
  engine.assertWritable();
  const plan: { t: TensorEngine; index: number; value: unknown }[] = [];
  const infos = new Map<TensorEngine, Record<string, unknown>>();
  try {
    for (const [name, u] of Object.entries(updates)) {
      const t = visibleTensor(engine, name);
      infos.set(t, structuredClone(t.tensorMeta.info));
      if (u.indices.length !== u.samples.length) throw new SampleAppendError(`[shoal] update: tensor ${JSON.stringify(name)} got ${u.samples.length} samples for ${u.indices.length} positions`);
      for (let k = 0; k < u.indices.length; k++) plan.push({ t, index: u.indices[k]!, value: await validateSample(t, u.samples[k], u.indices[k]!, checkLink) });
    }
  } catch (e) {
    for (const [t, info] of infos) t.tensorMeta.info = info;
    throw e;
  }
  const done: { t: TensorEngine; index: number; old: unknown }[] = [];
  try {
    for (const p of plan) {
      const old = await storedValue(p.t, p.index);
      await p.t.update(p.index, p.value as never);
      done.push({ t: p.t, index: p.index, old });
    }
  } catch (e) {
    for (const d of done.reverse()) await d.t.update(d.index, d.old as never);
    for (const [t, info] of infos) t.tensorMeta.info = info;
    throw e;
  }
}

/** A sample as the engine can take it back unchanged (compressed bytes stay compressed). */
async function storedValue(t: TensorEngine, index: number): Promise<unknown> {
  const m = t.tensorMeta;
  if (m.encoding === "array" && m.sampleCompression) {
    const { bytes, compression } = await t.readBytes(index);
    if (compression && bytes.byteLength > 0) return { kind: "compressed", bytes, compression, shape: [...(await t.shape(index))], dtype: m.dtype };
  }
  const v = await t.read(index);
  if (m.encoding === "json") return { kind: "json", value: v };
  if (m.encoding === "list") return { kind: "list", value: v };
  return v;
}
