/**
 * A short, printable description of an input sample for error messages: a 10 MB image must not end up in a message.
 * @module
 */

const MAX = 80;

export function describeSample(sample: unknown): string {
  return clip(describe(sample, 0));
}

function clip(s: string): string {
  return s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s;
}

function describe(v: unknown, depth: number): string {
  if (v === null || v === undefined || typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return JSON.stringify(v.length > MAX ? `${v.slice(0, MAX)}…` : v);
  if (typeof v === "bigint") return `${v}n`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as ArrayBufferView & { length?: number }).length ?? v.byteLength})`;
  if (isNDArray(v)) return `ndarray ${v.dtype}[${v.shape.join(",")}]`;
  if (depth > 1) return Array.isArray(v) ? "[…]" : "{…}";
  if (Array.isArray(v)) return `[${v.slice(0, 4).map((x) => describe(x, depth + 1)).join(", ")}${v.length > 4 ? ", …" : ""}]`;
  if (typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>);
    return `{${entries.slice(0, 4).map(([k, x]) => `${k}: ${describe(x, depth + 1)}`).join(", ")}${entries.length > 4 ? ", …" : ""}}`;
  }
  return typeof v;
}

function isNDArray(v: unknown): v is { dtype: string; shape: number[] } {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && Array.isArray((v as { shape: unknown }).shape);
}
