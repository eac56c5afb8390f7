/**
 * Validated writes of rows: every sample goes through @shoal/htypes before the engine sees it, and a failure of
 * any tensor rolls every tensor (hidden ones included) back to where it was, so a rejected row leaves no trace.
 * @module
 */
import { InvalidArgumentError, isShoalError } from "@shoal/core";
import type { DatasetEngine, TensorEngine } from "@shoal/chunks";
import { TensorDoesNotExistError } from "@shoal/chunks";
import { type NormalizedSample, type SampleInput, normalizeSample, normalizeSamples } from "@shoal/htypes";
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

/** Refuses an `onProgress` that is not a function before anything is written (it is called after the write). */
export function checkProgress(onProgress: unknown, what: string): void {
  if (onProgress !== undefined && typeof onProgress !== "function") throw new InvalidArgumentError(`[shoal] ${what}: onProgress must be a function, got ${typeof onProgress}`);
}

/** The visible, writable tensor `name`, or TensorDoesNotExistError. */
export function visibleTensor(engine: DatasetEngine, name: string): TensorEngine {
  if (!engine.has(name) || engine.tensor(name).tensorMeta.hidden) throw new TensorDoesNotExistError(name);
  return engine.tensor(name);
}

/**
 * Class names grown by string labels during a write, per tensor; applied to the metas only once the whole write
 * has succeeded, so a rejected write leaves the metas untouched.
 */
export type ClassNameGrowth = Map<TensorEngine, string[]>;

/** Validates one sample of tensor `t` at global `index` into the engine's form. */
export async function validateSample(t: TensorEngine, sample: SampleInput, index: number, checkLink: LinkCheck, grown: ClassNameGrowth): Promise<unknown> {
  const meta = t.tensorMeta;
  const classNames = grown.get(t);
  const r = await normalizeSample(metaLike(meta), sample, { tensor: t.name, index, ...(classNames ? { classNames } : {}) });
  if (r.classNames) grown.set(t, r.classNames);
  checkLinks(r.sample, t.name, index, checkLink);
  return toEngineSample(r.sample, meta.encoding as Encoding, t.name, index);
}

function applyGrowth(grown: ClassNameGrowth): void {
  for (const [t, names] of grown) {
    t.tensorMeta.info = { ...t.tensorMeta.info, class_names: names };
    t.touchMeta("info");
  }
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
  checkProgress(opts.onProgress, "extend");
  // A key whose value is undefined is a missing tensor (skipOk / appendEmpty decide), as an optional field would be.
  const names = Object.keys(columns).filter((k) => columns[k] !== undefined);
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
  const missing = engine.tensorNames().filter((t) => !Object.hasOwn(columns, t) || columns[t] === undefined);
  const all = new Map<TensorEngine, readonly SampleInput[]>(tensors.map((t, i) => [t, columns[names[i]!]!]));
  if (missing.length > 0) {
    if (opts.appendEmpty) for (const m of missing) all.set(engine.tensor(m), new Array<SampleInput>(n).fill(null));
    else if (!opts.skipOk) {
      throw new SampleAppendError(`[shoal] extend: no samples for tensor(s) ${missing.map((m) => JSON.stringify(m)).join(", ")}; pass them, or skipOk / appendEmpty`);
    }
  }
  const skipped: number[] = [];
  const grown: ClassNameGrowth = new Map();
  const tensorsAll = [...all.keys()];
  const values = new Map<TensorEngine, unknown[]>(tensorsAll.map((t) => [t, []]));
  const kept: number[] = [];
  // Phase 1: every sample of every tensor through @shoal/htypes; nothing is written yet.
  if (!opts.ignoreErrors) {
    // All or nothing: whole columns at once (one htype state per tensor, class names grown across the column).
    for (const t of tensorsAll) {
      const r = await normalizeSamples(metaLike(t.tensorMeta), all.get(t)!, { tensor: t.name, startIndex: t.length, signal: opts.signal });
      if (r.classNames) grown.set(t, r.classNames);
      const out = values.get(t)!;
      const encoding = t.tensorMeta.encoding as Encoding;
      r.samples.forEach((smp, k) => {
        checkLinks(smp, t.name, t.length + k, checkLink);
        out.push(toEngineSample(smp, encoding, t.name, t.length + k));
      });
    }
    for (let i = 0; i < n; i++) kept.push(i);
  }
  for (let i = 0; i < n && opts.ignoreErrors; i++) {
    if (i % BATCH_ROWS === 0) opts.signal?.throwIfAborted();
    const row: unknown[] = [];
    const grownBefore = new Map(grown);
    try {
      for (const t of tensorsAll) row.push(await validateSample(t, all.get(t)![i], t.length + kept.length, checkLink, grown));
    } catch (e) {
      if (!opts.ignoreErrors || !isShoalError(e)) throw e;
      skipped.push(i);
      grown.clear();
      for (const [k, v] of grownBefore) grown.set(k, v);
      continue;
    }
    tensorsAll.forEach((t, k) => values.get(t)!.push(row[k]));
    kept.push(i);
    if ((i + 1) % BATCH_ROWS === 0) opts.onProgress?.(i + 1, n);
  }
  // Phase 2: one atomic engine extend (it prepares every sample before committing any); with ignoreErrors a row
  // the engine rejects (rank, dtype against stored samples) is dropped and the rest retried.
  const starts = new Map<string, number>(tensorsAll.map((t) => [t.name, t.length]));
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      if (kept.length > 0) await engine.extend(Object.fromEntries(tensorsAll.map((t) => [t.name, values.get(t)!])) as never, { signal: opts.signal });
      break;
    } catch (e) {
      const bad = opts.ignoreErrors ? failedRow(e, starts) : undefined;
      if (bad === undefined || bad < 0 || bad >= kept.length) throw e;
      skipped.push(kept[bad]!);
      kept.splice(bad, 1);
      for (const v of values.values()) v.splice(bad, 1);
    }
  }
  applyGrowth(grown);
  opts.onProgress?.(n, n);
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
  const grown: ClassNameGrowth = new Map();
  for (const [name, u] of Object.entries(updates)) {
    const t = visibleTensor(engine, name);
    if (u.indices.length !== u.samples.length) throw new SampleAppendError(`[shoal] update: tensor ${JSON.stringify(name)} got ${u.samples.length} samples for ${u.indices.length} positions`);
    for (let k = 0; k < u.indices.length; k++) plan.push({ t, index: u.indices[k]!, value: await validateSample(t, u.samples[k], u.indices[k]!, checkLink, grown) });
  }
  // Engine-side checks (rank, dtype against the stored samples) run for every update before any is applied.
  for (const p of plan) {
    const dtype = p.t.tensorMeta.dtype;
    try {
      await p.t.prepare([p.value as never], p.index);
    } finally {
      p.t.tensorMeta.dtype = dtype;
    }
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
    throw e;
  }
  applyGrowth(grown);
}

/** A sample as the engine can take it back unchanged (compressed bytes stay compressed). */
export async function storedValue(t: TensorEngine, index: number): Promise<unknown> {
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
