import { defineConfig } from "tsup";
import { packageConfig } from "../../tsup.shared.ts";

// The decode workers are entries of their own: the pool starts them by URL next to the bundle.
export default defineConfig(
  packageConfig(
    {
      index: "src/index.ts",
      tfjs: "src/tfjs.ts",
      onnx: "src/onnx.ts",
      node: "src/node.ts",
      "decode-worker": "src/decode-worker.ts",
      "node-decode-worker": "src/node-decode-worker.ts",
    },
    { dts: { entry: { index: "src/index.ts", tfjs: "src/tfjs.ts", onnx: "src/onnx.ts", node: "src/node.ts" } } },
  ),
);
