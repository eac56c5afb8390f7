import { InvalidArgumentError } from "@shoal/core";

/** Runs `fn` over `items` with at most `limit` in flight; the first failure rejects (others are left to settle). */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      signal?.throwIfAborted();
      const i = next++;
      try {
        await fn(items[i] as T, i);
      } catch (e) {
        // Stop the other workers from starting new items: a failed run should not keep writing.
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** A validated `maxWorkers` option: a positive integer, or `fallback` when undefined. */
export function workerCount(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`[shoal] [files] maxWorkers must be a positive integer, got ${String(value)}`);
  return value;
}
