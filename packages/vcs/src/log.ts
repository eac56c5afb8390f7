/** The printout of `log()`, in the spirit of Deep Lake's `ds.log()`. */
import { InvalidArgumentError } from "@shoal/core";
import type { CommitDetails } from "./version-control.ts";

export function formatLog(commits: CommitDetails[], opts: { branch?: string } = {}): string {
  if (!Array.isArray(commits)) throw new InvalidArgumentError("[shoal] formatLog takes the CommitDetails list of log() / commits()");
  commits.forEach((c, i) => {
    if (typeof c !== "object" || c === null || !(c.time instanceof Date)) throw new InvalidArgumentError(`[shoal] formatLog: entry ${i} is not a CommitDetails (commit, author, time: Date, message, branch)`);
  });
  const lines: string[] = [];
  if (opts.branch !== undefined) lines.push(`---------------\nShoal Version Log\n---------------\n\nCurrent Branch: ${opts.branch}`);
  for (const c of commits) {
    lines.push(`Commit : ${c.commit} (${c.branch})`, `Author : ${c.author}`, `Time   : ${c.time.toISOString()}`, `Message: ${c.message ?? ""}`, "");
  }
  if (commits.length === 0) lines.push("No commits yet.");
  return lines.join("\n");
}
