/**
 * The branch a dataset was last checked out on (`checkout.json`, FORMAT.md §8.4), so the next `load()` without a
 * branch reopens there, as git's HEAD does: a shell session of `shoal checkout ds dev` then `shoal commit ds` commits
 * to dev. Advisory and unversioned: a torn or stale record (its branch deleted) falls back to the default branch.
 * @module
 */
import type { Store } from "@shoal/storage";

export const CHECKED_OUT_KEY = "checkout.json";

export async function readCheckedOutBranch(store: Store, signal?: AbortSignal): Promise<string | undefined> {
  const bytes = await store.get(CHECKED_OUT_KEY, { signal });
  if (!bytes) return undefined;
  try {
    const v = JSON.parse(new TextDecoder().decode(bytes)) as { branch?: unknown };
    return typeof v.branch === "string" && v.branch !== "" ? v.branch : undefined;
  } catch {
    return undefined;
  }
}

export async function rememberCheckedOutBranch(store: Store, branch: string, signal?: AbortSignal): Promise<void> {
  await store.set(CHECKED_OUT_KEY, new TextEncoder().encode(JSON.stringify({ branch })), { signal });
}
