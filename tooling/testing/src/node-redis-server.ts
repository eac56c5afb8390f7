import { spawn } from "node:child_process";
import { createConnection, createServer } from "node:net";

export interface TestRedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts the machine's real `redis-server` (Debian's package; `.ci/run` installs it) on a free loopback port, with
 * persistence off so nothing outlives the test.
 */
export async function startRedisServer(opts: { startTimeoutMs?: number } = {}): Promise<TestRedisServer> {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Uint8Array) => (output += new TextDecoder().decode(d)));
  child.stderr?.on("data", (d: Uint8Array) => (output += new TextDecoder().decode(d)));
  let exited = false;
  let spawnError: Error | undefined;
  child.once("error", (e) => (spawnError = e));
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill("SIGTERM");
    await Promise.race([exit, new Promise((r) => setTimeout(r, 3000))]);
    if (!exited) child.kill("SIGKILL");
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 10_000);
  while (!(await answersPing(port))) {
    if (spawnError) throw new Error(`redis-server could not start (is it installed? apt install redis-server): ${spawnError.message}`);
    if (exited) throw new Error(`redis-server exited before answering: ${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not answer on port ${port} within the start timeout: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}

/** One RESP PING over a raw socket: no client library needed to tell the server is up. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.setTimeout(500);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (d) => {
      socket.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
