// Seeded mutation fuzzing: each target parses mutated copies of valid inputs and must return or throw a ShoalError,
// within a time bound per input, without allocating far more than the input could legitimately declare.
import { type Rng, mutateMany } from "./mutate.ts";
import { type Tally, describe, record, tally } from "./outcome.ts";
import { isShoalError } from "@shoal/core";

export interface FuzzTarget {
  name: string;
  seeds(): Promise<Uint8Array[]>;
  /** Parses untrusted bytes; returns what it decoded (for the output-size bound) or nothing. */
  parse(bytes: Uint8Array): unknown;
  /** Largest output per input byte a valid input can produce (compression ratio bound); default 1100. */
  maxRatio?: number;
}

export interface FuzzResult extends Tally {
  slowestMs: number;
  /** Inputs over the time bound, and outputs or allocations over the size bound. */
  hangs: number;
  unbounded: number;
}

const MIB = 1 << 20;

function arrayBufferBytes(): number | undefined {
  const mu = (globalThis as { process?: { memoryUsage?: () => { arrayBuffers?: number } } }).process?.memoryUsage;
  try {
    const v = mu?.().arrayBuffers;
    return typeof v === "number" && v > 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

function outputBytes(v: unknown, depth = 0): number {
  if (v === null || typeof v !== "object" || depth > 3) return 0;
  if (ArrayBuffer.isView(v)) return v.byteLength;
  if (v instanceof Map) return [...v.values()].reduce((n: number, x) => n + outputBytes(x, depth + 1), 0);
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + outputBytes(x, depth + 1), 0);
  return Object.values(v as object).reduce((n: number, x) => n + outputBytes(x, depth + 1), 0);
}

export async function fuzz(target: FuzzTarget, rng: Rng, iterations: number, opts: { timeBoundMs?: number } = {}): Promise<FuzzResult> {
  const bound = opts.timeBoundMs ?? 2000;
  const seeds = await target.seeds();
  const t: FuzzResult = { ...tally(), slowestMs: 0, hangs: 0, unbounded: 0 };
  for (let i = 0; i < iterations; i++) {
    const seed = seeds[i % seeds.length]!;
    const { kind, bytes } = mutateMany(seed, rng);
    const what = `${target.name} #${i} (${kind}, ${bytes.length} bytes)`;
    const before = arrayBufferBytes();
    const started = performance.now();
    let out: unknown;
    let outcome: "same" | "typed" | "crash" = "same";
    try {
      out = await target.parse(bytes);
    } catch (e) {
      outcome = isShoalError(e) ? "typed" : "crash";
      if (outcome === "crash") t.failures.length < 20 && t.failures.push(`crash: ${what}: ${describe(e)}`);
    }
    const ms = performance.now() - started;
    const after = arrayBufferBytes();
    t.slowestMs = Math.max(t.slowestMs, ms);
    if (ms > bound) {
      t.hangs++;
      if (t.failures.length < 20) t.failures.push(`slow: ${what}: ${ms.toFixed(0)} ms`);
    }
    const limit = 64 * MIB + bytes.length * (target.maxRatio ?? 1100);
    const grew = before !== undefined && after !== undefined ? after - before : 0;
    if (outputBytes(out) > limit || grew > Math.max(limit, 256 * MIB)) {
      t.unbounded++;
      if (t.failures.length < 20) t.failures.push(`unbounded: ${what}: output ${outputBytes(out)} bytes, buffers grew ${grew}`);
    }
    t.tried++;
    t[outcome]++;
  }
  return t;
}

export function formatFuzz(name: string, r: FuzzResult): string {
  return `${name}: ${r.tried} inputs, ${r.same} parsed, ${r.typed} typed errors, ${r.crash} crashes, ${r.hangs} over the time bound (slowest ${r.slowestMs.toFixed(1)} ms), ${r.unbounded} unbounded allocations`;
}

export { record };
