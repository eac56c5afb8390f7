/**
 * One worker, whatever it is: a Web Worker (browsers, Deno, Bun), a Node worker_thread or a child process. The pool
 * only posts, listens and terminates.
 * @module
 */

export interface WorkerHost {
  post(message: unknown, transfer: ArrayBuffer[]): void;
  /** `onMessage` gets each reply; `onCrash` fires once when the worker dies or throws uncaught. */
  listen(onMessage: (message: unknown) => void, onCrash: (cause: unknown) => void): void;
  terminate(): void;
}

/** Starts one worker; `typescript` says the transform modules it will import are .ts files. */
export type WorkerSpawner = (opts?: { typescript?: boolean }) => WorkerHost;

interface WebWorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: string, listener: (event: { data?: unknown; error?: unknown; message?: string; preventDefault?: () => void }) => void): void;
  terminate(): void;
}
export type WebWorkerCtor = new (url: URL, options: { type: "module" }) => WebWorkerLike;

export function webWorkerSpawner(Ctor: WebWorkerCtor, url: URL): WorkerSpawner {
  return () => {
    const w = new Ctor(url, { type: "module" });
    return {
      post: (m, t) => w.postMessage(m, t),
      listen(onMessage, onCrash) {
        w.addEventListener("message", (e) => onMessage(e.data));
        w.addEventListener("error", (e) => {
          e.preventDefault?.();
          onCrash(e.error ?? new Error(e.message ?? "worker error"));
        });
        w.addEventListener("messageerror", () => onCrash(new Error("worker message could not be deserialised")));
      },
      terminate: () => w.terminate(),
    };
  };
}

interface EmitterLike {
  on(event: string, listener: (arg: unknown) => void): unknown;
}
interface NodeWorkerLike extends EmitterLike {
  postMessage(message: unknown, transfer: readonly ArrayBuffer[]): void;
  terminate(): unknown;
}
export type NodeWorkerCtor = new (url: URL, options?: { workerData?: unknown }) => NodeWorkerLike;

/** True when this Node cannot load .ts modules itself (native type stripping arrived in 22.6, on by default in 23.6). */
export function needsTsBoot(url: URL, typescriptModules = false): boolean {
  const features = (globalThis as { process?: { features?: { typescript?: unknown }; versions?: { bun?: string; deno?: string } } }).process;
  const stripsTypes = Boolean(features?.features?.typescript || features?.versions?.bun || features?.versions?.deno);
  return !stripsTypes && (typescriptModules || url.pathname.endsWith(".ts"));
}

export function nodeWorkerSpawner(Ctor: NodeWorkerCtor, url: URL): WorkerSpawner {
  return (opts) => {
    const w = needsTsBoot(url, opts?.typescript) ? new Ctor(new URL("./tsx-boot-node.mjs", import.meta.url), { workerData: { shoalWorkerEntry: url.href } }) : new Ctor(url);
    return emitterHost(w, (m, t) => w.postMessage(m, t), () => void w.terminate());
  };
}

interface ChildLike extends EmitterLike {
  send(message: unknown): unknown;
  kill(signal?: string): unknown;
}
export type ForkFn = (modulePath: string, args: string[], options: { serialization: "advanced"; execArgv: string[]; stdio: unknown }) => ChildLike;

/** Child processes (Node, Bun) running `url`, talking over IPC with structured-clone serialization. */
export function processSpawner(fork: ForkFn, url: URL, execArgv: string[] = []): WorkerSpawner {
  return (opts) => {
    const tsArgs = needsTsBoot(url, opts?.typescript) ? ["--import", "tsx"] : [];
    const child = fork(decodeURIComponent(url.pathname), [], { serialization: "advanced", execArgv: [...tsArgs, ...execArgv], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    return emitterHost(child, (m) => void child.send(m), () => void child.kill());
  };
}

function emitterHost(w: EmitterLike, post: WorkerHost["post"], kill: () => void): WorkerHost {
  let dead = false;
  return {
    post,
    listen(onMessage, onCrash) {
      w.on("message", onMessage);
      w.on("error", (e) => {
        if (!dead) onCrash(e);
        dead = true;
      });
      w.on("exit", (code) => {
        if (!dead) onCrash(new Error(`worker exited with code ${String(code)}`));
        dead = true;
      });
    },
    terminate() {
      dead = true;
      kill();
    },
  };
}
