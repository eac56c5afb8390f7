/** The printout of `log()`, in the spirit of Deep Lake's `ds.log()`. */
import type { CommitDetails } from "./version-control.ts";

export function formatLog(commits: CommitDetails[], opts: { branch?: string } = {}): string {
  const lines: string[] = [];
  if (opts.branch !== undefined) lines.push(`---------------\nShoal Version Log\n---------------\n\nCurrent Branch: ${opts.branch}`);
  for (const c of commits) {
    lines.push(`Commit : ${c.commit} (${c.branch})`, `Author : ${c.author}`, `Time   : ${c.time.toISOString()}`, `Message: ${c.message ?? ""}`, "");
  }
  if (commits.length === 0) lines.push("No commits yet.");
  return lines.join("\n");
}
