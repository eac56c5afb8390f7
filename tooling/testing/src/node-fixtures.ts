import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Test } from "uvu";

// src/ and dist/ both sit one level under tooling/testing, so the same relative URL finds the fixtures from either.
const VENDORED_ROOT = fileURLToPath(new URL("../fixtures", import.meta.url));

/** A fixture committed in this repository under tooling/testing/fixtures (see its README for source and licence). */
export function vendoredFixture(...parts: string[]): string {
  const path = join(VENDORED_ROOT, ...parts);
  if (!existsSync(path)) throw new Error(`vendored fixture missing: ${path}`);
  return path;
}

/**
 * The project's `shared/` folder, when this checkout has one beside it (a developer's machine, CI) or
 * `SHOAL_SHARED_DIR` names it; a plain clone has none.
 */
export function sharedDirIfPresent(): string | undefined {
  const fromEnv = process.env.SHOAL_SHARED_DIR;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  // tooling/testing/{src,dist}/ → three levels up is the repository root; shared/ is its sibling.
  const candidate = fileURLToPath(new URL("../../../../shared", import.meta.url));
  return existsSync(candidate) ? candidate : undefined;
}

/**
 * A fixture that cannot be vendored (its source repository grants no licence to redistribute it), read from
 * shared/ when present. `undefined` on a plain clone: its tests report themselves skipped instead of failing.
 */
export function sharedFixture(...parts: string[]): string | undefined {
  const dir = sharedDirIfPresent();
  if (!dir) return undefined;
  const path = join(dir, ...parts);
  return existsSync(path) ? path : undefined;
}

/**
 * `test`, but only when `path` exists. Otherwise each test prints `skipped: <label> absent: <name>`, the line
 * scripts/test.mjs counts as skipped (CI runs with shared/ present and fails on any skip).
 */
export function testWithFixture<T extends Test>(test: T, path: string | undefined, label: string): (name: string, fn: () => unknown) => void {
  return (name, fn) => {
    if (path !== undefined) test(name, fn as () => void);
    else console.log(`skipped: ${label} absent: ${name}`);
  };
}
