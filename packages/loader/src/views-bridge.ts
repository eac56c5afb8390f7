/**
 * `.query()` and `.sampleBy()` run through @shoal/views; the loader only needs the resulting View.
 * @module
 */
import { type View, query, sampleBy, view } from "@shoal/views";
import type { SampleByOptions } from "./types.ts";

export type Weights = string | ArrayLike<number>;

export async function runQuery(source: View, tql: string, signal?: AbortSignal): Promise<View> {
  return view(await query(source, tql, { signal }));
}

export async function runSampleBy(source: View, weights: Weights, opts: SampleByOptions, signal?: AbortSignal): Promise<View> {
  return view(await sampleBy(source, weights, { ...opts, signal }));
}
