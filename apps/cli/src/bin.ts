#!/usr/bin/env node
import { main } from "./cli.ts";

// `shoal info ds | head -1`: once the reader has gone, there is nobody to write for. End quietly, like cat or ls.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
