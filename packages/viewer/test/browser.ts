import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";

/** Debian's chromium (apt), never a downloaded one. */
export const CHROMIUM = process.env.SHOAL_CHROMIUM ?? "/usr/bin/chromium";

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: apt-get install -y chromium (see .ci/run)`);
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
}
