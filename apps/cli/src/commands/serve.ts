import { defineCommand } from "citty";
import { serve } from "@shoal/viewer/node";
import { printLine } from "../output.ts";

export default defineCommand({
  meta: { name: "serve", description: "Open a dataset in the browser: a local viewer reading it by HTTP range requests" },
  args: {
    source: { type: "positional", description: "Dataset path, s3://… or http(s)://… URL (or a file-dataset store with --files)", required: true },
    port: { type: "string", description: "Port (default: a free one)" },
    host: { type: "string", description: "Interface to bind (default 127.0.0.1; any other host adds a random token to the URL)" },
    files: { type: "boolean", description: "Show ClearML-style file datasets: versions, files, added/removed", default: false },
  },
  async run({ args }) {
    const server = await serve(args.source, {
      port: args.port === undefined ? 0 : Number(args.port),
      ...(args.host === undefined ? {} : { host: args.host }),
      files: args.files,
    });
    printLine(`shoal viewer for ${args.source}: ${server.url}`);
    printLine("Ctrl-C stops it.");
    // Serve until interrupted; the CLI's main() would otherwise return and exit.
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await server.close();
  },
});
