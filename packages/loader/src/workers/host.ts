/**
 * The one thing the pool needs from a worker, whatever the runtime: post with transfer, hear results and deaths,
 * terminate. Web Workers and Node's worker_threads both fit behind it.
 * @module
 */

export interface WorkerHost {
  post(message: unknown, transfer: Transferable[]): void;
  /** `onMessage` gets each reply; `onCrash` fires once when the worker dies or throws uncaught. */
  listen(onMessage: (message: unknown) => void, onCrash: (cause: unknown) => void): void;
  terminate(): void;
}

/** Starts one decode worker. */
export type WorkerSpawner = () => WorkerHost;

interface WebWorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: string, listener: (event: { data?: unknown; error?: unknown; message?: string; preventDefault?: () => void }) => void): void;
  terminate(): void;
}
type WebWorkerCtor = new (url: URL, options: { type: "module" }) => WebWorkerLike;

/** Web Workers (browsers, Deno, Bun) running the module at `url`. */
export function webWorkerSpawner(Ctor: WebWorkerCtor, url: URL): WorkerSpawner {
  return () => {
    const w = new Ctor(url, { type: "module" });
    return {
      post: (m, t) => w.postMessage(m, t),
      listen(onMessage, onCrash) {
        w.addEventListener("message", (e) => onMessage(e.data));
        w.addEventListener("error", (e) => {
          // Keep the uncaught error from also killing the host page/process: the pool reports it instead.
          e.preventDefault?.();
          onCrash(e.error ?? new Error(e.message ?? "worker error"));
        });
        w.addEventListener("messageerror", () => onCrash(new Error("worker message could not be deserialised")));
      },
      terminate: () => w.terminate(),
    };
  };
}

interface NodeWorkerLike {
  postMessage(message: unknown, transfer: readonly ArrayBuffer[]): void;
  on(event: string, listener: (arg: unknown) => void): unknown;
  terminate(): unknown;
  unref?(): void;
}
type NodeWorkerCtor = new (url: URL, options?: { workerData?: unknown }) => NodeWorkerLike;

/** True when this Node cannot load .ts modules itself (it can from 22.6 with type stripping, by default from 23.6). */
function needsTsBoot(url: URL): boolean {
  const features = (globalThis as { process?: { features?: { typescript?: unknown } } }).process?.features;
  return url.pathname.endsWith(".ts") && !features?.typescript;
}

/** Node's worker_threads `Worker` class running `url`, typed structurally so this file needs no `node:` import. */
export function nodeWorkerSpawner(Ctor: NodeWorkerCtor, url: URL): WorkerSpawner {
  return () => {
    const w = needsTsBoot(url)
      ? new Ctor(new URL("./tsx-boot-node.mjs", import.meta.url), { workerData: { shoalWorkerEntry: url.href } })
      : new Ctor(url);
    let dead = false;
    return {
      post: (m, t) => w.postMessage(m, t as ArrayBuffer[]),
      listen(onMessage, onCrash) {
        w.on("message", onMessage);
        w.on("error", (e) => {
          dead = true;
          onCrash(e);
        });
        w.on("exit", (code) => {
          if (!dead) onCrash(new Error(`worker exited with code ${String(code)}`));
          dead = true;
        });
      },
      terminate() {
        dead = true;
        void w.terminate();
      },
    };
  };
}
