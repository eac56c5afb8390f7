import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface TestS3Server {
  /** `http://127.0.0.1:<port>`; use with `forcePathStyle: true`. */
  endpoint: string;
  bucket: string;
  /** Credentials s3rver accepts (it does not check signatures). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

/**
 * Starts a real S3-compatible server (s3rver) in its own Node process on 127.0.0.1, with `bucket` created and its
 * data in a fresh temporary directory. The `node` on PATH runs it even when the tests run under Bun or Deno, and
 * `--openssl-legacy-provider` keeps its ListObjectsV2 continuation tokens working on Node ≥ 17.
 */
export async function startS3Server(opts: { bucket: string; startTimeoutMs?: number }): Promise<TestS3Server> {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(opts.bucket)) throw new TypeError(`startS3Server: invalid bucket name ${JSON.stringify(opts.bucket)}`);
  const script = findS3rver();
  const dir = await mkdtemp(join(tmpdir(), "shoal-s3rver-"));
  const port = await freePort();
  const child = spawn("node", ["--openssl-legacy-provider", script, "-d", dir, "-a", "127.0.0.1", "-p", String(port), "--configure-bucket", opts.bucket], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Uint8Array) => (stderr += new TextDecoder().decode(d)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill("SIGTERM");
      await Promise.race([exit, new Promise((r) => setTimeout(r, 3000))]);
      if (!exited) child.kill("SIGKILL");
    }
    await rm(dir, { recursive: true, force: true });
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`s3rver exited before answering: ${stderr}`);
    }
    try {
      const res = await fetch(`${endpoint}/${opts.bucket}?list-type=2&max-keys=1`);
      await res.body?.cancel();
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`s3rver did not answer on ${endpoint} within the start timeout: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint, bucket: opts.bucket, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }, stop };
}

/** s3rver is a devDependency of the repository root: look for it from this file upwards. */
function findS3rver(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "node_modules", "s3rver", "bin", "s3rver.js");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("s3rver is not installed (node_modules/s3rver/bin/s3rver.js not found)");
    dir = parent;
  }
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
