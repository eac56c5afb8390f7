// Scaffolds the boilerplate files of a workspace package (package.json, tsconfig, tsup config).
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

const [dir, name, deps = "", entries = "index"] = process.argv.slice(2);
const entryList = entries.split(",");
mkdirSync(join(dir, "src"), { recursive: true });
mkdirSync(join(dir, "test"), { recursive: true });
const exportsMap = {};
for (const e of entryList) {
  exportsMap[e === "index" ? "." : `./${e}`] = { types: `./dist/${e}.d.ts`, default: `./dist/${e}.js` };
}
exportsMap["./package.json"] = "./package.json";
const dependencies = {};
for (const d of deps.split(",").filter(Boolean)) dependencies[d] = d.startsWith("@shoal/") || d === "shoal" ? "0.0.0" : "*";
const pkg = {
  name,
  version: "0.0.0",
  type: "module",
  sideEffects: false,
  license: "MIT",
  files: ["dist", "src"],
  exports: exportsMap,
  engines: { node: ">=20" },
  dependencies,
  scripts: {
    build: "tsup",
    typecheck: "tsc -p tsconfig.json",
    test: "node ../../scripts/test.mjs --no-build --dir .",
  },
};
if (!existsSync(join(dir, "package.json"))) writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
writeFileSync(
  join(dir, "tsconfig.json"),
  JSON.stringify({ extends: "../../tsconfig.base.json", compilerOptions: { types: ["node"] }, include: ["src", "test", "bench"] }, null, 2) + "\n",
);
const entryObj = Object.fromEntries(entryList.map((e) => [e, `src/${e}.ts`]));
writeFileSync(
  join(dir, "tsup.config.ts"),
  `import { defineConfig } from "tsup";

export default defineConfig({
  entry: ${JSON.stringify(entryObj)},
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  splitting: true,
  external: [/^node:/, /^@shoal\\//],
});
`,
);
