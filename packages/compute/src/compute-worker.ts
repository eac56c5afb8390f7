/**
 * Web Worker entry (browsers, Deno, Bun): runs the compute tasks eval posts.
 * @module
 */
import type { ToWorker } from "./workers/protocol.ts";
import { createServer } from "./workers/serve.ts";

interface WorkerScope {
  onmessage: ((event: { data: ToWorker }) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;
const serve = createServer((message, transfer) => scope.postMessage(message, transfer));
scope.onmessage = (event) => void serve(event.data);
