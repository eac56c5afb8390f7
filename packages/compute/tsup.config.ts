import { defineConfig } from "tsup";
import { packageConfig } from "../../tsup.shared.ts";

// The workers are entries of their own: the pool starts them by URL next to the bundle. The tsx boot file travels
// beside them for Node 20 users whose transform modules are TypeScript.
export default defineConfig(
  packageConfig(
    { index: "src/index.ts", "compute-worker": "src/compute-worker.ts", "node-compute-worker": "src/node-compute-worker.ts", "node-compute-process": "src/node-compute-process.ts" },
    { dts: { entry: { index: "src/index.ts" } }, onSuccess: "cp src/workers/tsx-boot-node.mjs dist/tsx-boot-node.mjs" },
  ),
);
