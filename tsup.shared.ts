import type { Options } from "tsup";

/**
 * The build every library package shares: ESM + d.ts, neutral platform (the core runs in browsers), workspace
 * packages and `node:` builtins left external.
 */
export function packageConfig(entry: Record<string, string>, overrides: Options = {}): Options {
  return {
    entry,
    format: ["esm"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
    platform: "neutral",
    splitting: true,
    // Keep "node:" specifiers: Deno resolves builtins only with the prefix, which tsup strips by default.
    removeNodeProtocol: false,
    ...overrides,
    external: [/^node:/, /^@shoal\//, ...(overrides.external ?? [])],
  };
}
