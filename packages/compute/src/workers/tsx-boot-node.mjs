// Node without native TypeScript (Node 20 under `--import tsx`): tsx's hooks do not reach worker threads, so a
// worker that will import .ts modules (the package's own sources, or a user's .ts transform modules) registers tsx
// here first, then loads its entry.
import { workerData } from "node:worker_threads";

const { register } = await import("tsx/esm/api");
register();
await import(workerData.shoalWorkerEntry);
