import { defineConfig } from "tsup";
import { packageConfig } from "../../tsup.shared.ts";

export default defineConfig(
  packageConfig({ index: "src/index.ts", fs: "src/fs.ts", "fs-browser": "src/fs-browser.ts", s3: "src/s3.ts", http: "src/http.ts" }),
);
