// What one read of corrupt input came to: the right value, a typed error, or a defect (crash, silent wrong value).
import { isShoalError } from "@shoal/core";

export type Outcome = "same" | "typed" | "crash" | "silent";

export interface Tally {
  tried: number;
  same: number;
  typed: number;
  crash: number;
  silent: number;
  /** Defects, one line each, with what reproduces them. */
  failures: string[];
}

export function tally(): Tally {
  return { tried: 0, same: 0, typed: 0, crash: 0, silent: 0, failures: [] };
}

export function record(t: Tally, outcome: Outcome, what: string): void {
  t.tried++;
  t[outcome]++;
  if ((outcome === "crash" || outcome === "silent") && t.failures.length < 20) t.failures.push(`${outcome}: ${what}`);
}

export function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message.slice(0, 300)}` : String(e);
}

/** Typed means a ShoalError; a TypeError/RangeError from deep inside a parser is a crash. */
export function classifyError(e: unknown): "typed" | "crash" {
  return isShoalError(e) ? "typed" : "crash";
}

/** A stable text form of any value a reader returns (NDArrays, typed arrays, bigints, nested JSON). */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === "bigint") return `${x}n`;
    if (ArrayBuffer.isView(x)) return { typed: x.constructor.name, values: Array.from(x as unknown as ArrayLike<number | bigint>, (y) => (typeof y === "bigint" ? `${y}n` : Number.isNaN(y) ? "NaN" : y)) };
    return x;
  });
}

export function formatTally(name: string, t: Tally): string {
  return `${name}: ${t.tried} tried, ${t.same} read right, ${t.typed} typed errors, ${t.crash} crashes, ${t.silent} silent wrong reads`;
}
