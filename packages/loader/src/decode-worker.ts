/**
 * Web Worker entry (browsers, Deno, Bun): decodes the batches the loader posts.
 * @module
 */
import type { DecodeRequest } from "./workers/protocol.ts";
import { serve } from "./workers/serve.ts";

interface WorkerScope {
  onmessage: ((event: { data: DecodeRequest }) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (event) => void serve(event.data, (message, transfer) => scope.postMessage(message, transfer));
