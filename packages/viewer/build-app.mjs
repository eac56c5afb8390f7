// Bundles the web app (src/app/main.ts and every shoal package it uses) into static files in dist/app, with the
// esbuild tsup already brings: no CDN, no framework.
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

mkdirSync(new URL("./dist/app/", import.meta.url), { recursive: true });
await build({
  entryPoints: [new URL("./src/app/main.ts", import.meta.url).pathname],
  outfile: new URL("./dist/app/app.js", import.meta.url).pathname,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  logLevel: "error",
});
copyFileSync(new URL("./src/app/app.css", import.meta.url), new URL("./dist/app/app.css", import.meta.url));
