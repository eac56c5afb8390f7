/**
 * Child-process entry (scheduler "processes"): runs the compute tasks eval sends over IPC.
 * @module
 */
import process from "node:process";
import type { ToWorker } from "./workers/protocol.ts";
import { createServer } from "./workers/serve.ts";

const serve = createServer((message) => void process.send?.(message));
process.on("message", (message) => void serve(message as ToWorker));
// The parent going away (killed, crashed) closes the channel: nothing is left to work for.
process.on("disconnect", () => process.exit(0));
