// Ceiling worker for loader.bench.ts: decodes the given JPEGs in a tight loop with jpeg-js, reports images/s.
import { parentPort, workerData } from "node:worker_threads";
import jpeg from "jpeg-js";

const { files, rounds } = workerData;
for (const f of files.slice(0, 32)) jpeg.decode(f, { useTArray: true, formatAsRGBA: false }); // JIT warm-up
const t0 = performance.now();
let n = 0;
for (let r = 0; r < rounds; r++) for (const f of files) { jpeg.decode(f, { useTArray: true, formatAsRGBA: false }); n++; }
parentPort.postMessage({ n, seconds: (performance.now() - t0) / 1000 });
