/**
 * Deep Lake 3.x datasets from the facade: `openDeepLake` reads one in place (read-only, lazily) from a path, URL or
 * Store, as a TensorSource that `query`, views and `dataloader` work over.
 * @module
 */
import { type DeepLakeDataset, type OpenDeepLakeOptions, openDeepLake as openDeepLakeStore } from "@shoal/deeplake-compat";
import type { Store } from "@shoal/storage";
import { type OpenCommonOptions, resolveStore } from "./open.ts";

export interface OpenDeepLakeAtOptions extends OpenDeepLakeOptions, Pick<OpenCommonOptions, "creds" | "storeOptions"> {}

/**
 * Opens the Deep Lake 3.x (or hub 2.x) dataset at `path` (local path, `s3://`, `http(s)://`, or a Store) read-only,
 * at the HEAD of `branch` (default main) or at `commitId`. Nothing is ever written to it.
 * @example const dl = await openDeepLake("./my_deeplake"); for await (const b of dataloader(dl).batch(32).numpy()) train(b);
 */
export async function openDeepLake(path: string | Store, opts: OpenDeepLakeAtOptions = {}): Promise<DeepLakeDataset> {
  const { creds, storeOptions, ...rest } = opts;
  const { store } = await resolveStore(path, { creds, storeOptions, signal: opts.signal });
  return openDeepLakeStore(store, rest);
}
