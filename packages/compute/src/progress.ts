/**
 * The `progressbar: true` bar: one rewritten line on stderr where the runtime has one (Node, Bun, Deno), nothing in
 * browsers. Library code must not print to the console, and a caller who wants a UI passes `onProgress` instead.
 * @module
 */

type Writer = { write(text: string): unknown; isTTY?: boolean };

export function stderrBar(label: string): ((done: number, total: number) => void) | undefined {
  const stderr = (globalThis as { process?: { stderr?: Writer } }).process?.stderr;
  if (!stderr || typeof stderr.write !== "function") return undefined;
  let last = -1;
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === last && done !== total) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    stderr.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}${done === total ? "\n" : ""}`);
  };
}
