/**
 * worker_threads entry (Node): runs the compute tasks eval posts.
 * @module
 */
import { parentPort } from "node:worker_threads";
import type { ToWorker } from "./workers/protocol.ts";
import { createServer } from "./workers/serve.ts";

const port = parentPort;
if (port) {
  const serve = createServer((message, transfer) => port.postMessage(message, transfer));
  port.on("message", (message: ToWorker) => void serve(message));
}
