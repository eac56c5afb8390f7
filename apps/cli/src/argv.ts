import type { ArgDef, CommandDef } from "citty";
import { UsageError, suggest } from "./usage-error.ts";

/** A command reached from the root through its subcommand names (`["files", "create"]`). */
export interface ResolvedCommand {
  path: string[];
  def: CommandDef;
  /** The tokens after the command path: flags and positionals of the leaf command. */
  rest: string[];
  /** Names of the subcommands of `def`, when it is a group such as `files` with none chosen. */
  subCommandNames: string[];
}

async function resolveValue<T>(v: T | Promise<T> | (() => T | Promise<T>)): Promise<T> {
  return typeof v === "function" ? await (v as () => T | Promise<T>)() : await v;
}

export async function subCommandsOf(def: CommandDef): Promise<Record<string, unknown>> {
  return ((await resolveValue(def.subCommands as never)) ?? {}) as Record<string, unknown>;
}

export async function loadSubCommand(def: CommandDef, name: string): Promise<CommandDef> {
  return resolveValue((await subCommandsOf(def))[name] as CommandDef);
}

/**
 * Walks argv's leading words through the subcommand tree. An unknown word where a subcommand is expected is a usage
 * error with the nearest name suggested: `shoal imprt` says "did you mean import?".
 */
export async function resolveCommand(root: CommandDef, argv: string[]): Promise<ResolvedCommand> {
  const path: string[] = [];
  let def = root;
  let i = 0;
  for (;;) {
    const subs = await subCommandsOf(def);
    const names = Object.keys(subs);
    if (names.length === 0) break;
    // Flags before the subcommand name (`shoal --json info`) are not a subcommand; --help/--version are handled above us.
    while (i < argv.length && argv[i]!.startsWith("-")) i++;
    const word = argv[i];
    if (word === undefined) return { path, def, rest: argv.slice(i), subCommandNames: names };
    if (!Object.hasOwn(subs, word)) {
      const near = suggest(word, names);
      const where = path.length ? `shoal ${path.join(" ")}` : "shoal";
      throw new UsageError(`unknown command ${JSON.stringify(word)} for ${where}${near ? `; did you mean ${JSON.stringify(near)}?` : ""} (see ${where} --help)`, path.join(" "));
    }
    path.push(word);
    def = await loadSubCommand(def, word);
    argv = [...argv.slice(0, i), ...argv.slice(i + 1)];
  }
  return { path, def, rest: argv, subCommandNames: [] };
}

export const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

interface FlagSpec {
  key: string;
  def: ArgDef;
}

/** Every spelling a flag accepts: its kebab-case name (the documented one), its key as written, and its aliases. */
function flagTable(def: CommandDef): Map<string, FlagSpec> {
  const table = new Map<string, FlagSpec>();
  for (const [key, arg] of Object.entries((def.args ?? {}) as Record<string, ArgDef>)) {
    if (arg.type === "positional") continue;
    const spec = { key, def: arg };
    table.set(kebab(key), spec);
    table.set(key, spec);
    const aliases = "alias" in arg && arg.alias !== undefined ? (Array.isArray(arg.alias) ? arg.alias : [arg.alias]) : [];
    for (const a of aliases) table.set(a, spec);
  }
  return table;
}

export function positionalsOf(def: CommandDef): [string, ArgDef][] {
  return Object.entries((def.args ?? {}) as Record<string, ArgDef>).filter(([, a]) => a.type === "positional");
}

/**
 * Rewrites the leaf command's tokens so each flag reaches citty under the key the command reads (`--allow-empty` →
 * `--allowEmpty`; citty alone lets a boolean's default shadow the kebab spelling), and refuses what the command does
 * not take: an unknown flag (with the nearest one suggested), a missing value, or a positional too many.
 */
export function normalizeArgs(def: CommandDef, path: string[], tokens: string[]): string[] {
  const table = flagTable(def);
  const command = `shoal ${path.join(" ")}`.trim();
  const documented = [...new Set([...table.values()].map((s) => kebab(s.key)))];
  const out: string[] = [];
  const given: string[] = [];
  let i = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === "--") {
      i++;
      break;
    }
    // A negative number is a value (an index, a coordinate), not a flag.
    if (!token.startsWith("-") || token === "-" || /^-\d/.test(token)) {
      given.push(token);
      continue;
    }
    const long = token.startsWith("--");
    const body = long ? token.slice(2) : token.slice(1);
    const eq = body.indexOf("=");
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const inline = eq >= 0 ? body.slice(eq + 1) : undefined;
    let spec = table.get(name);
    let negated = false;
    if (!spec && long && name.startsWith("no-")) {
      const base = table.get(name.slice(3));
      if (base?.def.type === "boolean") {
        spec = base;
        negated = true;
      }
    }
    if (!spec) {
      const near = suggest(name, documented);
      throw new UsageError(`unknown flag ${token.split("=")[0]} for ${command}${near ? `; did you mean --${near}?` : ""} (see ${command} --help)`, path.join(" "));
    }
    if (spec.def.type === "boolean") {
      if (inline !== undefined && !/^(true|false)$/.test(inline)) throw new UsageError(`${token}: --${kebab(spec.key)} is a switch and takes no value`, path.join(" "));
      const on = negated ? false : inline !== "false";
      out.push(on ? `--${spec.key}` : `--no-${spec.key}`);
      continue;
    }
    const value = inline ?? tokens[++i];
    if (value === undefined) throw new UsageError(`--${kebab(spec.key)} needs a value (see ${command} --help)`, path.join(" "));
    // One token: citty would read a value that starts with "-" (a negative number) as a flag of its own.
    out.push(`--${spec.key}=${value}`);
  }
  for (; i < tokens.length; i++) given.push(tokens[i]!);
  const positionals = given.length;
  const expected = positionalsOf(def);
  if (positionals > expected.length) {
    const extra = given.slice(expected.length);
    throw new UsageError(`too many arguments: ${command} takes ${expected.length} argument${expected.length === 1 ? "" : "s"}${expected.length ? ` (${expected.map(([n]) => kebab(n).toUpperCase()).join(" ")})` : ""}; unexpected ${JSON.stringify(extra[0])}`, path.join(" "));
  }
  const missing = expected.slice(positionals).find(([, a]) => a.required !== false && a.default === undefined);
  if (missing) throw new UsageError(`missing ${kebab(missing[0]).toUpperCase()} (${missing[1].description ?? "argument"}) for ${command}; see ${command} --help`, path.join(" "));
  for (const [key, arg] of Object.entries((def.args ?? {}) as Record<string, ArgDef>)) {
    if (arg.type !== "positional" && arg.required && !out.some((token) => token.startsWith(`--${key}=`))) {
      throw new UsageError(`--${kebab(key)} is required for ${command} (${arg.description ?? ""}); see ${command} --help`, path.join(" "));
    }
  }
  // Positionals after "--", so citty takes a value such as "-1" (an index from the end) as an argument, not a flag.
  return [...out, "--", ...given];
}
