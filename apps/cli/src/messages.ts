import { kebab } from "./argv.ts";

/**
 * Library errors explain themselves in library terms (`empty(path, { overwrite: true })`); at the shell the same
 * advice is a flag. This turns one into the other and drops the `[shoal] [files]` tags the library prefixes, so the
 * CLI prints a single `shoal:` prefix.
 */
const rewrites: [RegExp, string][] = [
  [/use load\(\), or empty\(path, \{ overwrite: true \}\) to replace it/g, "use --overwrite to replace it"],
  [/\(pass overwrite: true( to replace it)?\)/g, "(use --overwrite$1)"],
  [/\(pass allowEmpty to commit anyway\)/g, "(use --allow-empty to commit anyway)"],
  [/open it with \{ readOnly: true \}, wait for that session to close\(\), or pass \{ lockEnabled: false \} if you know it has died/g, "wait for that command to finish, or, if it has died, run shoal unlock on the dataset"],
  [/\bpass \{ ([a-z][A-Za-z]*): true \}/g, "use --$1"],
  [/\{ ([a-z][A-Za-z]*): true \}/g, "--$1"],
  [/\bpass ([a-z][A-Za-z]*): true\b/g, "use --$1"],
];

export function cliMessage(message: string): string {
  let text = message.replace(/^(\s*\[[\w.-]+\])+\s*/, "");
  for (const [pattern, replacement] of rewrites) text = text.replace(pattern, replacement);
  // Flags are documented kebab-case: --allowEmpty → --allow-empty.
  return text.replace(/--([a-z][A-Za-z]*)/g, (_, name: string) => `--${kebab(name)}`);
}
