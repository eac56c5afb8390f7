import { type CommandDef, defineCommand, runCommand } from "citty";
import { normalizeArgs, resolveCommand } from "./argv.ts";
import { exitCodeFor } from "./exit-codes.ts";
import { renderHelp } from "./help.ts";
import { cliMessage } from "./messages.ts";
import { closeAll } from "./session.ts";
import { UsageError } from "./usage-error.ts";

export const VERSION = "0.0.0";

// Subcommands load lazily: `shoal --help` must not pay for codecs or storage adapters it will not use.
const subCommands = {
  demo: () => import("./commands/demo.ts").then((m) => m.default),
  create: () => import("./commands/create.ts").then((m) => m.default),
  info: () => import("./commands/info.ts").then((m) => m.default),
  summary: () => import("./commands/summary.ts").then((m) => m.default),
  import: () => import("./commands/import.ts").then((m) => m.default),
  "import-deeplake": () => import("./commands/import-deeplake.ts").then((m) => m.default),
  export: () => import("./commands/export.ts").then((m) => m.default),
  append: () => import("./commands/edit.ts").then((m) => m.append),
  update: () => import("./commands/edit.ts").then((m) => m.update),
  log: () => import("./commands/vcs.ts").then((m) => m.log),
  commit: () => import("./commands/vcs.ts").then((m) => m.commit),
  checkout: () => import("./commands/vcs.ts").then((m) => m.checkout),
  branch: () => import("./commands/vcs.ts").then((m) => m.branch),
  diff: () => import("./commands/vcs.ts").then((m) => m.diff),
  merge: () => import("./commands/vcs.ts").then((m) => m.merge),
  reset: () => import("./commands/vcs.ts").then((m) => m.reset),
  query: () => import("./commands/query.ts").then((m) => m.default),
  view: () => import("./commands/view.ts").then((m) => m.default),
  files: () => import("./commands/files.ts").then((m) => m.default),
  bench: () => import("./commands/bench.ts").then((m) => m.default),
  serve: () => import("./commands/serve.ts").then((m) => m.default),
  unlock: () => import("./commands/unlock.ts").then((m) => m.default),
  worker: () => import("./commands/worker.ts").then((m) => m.default),
};

export const shoal: CommandDef = defineCommand({
  meta: { name: "shoal", version: VERSION, description: "Versioned, tensor-native datasets for machine learning" },
  subCommands,
});

const wantsHelp = (tokens: string[]) => {
  const end = tokens.indexOf("--");
  return (end >= 0 ? tokens.slice(0, end) : tokens).some((t) => t === "--help" || t === "-h");
};

/** Runs the CLI and returns the exit code; errors are printed once, mapped to codes in exit-codes.ts. */
export async function main(argv: string[]): Promise<number> {
  try {
    if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    const help = wantsHelp(argv);
    const resolved = await resolveCommand(shoal, help ? argv.filter((t) => t !== "--help" && t !== "-h") : argv);
    if (help) {
      process.stdout.write(await renderHelp(resolved.def, resolved.path));
      return 0;
    }
    if (resolved.subCommandNames.length > 0) {
      // `shoal` or `shoal files` alone: the page that lists what can follow, on stderr, as a usage error.
      process.stderr.write(await renderHelp(resolved.def, resolved.path));
      if (resolved.rest.length > 0) throw new UsageError(`unexpected ${JSON.stringify(resolved.rest[0])}: name a command first`, resolved.path.join(" "));
      return 2;
    }
    const rawArgs = normalizeArgs(resolved.def, resolved.path, resolved.rest);
    await runCommand(resolved.def, { rawArgs });
    await closeAll();
    // A command that finished but found a problem (files verify: mismatches) sets its code without throwing.
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    await closeAll();
    const e = error as Error;
    process.stderr.write(`shoal: ${cliMessage(e.message)}\n`);
    if (process.env.SHOAL_DEBUG && e.stack) process.stderr.write(`${e.stack}\n`);
    // citty's own argument errors (a missing positional) are usage errors too.
    if (e.name === "CLIError") return 2;
    return exitCodeFor(error);
  }
}
