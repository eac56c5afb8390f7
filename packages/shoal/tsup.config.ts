import { defineConfig } from "tsup";

export default defineConfig({
  entry: {"index":"src/index.ts","node":"src/node.ts"},
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  splitting: true,
  external: [/^node:/, /^@shoal\//],
  // Deno only resolves Node built-ins with the node: prefix, which tsup strips by default.
  removeNodeProtocol: false,
});
