import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
export const demoData = fileURLToPath(new URL("../demo-data", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How the runtime running this test runs a JS file, so the CLI is exercised on Node, Bun and Deno alike. */
function runtimeCommand(): [string, string[]] {
  const runtime = process.env.SHOAL_RUNTIME ?? "node";
  if (runtime === "deno") return [process.execPath, ["run", "-A", "--quiet", bin]];
  return [process.execPath, [bin]];
}

export function cli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const [cmd, pre] = runtimeCommand();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...pre, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

export async function cliJson<T = unknown>(args: string[]): Promise<T> {
  const r = await cli([...args, "--json"]);
  if (r.code !== 0) throw new Error(`shoal ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** `--json` output of a command that prints JSON Lines (query): one parsed object per line. */
export async function cliJsonLines<T = Record<string, unknown>>(args: string[]): Promise<T[]> {
  const r = await cli([...args, "--json"]);
  if (r.code !== 0) throw new Error(`shoal ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as T);
}
