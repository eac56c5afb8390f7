import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { isShoalError } from "@shoal/core";
import { openStore } from "@shoal/storage";
import type { Store } from "@shoal/storage";
import { load } from "shoal";
import { ViewerOptionError } from "./errors.ts";
import { pageHtml } from "./node-page.ts";
import { keyFromPath, prefixFromQuery } from "./safe-key.ts";

export interface ServeOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; `127.0.0.1` by default. Any non-loopback host gets a random token in the URL. */
  host?: string;
  /** Show a ClearML-style file dataset (versions, files, added/removed) instead of the tensor grid. */
  files?: boolean;
  /** Force a token even on loopback (tests; shared machines). */
  token?: boolean;
  /** What api/status names as the source; the path or URL by default, "a store" for a Store. */
  label?: string;
}

/** One request the server answered: what the page read, and how (tests check that reads are ranges). */
export interface RequestLogEntry {
  method: string;
  path: string;
  /** The store key, for `store/…` requests. */
  key?: string;
  /** The `Range` header as sent. */
  range?: string;
  status: number;
  /** Body bytes sent. */
  bytes: number;
}

export interface ViewerServer {
  /** The page's URL, token included when there is one. */
  url: string;
  token: string | undefined;
  /** Every request answered, oldest first. */
  requests: RequestLogEntry[];
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
const TYPES: Record<string, string> = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", map: "application/json" };

/**
 * Starts the viewer: the page, its bundle, and the dataset's store read-only under `store/` with byte ranges.
 * `source` is a local path, `file://`, `s3://…`, `http(s)://…` (proxied through the store adapter) or a Store.
 */
export async function serve(source: string | Store, opts: ServeOptions = {}): Promise<ViewerServer> {
  const host = opts.host ?? "127.0.0.1";
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ViewerOptionError(`port must be an integer in 0..65535, got ${String(opts.port)}`);
  if (typeof host !== "string" || host === "" || /[\s/]/.test(host)) throw new ViewerOptionError(`host must be a host name or address, got ${JSON.stringify(opts.host)}`);
  if (typeof source !== "string" && (typeof source !== "object" || source === null || typeof (source as Store).get !== "function")) {
    throw new ViewerOptionError(`source must be a dataset path, URL or Store, got ${source === null ? "null" : typeof source}`);
  }
  if (source === "") throw new ViewerOptionError("source must be a dataset path, URL or Store, got an empty string");
  const store = typeof source === "string" ? await openStore(source, { readOnly: true }) : source;
  const token = opts.token || !LOOPBACK.has(host) ? randomBytes(18).toString("base64url") : undefined;
  const base = token ? `/${token}/` : "/";
  const requests: RequestLogEntry[] = [];
  const label = opts.label ?? (typeof source === "string" ? source : "a store");
  const handler = new Handler(store, base, requests, { files: opts.files ?? false, label });
  const server = createServer((req, res) => void handler.handle(req, res));
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await listen(server, port, host);
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  const urlHost = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${bound}${base}`,
    token,
    requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The bundle sits in dist/app beside the built server; from sources (tests under tsx) it is ../dist/app. */
async function appFile(name: string): Promise<Uint8Array> {
  try {
    return await readFile(new URL(`./${name}`, import.meta.url));
  } catch {
    return await readFile(new URL(`../dist/${name}`, import.meta.url));
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => reject(new ViewerOptionError(`cannot listen on ${host}:${port}: ${e.code ?? e.message}`)));
    server.listen(port, host, () => resolve());
  });
}

class Handler {
  #status: Promise<{ ok: true } | { ok: false; code: string; message: string }> | undefined;
  readonly store: Store;
  readonly base: string;
  readonly requests: RequestLogEntry[];
  readonly opts: { files: boolean; label: string };

  constructor(store: Store, base: string, requests: RequestLogEntry[], opts: { files: boolean; label: string }) {
    this.store = store;
    this.base = base;
    this.requests = requests;
    this.opts = opts;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://viewer.invalid");
    const entry: RequestLogEntry = { method: req.method ?? "GET", path: url.pathname, status: 0, bytes: 0 };
    if (req.headers.range) entry.range = req.headers.range;
    this.requests.push(entry);
    const send = (status: number, body: string | Uint8Array, headers: Record<string, string> = {}) => {
      const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
      entry.status = status;
      entry.bytes = req.method === "HEAD" ? 0 : bytes.byteLength;
      res.writeHead(status, { "content-length": String(bytes.byteLength), "cache-control": "no-store", "x-content-type-options": "nosniff", ...headers });
      res.end(req.method === "HEAD" ? undefined : bytes);
    };
    const text = { "content-type": "text/plain; charset=utf-8" };
    // The raw path, not URL's normalised one: `/a/../b` must be seen (and refused), never silently resolved.
    const raw = (req.url ?? "/").split("?")[0]!;
    if (!raw.startsWith(this.base)) return send(this.base === "/" ? 404 : 403, this.base === "/" ? "not found\n" : "missing or wrong token\n", text);
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "read-only viewer: GET and HEAD only\n", { ...text, allow: "GET, HEAD" });
    const rest = raw.slice(this.base.length);
    try {
      if (rest === "") return send(200, pageHtml({ files: this.opts.files }), { "content-type": "text/html; charset=utf-8" });
      if (rest === "app/app.js" || rest === "app/app.css" || rest === "app/app.js.map") {
        const file = await appFile(rest);
        return send(200, file, { "content-type": TYPES[rest.split(".").pop()!]! });
      }
      if (rest === "api/status") return send(200, JSON.stringify({ source: this.opts.label, files: this.opts.files, ...(await this.status()) }), { "content-type": "application/json" });
      if (rest === "api/list") {
        const prefix = prefixFromQuery(url.searchParams.get("prefix") ?? "");
        const keys: string[] = [];
        for await (const k of this.store.list(prefix)) keys.push(k);
        return send(200, JSON.stringify(keys.sort()), { "content-type": "application/json" });
      }
      if (rest.startsWith("store/")) return await this.serveKey(rest.slice("store/".length), req, entry, send);
      return send(404, "not found\n", text);
    } catch (e) {
      const err = e as Error & { code?: string };
      const status = err.code === "UnsafePathError" || err.code === "InvalidKeyError" ? 400 : isShoalError(e) ? 502 : 500;
      return send(status, `${err.message}\n`, text);
    }
  }

  status() {
    this.#status ??= (async () => {
      if (this.opts.files) return { ok: true as const };
      try {
        const ds = await load(this.store, { readOnly: true });
        await ds.close();
        return { ok: true as const };
      } catch (e) {
        const err = e as Error & { code?: string };
        return { ok: false as const, code: err.code ?? err.name, message: err.message };
      }
    })();
    return this.#status;
  }

  async serveKey(rawKey: string, req: IncomingMessage, entry: RequestLogEntry, send: (s: number, b: string | Uint8Array, h?: Record<string, string>) => void) {
    const key = keyFromPath(rawKey);
    entry.key = key;
    const info = await this.store.head(key);
    if (!info) return send(404, `no key ${JSON.stringify(key)} in the dataset\n`, { "content-type": "text/plain; charset=utf-8" });
    const headers: Record<string, string> = { "accept-ranges": "bytes", "content-type": "application/octet-stream" };
    const range = req.headers.range;
    if (range === undefined) {
      if (req.method === "HEAD") return send(200, new Uint8Array(0), { ...headers, "content-length": String(info.size) });
      return send(200, (await this.store.get(key)) ?? new Uint8Array(0), headers);
    }
    const m = /^bytes=(\d*)-(\d*)$/.exec(range);
    if (!m || (m[1] === "" && m[2] === "")) return send(416, "", { ...headers, "content-range": `bytes */${info.size}` });
    let start: number;
    let end: number;
    if (m[1] === "") {
      start = Math.max(0, info.size - Number(m[2]));
      end = info.size - 1;
    } else {
      start = Number(m[1]);
      end = Math.min(m[2] === "" ? info.size - 1 : Number(m[2]), info.size - 1);
    }
    if (start >= info.size || end < start) return send(416, "", { ...headers, "content-range": `bytes */${info.size}` });
    const body = (await this.store.get(key, { range: { offset: start, length: end - start + 1 } })) ?? new Uint8Array(0);
    return send(206, body, { ...headers, "content-range": `bytes ${start}-${end}/${info.size}` });
  }
}
