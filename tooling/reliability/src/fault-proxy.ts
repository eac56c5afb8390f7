// Starts test/fixtures/fault-proxy.mjs (a fault-injecting HTTP proxy) in its own Node process and reads its figures.
import { spawn } from "node:child_process";

export const FAULT_KINDS = ["500", "503 SlowDown", "reset", "truncated", "stall"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface ProxyStats {
  requests: number;
  forwarded: number;
  faults: Record<FaultKind, number>;
  /** Faults injected after the server had acted on the request (its answer lost, cut or delayed). */
  afterForward: number;
  /** Requests repeating a faulted one (same method and URL): the client's retries. */
  retries: number;
  retryGapsMs: number[];
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: use as the S3 endpoint. */
  url: string;
  stats(): Promise<ProxyStats>;
  /** Fault probability per request (0 turns faults off, e.g. to read a clean copy through the same endpoint). */
  setRate(rate: number): Promise<void>;
  stop(): Promise<void>;
}

const script = new URL("../test/fixtures/fault-proxy.mjs", import.meta.url).pathname;

export async function startFaultProxy(opts: { upstream: string; seed: number; rate: number; stallMs: number }): Promise<FaultProxy> {
  const child = spawn("node", [script, opts.upstream, String(opts.seed >>> 0), String(opts.rate), String(opts.stallMs)], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Uint8Array) => (stderr += new TextDecoder().decode(d)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Uint8Array) => {
      out += new TextDecoder().decode(d);
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`fault proxy exited (${code}) before listening: ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async stats() {
      const res = await fetch(`${url}/__proxy/stats`);
      return (await res.json()) as ProxyStats;
    },
    async setRate(rate) {
      const res = await fetch(`${url}/__proxy/rate?value=${rate}`, { method: "PUT" });
      await res.body?.cancel();
    },
    async stop() {
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
