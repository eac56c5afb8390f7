import { defineConfig } from "tsup";
import { packageConfig } from "../../tsup.shared.ts";

export default defineConfig(packageConfig({ index: "src/index.ts", node: "src/node.ts" }));
