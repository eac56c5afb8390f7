// A decode worker that dies on its first request (an uncaught error), on Web Workers and worker_threads alike.
interface Scope {
  postMessage?: unknown;
  onmessage?: unknown;
  process?: { getBuiltinModule?: (id: string) => unknown };
}
const g = globalThis as unknown as Scope;
const threads = g.process?.getBuiltinModule?.("node:worker_threads") as { parentPort?: { on(e: string, f: () => void): void } | null } | undefined;
if (threads?.parentPort) {
  threads.parentPort.on("message", () => {
    throw new Error("worker boom");
  });
} else {
  g.onmessage = () => {
    throw new Error("worker boom");
  };
}
