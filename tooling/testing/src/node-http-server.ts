import { createServer } from "node:http";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { SuiteStore } from "./store-types.ts";

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Wait this long before answering (for timeout tests). */
  delayMs?: number;
  /** Announce the whole body's Content-Length, send only this many bytes, then drop the connection. */
  truncateAfter?: number;
}

export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 that answers each request with whatever `respond` returns: for error paths
 * (403, 500, slow or truncated answers) that real services produce but are hard to provoke on demand.
 */
export async function startHttpServer(respond: (req: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>): Promise<TestHttpServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const server = createServer((req, res) => {
    void (async () => {
      const recorded = await record(req);
      requests.push(recorded);
      let answer: ScriptedResponse;
      try {
        answer = await respond(recorded);
      } catch (e) {
        answer = { status: 500, body: `test server handler failed: ${String(e)}` };
      }
      if (answer.delayMs) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, answer.delayMs);
          timers.add(timer);
        });
      }
      if (res.destroyed) return;
      const body = typeof answer.body === "string" ? new TextEncoder().encode(answer.body) : (answer.body ?? new Uint8Array(0));
      const headers: Record<string, string> = { "content-length": String(body.byteLength), ...answer.headers };
      res.writeHead(answer.status, headers);
      if (answer.truncateAfter !== undefined) {
        res.write(body.subarray(0, answer.truncateAfter), () => res.destroy());
        return;
      }
      res.end(req.method === "HEAD" ? undefined : body);
    })();
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function record(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of req) chunks.push(chunk as Uint8Array);
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return { method: req.method ?? "GET", url: req.url ?? "/", headers, body };
}

/**
 * Serves a store's keys over HTTP like a static file server: GET and HEAD, `Range: bytes=a-b` → 206 (clipped to
 * the object, 416 with `Content-Range: bytes *\/size` past the end), ETag from the store's version, 404 when missing.
 */
export function serveStore(store: SuiteStore, opts?: { basePath?: string }): Promise<TestHttpServer> {
  const base = opts?.basePath ?? "/";
  return startHttpServer(async (req) => {
    const path = req.url.split("?")[0] ?? "";
    if (!path.startsWith(base)) return { status: 404 };
    if (req.method !== "GET" && req.method !== "HEAD") return { status: 405 };
    const key = path.slice(base.length).split("/").map(decodeURIComponent).join("/");
    let info;
    try {
      info = await store.head(key);
    } catch {
      return { status: 400 };
    }
    if (!info) return { status: 404 };
    const headers: Record<string, string> = { "accept-ranges": "bytes" };
    if (info.version !== undefined) headers.etag = `"${info.version}"`;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (!range) {
      const body = req.method === "HEAD" ? new Uint8Array(0) : ((await store.get(key)) ?? new Uint8Array(0));
      return { status: 200, headers: req.method === "HEAD" ? { ...headers, "content-length": String(info.size) } : headers, body };
    }
    const start = Number(range[1]);
    const end = Math.min(range[2] ? Number(range[2]) : info.size - 1, info.size - 1);
    if (start >= info.size || end < start) return { status: 416, headers: { ...headers, "content-range": `bytes */${info.size}` } };
    const body = (await store.get(key, { range: { offset: start, length: end - start + 1 } })) ?? new Uint8Array(0);
    return { status: 206, headers: { ...headers, "content-range": `bytes ${start}-${end}/${info.size}` }, body };
  });
}
