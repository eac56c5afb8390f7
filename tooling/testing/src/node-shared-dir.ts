import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The project's `shared/` folder (research notes, fixtures written by Python), which sits beside the repository
 * root — in a developer's checkout and in CI's fresh clone alike. `SHOAL_SHARED_DIR` overrides it.
 */
export function sharedDir(): string {
  const fromEnv = process.env.SHOAL_SHARED_DIR;
  if (fromEnv) return fromEnv;
  // This file is tooling/testing/{src,dist}/…: three levels up is the repository root, and shared/ is its sibling.
  const candidate = fileURLToPath(new URL("../../../../shared", import.meta.url));
  if (!existsSync(candidate)) throw new Error(`shared/ not found at ${candidate}; set SHOAL_SHARED_DIR`);
  return candidate;
}
