// Figures of a run, appended as JSON lines to the file SHOAL_RELIABILITY_OUT names (npm run torture sets it).
export async function report(part: string, figures: Record<string, unknown>): Promise<void> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const out = env?.SHOAL_RELIABILITY_OUT;
  if (!out) return;
  const { appendFileSync } = (await import("node:fs")) as typeof import("node:fs");
  appendFileSync(out, `${JSON.stringify({ part, runtime: env?.SHOAL_RUNTIME ?? "node", ...figures })}\n`);
}
