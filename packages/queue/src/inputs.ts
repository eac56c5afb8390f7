/**
 * Inputs travel through Redis as JSON: numbers, strings, booleans, null, arrays and plain objects. Anything else
 * (typed arrays, functions, bigints, class instances) is refused with the sample's index before a task is queued.
 * @module
 */
import { QueueInputError } from "./errors.ts";

export function assertJsonSamples(samples: readonly unknown[]): void {
  samples.forEach((s, i) => {
    const bad = firstNonJson(s, 0);
    if (bad) throw new QueueInputError(`[shoal] queue input ${i} holds ${bad}, which cannot travel to workers as JSON: pass paths, URLs or plain values`);
  });
}

function firstNonJson(v: unknown, depth: number): string | undefined {
  if (v === null || typeof v === "string" || typeof v === "boolean") return undefined;
  if (typeof v === "number") return Number.isFinite(v) ? undefined : `the number ${v}`;
  if (typeof v !== "object") return `a ${typeof v}`;
  if (depth > 64) return "an object nested over 64 levels";
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (Array.isArray(v)) {
    for (const x of v) {
      const bad = firstNonJson(x, depth + 1);
      if (bad) return bad;
    }
    return undefined;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return `a ${(v as object).constructor?.name ?? "class"} instance`;
  for (const x of Object.values(v as Record<string, unknown>)) {
    const bad = firstNonJson(x, depth + 1);
    if (bad) return bad;
  }
  return undefined;
}
