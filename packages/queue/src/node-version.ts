/**
 * The installed @shoal/queue version, read from its package.json (beside src/ and dist/ alike), so the producer
 * and each worker can compare what they run.
 * @module
 */
import { readFileSync } from "node:fs";

let cached: string | undefined;

export function installedVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
  return cached;
}
