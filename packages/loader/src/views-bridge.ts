/**
 * `.query()` and `.sampleBy()` run through @shoal/views; the loader only needs the resulting View.
 * @module
 */
import { UnsupportedError } from "@shoal/core";
import * as views from "@shoal/views";
import type { View } from "@shoal/views";
import type { SampleByOptions } from "./types.ts";

type Weights = string | readonly number[] | Float32Array | Float64Array;

interface ViewsOps {
  query(source: View, tql: string, opts?: { signal?: AbortSignal }): View | Promise<View>;
  sampleBy(source: View, weights: Weights, opts?: SampleByOptions & { signal?: AbortSignal }): View | Promise<View>;
}

const ops = views as unknown as Partial<ViewsOps>;

export async function runQuery(source: View, tql: string, signal?: AbortSignal): Promise<View> {
  if (!ops.query) throw new UnsupportedError("query", "[shoal] this build of @shoal/views has no query()");
  return views.view(await ops.query(source, tql, { signal }));
}

export async function runSampleBy(source: View, weights: Weights, opts: SampleByOptions, signal?: AbortSignal): Promise<View> {
  if (!ops.sampleBy) throw new UnsupportedError("sampleBy", "[shoal] this build of @shoal/views has no sampleBy()");
  return views.view(await ops.sampleBy(source, weights, { ...opts, signal }));
}

export type { Weights };
