import { defineCommand } from "citty";
import { serve } from "@shoal/viewer/node";
import { info, printJson, printLine } from "../output.ts";
import { UsageError } from "../usage-error.ts";

export default defineCommand({
  meta: { name: "serve", description: "Look at a dataset in the browser: a local web viewer reading it by HTTP range requests (Ctrl-C stops it)" },
  args: {
    source: { type: "positional", description: "Dataset path, s3://… or http(s)://… URL (or a file-dataset store with --files)", required: true },
    port: { type: "string", description: "Port to listen on (default: a free one)", default: "0" },
    host: { type: "string", description: "Interface to bind (default 127.0.0.1; any other host adds a random token to the URL)", default: "127.0.0.1" },
    files: { type: "boolean", description: "Show ClearML-style file datasets: versions, files, added/removed", default: false },
    json: { type: "boolean", description: "Print the URL as JSON", default: false },
  },
  async run({ args }) {
    const port = Number(args.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number in 0..65535, got ${JSON.stringify(args.port)}`, "serve");
    const server = await serve(args.source, { port, host: args.host, files: args.files });
    // The URL alone is the command's output (stdout), so a script can read it; the rest is for the person.
    if (args.json) printJson({ url: server.url });
    else printLine(server.url);
    info(`serving ${args.source} at ${server.url}; Ctrl-C stops it`);
    // Serve until interrupted; main() would otherwise return and exit.
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await server.close();
  },
});
