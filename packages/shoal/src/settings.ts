/**
 * Unversioned dataset settings at `settings.json`: `allowDelete` and the *names* of credentials keys (never their
 * values, which stay in memory).
 * @module
 */
import { sealJson, unsealJson } from "@shoal/core";
import type { Store } from "@shoal/storage";

export const SETTINGS_KEY = "settings.json";

export interface Settings {
  allowDelete: boolean;
  credsKeys: { name: string; managed: boolean }[];
}

export function defaultSettings(): Settings {
  return { allowDelete: true, credsKeys: [] };
}

export async function readSettings(store: Store, signal?: AbortSignal): Promise<Settings> {
  const bytes = await store.get(SETTINGS_KEY, { signal });
  if (!bytes) return defaultSettings();
  const r = unsealJson(bytes);
  // Settings are advisory; a torn or damaged file falls back to the defaults rather than making the dataset unreadable.
  if (!r.ok || typeof r.value !== "object" || r.value === null) return defaultSettings();
  const v = r.value as Partial<Settings>;
  return {
    allowDelete: v.allowDelete !== false,
    credsKeys: Array.isArray(v.credsKeys) ? v.credsKeys.filter((k) => typeof k?.name === "string").map((k) => ({ name: k.name, managed: k.managed === true })) : [],
  };
}

export async function writeSettings(store: Store, s: Settings, signal?: AbortSignal): Promise<void> {
  await store.set(SETTINGS_KEY, sealJson(s), { signal });
}
