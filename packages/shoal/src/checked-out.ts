/**
 * The branch a dataset was last checked out on (`checkout.json`, FORMAT.md §8.4), so the next `load()` without a
 * branch reopens there, as git's HEAD does: a shell session of `shoal checkout ds dev` then `shoal commit ds` commits
 * to dev. Advisory and unversioned: a torn or stale record (its branch deleted) falls back to the default branch.
 * @module
 */
import { sealJson, unsealJson } from "@shoal/core";
import type { Store } from "@shoal/storage";

export const CHECKED_OUT_KEY = "checkout.json";

export async function readCheckedOutBranch(store: Store, signal?: AbortSignal): Promise<string | undefined> {
  const bytes = await store.get(CHECKED_OUT_KEY, { signal });
  if (!bytes) return undefined;
  const r = unsealJson(bytes);
  const branch = r.ok && typeof r.value === "object" && r.value !== null ? (r.value as { branch?: unknown }).branch : undefined;
  return typeof branch === "string" && branch !== "" ? branch : undefined;
}

export async function rememberCheckedOutBranch(store: Store, branch: string, signal?: AbortSignal): Promise<void> {
  await store.set(CHECKED_OUT_KEY, sealJson({ branch }), { signal });
}
