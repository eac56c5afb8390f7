import { defineConfig } from "tsup";
import { packageConfig } from "../../tsup.shared.ts";

// The thread workers are entries of their own: the pool starts them by URL next to the bundle.
export default defineConfig(
  packageConfig(
    { index: "src/index.ts", "compute-worker": "src/compute-worker.ts", "node-compute-worker": "src/node-compute-worker.ts", "node-compute-process": "src/node-compute-process.ts" },
    { dts: { entry: { index: "src/index.ts" } } },
  ),
);
