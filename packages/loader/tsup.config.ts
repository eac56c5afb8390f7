import { defineConfig } from "tsup";

export default defineConfig({
  // The decode workers are entries of their own: the pool starts them by URL next to the bundle.
  entry: {
    index: "src/index.ts",
    tfjs: "src/tfjs.ts",
    onnx: "src/onnx.ts",
    node: "src/node.ts",
    "decode-worker": "src/decode-worker.ts",
    "decode-worker-node": "src/decode-worker-node.ts",
  },
  format: ["esm"],
  dts: { entry: { index: "src/index.ts", tfjs: "src/tfjs.ts", onnx: "src/onnx.ts", node: "src/node.ts" } },
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  splitting: true,
  external: [/^node:/, /^@shoal\//],
});
