/**
 * `@shoal/clearml-compat/node`: everything of the root entry plus local-folder support (Node, Bun, Deno):
 * addFiles/syncFolder walk and hash folders, getLocalCopy/getMutableLocalCopy/verifyDatasetHash write and check
 * files on disk. The CLI imports from here.
 * @module
 */
import { FileDataset as CoreFileDataset } from "./dataset.ts";
import { type PruneCacheOptions, type PruneCacheResult, pruneCache } from "./node-cache.ts";
import { nodeLocalFiles } from "./node-files.ts";
import type { LocalFiles } from "./types.ts";

export * from "./index.ts";
export { createNodeLocalFiles, defaultCacheDir, nodeLocalFiles } from "./node-files.ts";
export { pruneCache } from "./node-cache.ts";
export type { PruneCacheOptions, PruneCacheResult } from "./node-cache.ts";

/**
 * FileDataset with node:fs local-folder support built in.
 *
 * @example
 * import { FileDataset } from "@shoal/clearml-compat/node";
 * import { FileStore } from "@shoal/storage/fs";
 * const ds = await FileDataset.create({ storage: new FileStore("./store"), project: "p", name: "pets" });
 * await ds.addFiles("./images");
 * await ds.finalize({ autoUpload: true });
 * console.log(await ds.getLocalCopy());
 */
export class FileDataset extends CoreFileDataset {
  static override defaultLocal: LocalFiles | undefined = nodeLocalFiles;

  /**
   * Shrinks the local-copy cache to `maxBytes`: least recently used views first, with the objects only they used.
   * The cache is `local`'s (default: the default LocalFiles') unless `cacheDir` is given.
   */
  static pruneCache(opts: Omit<PruneCacheOptions, "cacheDir"> & { cacheDir?: string; local?: LocalFiles }): Promise<PruneCacheResult> {
    const cacheDir = opts?.cacheDir ?? (opts?.local ?? this.defaultLocal ?? nodeLocalFiles).cacheDir();
    return pruneCache({ ...opts, cacheDir });
  }
}
