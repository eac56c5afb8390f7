import type { ArgDef, CommandDef } from "citty";
import { kebab, loadSubCommand, positionalsOf, subCommandsOf } from "./argv.ts";
import { examples } from "./examples.ts";

/**
 * The --help page of one command: usage line, arguments, flags in their kebab-case spelling with aliases and
 * defaults, subcommands, and examples. Plain text (no colours, no logger prefixes), so it reads the same in CI logs.
 */
export async function renderHelp(def: CommandDef, path: string[]): Promise<string> {
  const meta = (await (typeof def.meta === "function" ? def.meta() : def.meta)) ?? {};
  const args = Object.entries((def.args ?? {}) as Record<string, ArgDef>);
  const positionals = positionalsOf(def);
  const flags = args.filter(([, a]) => a.type !== "positional");
  const subs = Object.keys(await subCommandsOf(def));
  const name = ["shoal", ...path].join(" ");
  const lines: string[] = [];
  lines.push(`${name}${meta.description ? ` - ${meta.description}` : ""}`, "");
  const usageArgs = positionals.map(([n, a]) => (a.required === false || a.default !== undefined ? `[${kebab(n).toUpperCase()}]` : kebab(n).toUpperCase()));
  lines.push(`USAGE  ${[name, subs.length ? "<command>" : "", ...usageArgs, flags.length ? "[flags]" : ""].filter(Boolean).join(" ")}`);
  if (positionals.length) {
    lines.push("", "ARGUMENTS");
    const width = Math.max(...positionals.map(([n]) => n.length));
    for (const [n, a] of positionals) lines.push(`  ${kebab(n).toUpperCase().padEnd(width + 2)}${a.description ?? ""}`);
  }
  if (flags.length) {
    lines.push("", "FLAGS");
    const spell = ([n, a]: [string, ArgDef]) => {
      const aliases = "alias" in a && a.alias !== undefined ? (Array.isArray(a.alias) ? a.alias : [a.alias]) : [];
      const value = a.type === "string" ? ` <${kebab(n).split("-").at(-1)}>` : "";
      return [...aliases.map((x) => (x.length === 1 ? `-${x}` : `--${x}`)), `--${kebab(n)}${value}`].join(", ");
    };
    const cells = [...flags.map((f) => [spell(f), describe(f[1])] as const), ["-h, --help", "Show this help"] as const];
    const width = Math.max(...cells.map(([s]) => s.length));
    for (const [s, d] of cells) lines.push(`  ${s.padEnd(width + 2)}${d}`);
  }
  if (subs.length) {
    lines.push("", "COMMANDS");
    const width = Math.max(...subs.map((s) => s.length));
    for (const s of subs) {
      const sub = await loadSubCommand(def, s);
      const subMeta = (await (typeof sub.meta === "function" ? sub.meta() : sub.meta)) ?? {};
      lines.push(`  ${s.padEnd(width + 2)}${subMeta.description ?? ""}`);
    }
    lines.push("", `Run ${name} <command> --help for a command's flags.`);
  }
  const shown = examples[path.join(" ")];
  if (shown?.length) lines.push("", "EXAMPLES", ...shown.map((e) => `  ${e}`));
  return `${lines.join("\n")}\n`;
}

function describe(a: ArgDef): string {
  const text = a.description ?? "";
  if (a.type === "string" && a.default !== undefined && a.default !== "") return `${text} (default ${a.default})`;
  if (a.required) return `${text} (required)`;
  return text;
}
