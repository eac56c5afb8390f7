import { defineConfig } from "tsup";

export default defineConfig({
  // import-transform is loaded by URL in `shoal import --workers` threads, so it must stay a file of its own.
  entry: { bin: "src/bin.ts", index: "src/cli.ts", "import-transform": "src/import-transform.ts" },
  format: ["esm"],
  // Keep "node:" specifiers: Deno resolves builtins only with the prefix.
  removeNodeProtocol: false,
  dts: { entry: { index: "src/cli.ts" } },
  sourcemap: true,
  clean: true,
  target: "node20",
  platform: "node",
  splitting: true,
  external: [/^@shoal\//, "shoal", "citty", "cli-progress"],
});
