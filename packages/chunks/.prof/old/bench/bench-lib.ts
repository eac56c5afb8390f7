/** Helpers shared by the chunk engine benches: sizes from env, median, JSON-line output, image-like samples. */
import { tmpdir } from "node:os";
import { join } from "node:path";

export const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
export const REPS = num("SHOAL_BENCH_REPS", 5);
export const benchRoot = (tag: string): string => join(process.env.PERF_TMP ?? tmpdir(), `shoal-${tag}-bench-${process.pid}`);

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function emit(o: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(o)}\n`);
}

/** `{ value, baselineValue, ratio }` of two medians. */
export function compare(ours: number[], base: number[], digits = 2): { value: number; baselineValue: number; ratio: number } {
  const v = median(ours);
  const b = median(base);
  return { value: Math.round(v), baselineValue: Math.round(b), ratio: +(v / b).toFixed(digits) };
}

/** `{ value, baselineValue, ratio }` per second of process CPU time (all threads: the fs thread pool's writes too). */
export function compareCpu(ours: number[], base: number[], digits = 2): { cpuValue: number; cpuBaselineValue: number; cpuRatio: number } {
  const { value, baselineValue, ratio } = compare(ours, base, digits);
  return { cpuValue: value, cpuBaselineValue: baselineValue, cpuRatio: ratio };
}

/** Wall and CPU seconds since the clock started. */
export interface Elapsed {
  wall: number;
  cpu: number;
}

/** Starts a clock; calling the result reads it. CPU time is reported beside wall time: on a shared box the wall clock
 * partly measures the neighbours. */
export function startClock(): () => Elapsed {
  const t = performance.now();
  const c = process.cpuUsage();
  return () => {
    const u = process.cpuUsage(c);
    return { wall: (performance.now() - t) / 1000, cpu: (u.user + u.system) / 1e6 };
  };
}

export const S224 = 224 * 224 * 3;

/** 64 distinct image-like 224×224×3 samples: gradients plus a little noise (like perf-scripts/lib.mjs). */
export function imagePool(): { pool: Uint8Array; sample: (i: number) => Uint8Array } {
  const pool = new Uint8Array(64 * S224);
  for (let k = 0; k < 64; k++) {
    for (let i = 0; i < S224; i++) pool[k * S224 + i] = ((i % 672) / 3 + k * 5 + ((i * 2654435761) >>> 29)) & 0xff;
  }
  return { pool, sample: (i: number) => pool.subarray((i & 63) * S224, ((i & 63) + 1) * S224) };
}

/** A fixed pseudo-random order of `count` reads over `n` samples (the same in every rep and for every reader). */
export function readOrder(count: number, n: number): Uint32Array {
  const out = new Uint32Array(count);
  let x = 0x9e3779b9;
  for (let k = 0; k < count; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[k] = (x >>> 0) % n;
  }
  return out;
}
