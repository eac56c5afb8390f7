// Node without native TypeScript (Node 20 under `--import tsx`): tsx's hooks do not reach worker threads, so
// a worker started from the package sources boots here and loads its .ts entry through tsx's API.
// Only used when running from src/; built workers are plain .js.
import { workerData } from "node:worker_threads";

const { tsImport } = await import("tsx/esm/api");
await tsImport(workerData.shoalWorkerEntry, import.meta.url);
