/**
 * The `numWorkers` / `scheduler` options of filter, copy, rechunk and optimize. A filter by a compute function runs
 * on @shoal/compute's workers (threads or processes: the predicate is CPU work over decoded samples); copy, rechunk
 * and optimize move stored bytes, so their workers are concurrent I/O lanes in this thread, which is what bounds them.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { Transform, filterPositions } from "@shoal/compute";
import { type FilterFunction, type FilterOptions, type TensorSource, type View, filter as filterRows, view as viewOf } from "@shoal/views";

export interface WorkerOptions {
  /** Parallel lanes (default 0: one at a time). */
  numWorkers?: number;
  /** Filter by a compute function: "threads" (default with numWorkers) or "processes"; "serial" runs it here. */
  scheduler?: "serial" | "threads" | "processes";
  /** Draw a progress bar on stderr (filter by a compute function). */
  progressbar?: boolean;
}

export type ParallelFilterOptions = FilterOptions & WorkerOptions;

export function checkWorkers(n: unknown, what: string): number {
  if (n === undefined) return 0;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`[shoal] ${what}: numWorkers must be a whole number ≥ 0, got ${String(n)}`);
  return n;
}

/** `filter(fn | "tql" | computeFn(args), opts)`: a compute function goes to workers; the rest to @shoal/views. */
export async function filterWith(source: TensorSource, predicate: FilterFunction | string | Transform, opts: ParallelFilterOptions = {}): Promise<View> {
  const workers = checkWorkers(opts.numWorkers, "filter");
  if (predicate instanceof Transform) {
    const input = viewOf(source);
    const scheduler = opts.scheduler ?? (workers > 0 ? "threads" : "serial");
    const kept = await filterPositions(predicate, input, { numWorkers: workers, scheduler, progressbar: opts.progressbar, onProgress: opts.onProgress, signal: opts.signal });
    return input.withPositions(kept, { query: `UDF: ${predicate.stages[0]!.name}` });
  }
  if (workers > 0 && typeof predicate === "function") {
    throw new InvalidArgumentError(
      `[shoal] filter with numWorkers runs the predicate in workers, which import it: wrap it as compute(function ${predicate.name || "keep"}(row, ...args) { … }, { module: import.meta.url }) and export it`,
    );
  }
  return filterRows(source, predicate as FilterFunction | string, opts);
}

/** Runs `fn` over `items` with at most `lanes` in flight (one when 0); the first failure stops new starts and is thrown. */
export async function eachConcurrent<T>(items: readonly T[], lanes: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { e: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        await fn(items[i]!, i);
      } catch (e) {
        failed ??= { e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes || 1, items.length)) }, lane));
  if (failed) throw failed.e;
}
