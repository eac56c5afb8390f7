// A Node child process SIGKILLed at a chosen moment: `killAt` sees each line it prints and may return a delay in
// ms after which it dies (the first such answer wins). Lines printed before the kill say what had completed.
import { spawn } from "node:child_process";

export interface Killed {
  lines: string[][];
  stderr: string;
  /** False when the SIGKILL ended it; true when it exited (or failed) on its own first. */
  exited: boolean;
}

const root = new URL("../../../", import.meta.url).pathname;

export function runAndKill(script: string, args: string[], killAt: (line: string[]) => number | undefined): Promise<Killed> {
  return new Promise((resolve) => {
    const p = spawn("node", [script, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    const t: Killed = { lines: [], stderr: "", exited: false };
    let buf = "";
    let armed = false;
    p.stdout.on("data", (d: Uint8Array) => {
      buf += new TextDecoder().decode(d);
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl).split(" ");
        buf = buf.slice(nl + 1);
        t.lines.push(line);
        const delay = armed ? undefined : killAt(line);
        if (delay !== undefined) {
          armed = true;
          setTimeout(() => p.kill("SIGKILL"), delay);
        }
      }
    });
    p.stderr.on("data", (d: Uint8Array) => (t.stderr += new TextDecoder().decode(d)));
    p.on("close", (_code, signal) => {
      t.exited = signal !== "SIGKILL";
      resolve(t);
    });
  });
}

/** What fixVc() actually repaired: its report also lists every branch and live manifest, which are not repairs. */
export function repairsOf(fix: { orphanCommits: string[]; orphanChanges: string[]; staleRefs: string[]; repairedBranches: string[] }): number {
  return fix.orphanCommits.length + fix.orphanChanges.length + fix.staleRefs.length + fix.repairedBranches.length;
}
