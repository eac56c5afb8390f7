// Node without native TypeScript (Node 20 under `--import tsx`): tsx's hooks do not reach worker threads, so a
// worker started from the package sources registers tsx here, then loads its .ts entry (and the user's .ts
// transform modules). Only used when running from src/; built workers are plain .js.
import { workerData } from "node:worker_threads";

const { register } = await import("tsx/esm/api");
register();
await import(workerData.shoalWorkerEntry);
