/**
 * Option objects are checked for unknown keys: a typo such as `numWorker` would otherwise be ignored silently and the
 * loader would run with the default. The key lists are typed against the option interfaces, so an option added to an
 * interface without being added here fails the build.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { LoaderConfigError } from "./errors.ts";
import type { BatchOptions, DataLoaderOptions, NumpyOptions, SampleByOptions, ShuffleOptions } from "./types.ts";

type Keys<T> = Record<keyof Required<T>, true>;

export const DATALOADER_KEYS = { ignoreErrors: true, verbose: true } satisfies Keys<DataLoaderOptions>;
export const BATCH_KEYS = { dropLast: true } satisfies Keys<BatchOptions>;
export const SHUFFLE_KEYS = { bufferSizeMB: true, seed: true } satisfies Keys<ShuffleOptions>;
export const SAMPLE_BY_KEYS = { replace: true, size: true, seed: true } satisfies Keys<SampleByOptions>;
export const NUMPY_KEYS = {
  numWorkers: true, tensors: true, numThreads: true, prefetchFactor: true, decodeMethod: true, persistentWorkers: true,
  reuseBatches: true, batchReads: true, returnIndex: true, collate: true, distributed: true, spawner: true,
  onProgress: true, signal: true,
} satisfies Keys<NumpyOptions>;

/** Edit distance, to suggest the accepted key a typo was meant to be. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/**
 * Throws InvalidArgumentError when `options` is not a plain object, LoaderConfigError naming the first unknown key
 * and listing the accepted ones (`undefined` and absent are the same; the check is on key names only).
 */
export function checkOptionKeys(where: string, options: unknown, accepted: Record<string, true>): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`[shoal] ${where} options must be an object, got ${options === null ? "null" : Array.isArray(options) ? "an array" : typeof options}`);
  }
  const names = Object.keys(accepted);
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(accepted, key)) continue;
    const near = names.map((n) => [n, distance(key, n)] as const).sort((x, y) => x[1] - y[1])[0];
    const hint = near && near[1] <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean ${near[0]}?)` : "";
    throw new LoaderConfigError(`${where}: unknown option ${JSON.stringify(key)}${hint}; accepted: ${names.join(", ")}`);
  }
}
