/**
 * Output discipline: data goes to stdout (plain or `--json`), everything meant for a person goes to stderr, so the
 * CLI can be piped.
 */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => (typeof v === "bigint" ? v.toString() : v));
  return value;
}

export function printLine(text = ""): void {
  process.stdout.write(`${text}\n`);
}

export function info(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** A plain-text table: columns padded to their widest cell, cells truncated to `maxWidth`. */
export function formatTable(headers: string[], rows: string[][], maxWidth = 40): string {
  const clip = (s: string) => (s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s);
  const cells = [headers, ...rows].map((r) => r.map(clip));
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd();
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}
