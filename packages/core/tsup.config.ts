import { defineConfig } from "tsup";

export default defineConfig({
  entry: {"index":"src/index.ts"},
  format: ["esm"],
  // Keep "node:" specifiers: Deno resolves builtins only with the prefix.
  removeNodeProtocol: false,
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  splitting: true,
  external: [/^node:/, /^@shoal\//],
});
