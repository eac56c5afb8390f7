import { type CommandDef, defineCommand, runCommand, showUsage } from "citty";
import { exitCodeFor } from "./exit-codes.ts";
import { closeAll } from "./session.ts";

// Subcommands load lazily: `shoal --help` must not pay for codecs or storage adapters it will not use.
const subCommands = {
  demo: () => import("./commands/demo.ts").then((m) => m.default),
  create: () => import("./commands/create.ts").then((m) => m.default),
  info: () => import("./commands/info.ts").then((m) => m.default),
  summary: () => import("./commands/summary.ts").then((m) => m.default),
  import: () => import("./commands/import.ts").then((m) => m.default),
  "import-deeplake": () => import("./commands/import-deeplake.ts").then((m) => m.default),
  export: () => import("./commands/export.ts").then((m) => m.default),
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
};

export const shoal: CommandDef = defineCommand({
  meta: { name: "shoal", version: "0.0.0", description: "Versioned, tensor-native datasets for machine learning" },
  subCommands,
});

/** Runs the CLI and returns the exit code; errors are printed once, mapped to codes in exit-codes.ts. */
export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) {
    await showUsage(...(await resolveForUsage(argv)));
    return argv.length === 0 ? 2 : 0;
  }
  try {
    await runCommand(shoal, { rawArgs: argv });
    await closeAll();
    return 0;
  } catch (error) {
    await closeAll();
    const e = error as Error;
    process.stderr.write(`shoal: ${e.message}\n`);
    if (process.env.SHOAL_DEBUG && e.stack) process.stderr.write(`${e.stack}\n`);
    return exitCodeFor(error);
  }
}

async function resolveForUsage(argv: string[]): Promise<[CommandDef, CommandDef?]> {
  const name = argv.find((a) => !a.startsWith("-"));
  const load = name ? subCommands[name as keyof typeof subCommands] : undefined;
  return load ? [(await load()) as CommandDef, shoal] : [shoal];
}
