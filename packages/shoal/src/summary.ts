/**
 * `summary()`: the printable tensor table of a dataset (Deep Lake's `ds.summary()`), and its rows as data.
 * @module
 */

export interface SummaryRow {
  tensor: string;
  htype: string;
  /** `[length, ...dims]`, `null` where samples differ. */
  shape: (number | null)[];
  dtype: string | null;
  compression: string | null;
}

function shapeText(shape: (number | null)[]): string {
  return `(${shape.map((d) => (d === null ? "None" : String(d))).join(", ")}${shape.length === 1 ? "," : ""})`;
}

export function formatSummary(header: string, rows: SummaryRow[]): string {
  const cols = ["tensor", "htype", "shape", "dtype", "compression"];
  const cells = rows.map((r) => [r.tensor, r.htype, shapeText(r.shape), r.dtype ?? "None", r.compression ?? "None"]);
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) => ` ${vals.map((v, i) => v.padEnd(widths[i]!)).join("  ")}`.trimEnd();
  return [header, "", line(cols), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}
