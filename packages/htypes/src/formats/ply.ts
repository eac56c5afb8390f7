/**
 * PLY header: format, element counts and properties. Shape is `(vertices, 3)` as Deep Lake reports meshes.
 * @module
 */
import { CorruptDataError, type DType } from "@shoal/core";
import type { MediaInfo } from "../types.ts";

const TYPES: Record<string, DType> = {
  char: "int8", int8: "int8", uchar: "uint8", uint8: "uint8", short: "int16", int16: "int16", ushort: "uint16", uint16: "uint16",
  int: "int32", int32: "int32", uint: "uint32", uint32: "uint32", float: "float32", float32: "float32", double: "float64", float64: "float64",
};

export interface PlyElement {
  name: string;
  count: number;
  properties: { name: string; type: string; listCountType?: string }[];
}

export function readPlyInfo(bytes: Uint8Array): MediaInfo {
  const limit = Math.min(bytes.length, 65536);
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, limit));
  if (!/^ply\r?\n/.test(head)) throw new CorruptDataError("ply", "missing 'ply' magic line", { offset: 0 });
  const end = head.indexOf("end_header");
  if (end < 0) throw new CorruptDataError("ply", "no end_header within the first 64 KiB");
  const lines = head.slice(0, end).split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("comment") && !l.startsWith("obj_info"));
  let format = "";
  const elements: PlyElement[] = [];
  for (const line of lines.slice(1)) {
    const parts = line.split(/\s+/);
    if (parts[0] === "format") {
      format = parts[1] ?? "";
      if (!["ascii", "binary_little_endian", "binary_big_endian"].includes(format)) throw new CorruptDataError("ply", `unknown format ${JSON.stringify(format)}`);
    } else if (parts[0] === "element") {
      const count = Number(parts[2]);
      if (!parts[1] || !Number.isSafeInteger(count) || count < 0) throw new CorruptDataError("ply", `bad element line ${JSON.stringify(line)}`);
      elements.push({ name: parts[1], count, properties: [] });
    } else if (parts[0] === "property") {
      const el = elements.at(-1);
      if (!el) throw new CorruptDataError("ply", `property before any element: ${JSON.stringify(line)}`);
      if (parts[1] === "list") {
        if (!TYPES[parts[2] ?? ""] || !TYPES[parts[3] ?? ""] || !parts[4]) throw new CorruptDataError("ply", `bad list property ${JSON.stringify(line)}`);
        el.properties.push({ name: parts[4], type: parts[3]!, listCountType: parts[2]! });
      } else {
        if (!TYPES[parts[1] ?? ""] || !parts[2]) throw new CorruptDataError("ply", `bad property ${JSON.stringify(line)}`);
        el.properties.push({ name: parts[2], type: parts[1]! });
      }
    } else if (parts[0] !== "ply") {
      throw new CorruptDataError("ply", `unexpected header line ${JSON.stringify(line)}`);
    }
  }
  if (!format) throw new CorruptDataError("ply", "missing format line");
  const vertex = elements.find((e) => e.name === "vertex");
  const face = elements.find((e) => e.name === "face");
  const x = vertex?.properties.find((p) => p.name === "x");
  return {
    compression: "ply",
    shape: [vertex?.count ?? 0, 3],
    dtype: x ? TYPES[x.type]! : null,
    details: { format, vertexCount: vertex?.count ?? 0, faceCount: face?.count ?? 0, elements },
  };
}
