import type { NDArray } from "shoal";

interface ColumnLike {
  readonly meta: { readonly htype: string; readonly classNames?: readonly string[] };
}

function isNDArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v;
}

/** One table cell: scalars and class names in full, larger arrays as `dtype[shape]`, text and JSON clipped. */
export function formatSample(value: unknown, column: ColumnLike): string {
  if (value === null || value === undefined) return "∅";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return value.length && value.every(isNDArray) ? `${value.length} arrays` : JSON.stringify(value);
  if (isNDArray(value)) {
    const n = value.data.length;
    if (n === 1) {
      const v = value.data[0]!;
      const names = column.meta.classNames;
      if (column.meta.htype === "class_label" && names?.[Number(v)] !== undefined) return names[Number(v)]!;
      return typeof v === "number" && !Number.isInteger(v) ? v.toPrecision(6) : String(v);
    }
    if (n <= 4) return `[${Array.from(value.data as ArrayLike<number | bigint>, String).join(", ")}]`;
    return `${value.dtype}[${value.shape.join(", ")}]`;
  }
  return JSON.stringify(value);
}
