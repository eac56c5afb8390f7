/**
 * worker_threads entry (Node): decodes the batches the loader posts.
 * @module
 */
import { parentPort } from "node:worker_threads";
import type { DecodeRequest } from "./workers/protocol.ts";
import { serve } from "./workers/serve.ts";

const port = parentPort;
if (port) port.on("message", (request: DecodeRequest) => void serve(request, (message, transfer) => port.postMessage(message, transfer)));
