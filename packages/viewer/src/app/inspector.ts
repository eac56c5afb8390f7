import type { NDArray } from "shoal";
import { errorBox, h } from "./dom.ts";
import { drawOverlays } from "./overlays.ts";
import type { LoadedSample } from "./sample.ts";
import type { Rows, Schema } from "./source.ts";

const INSPECT = 384;

function describe(v: unknown): { shape: string; dtype: string; preview: string } {
  const a = v as NDArray;
  if (a && typeof a === "object" && "shape" in a && "dtype" in a) {
    const values = Array.from((a.data as ArrayLike<number | bigint | boolean>) ?? [], (x) => (typeof x === "bigint" ? x.toString() : String(x)));
    const preview = values.slice(0, 48).join(", ") + (values.length > 48 ? `, … (${values.length} values)` : "");
    return { shape: `[${a.shape.join(", ")}]`, dtype: String(a.dtype), preview };
  }
  if (Array.isArray(v) && v.every((x) => x && typeof x === "object" && "shape" in x)) {
    return { shape: `${v.length} × ${(v as NDArray[]).map((p) => `[${p.shape.join(", ")}]`).join(" ")}`, dtype: String((v[0] as NDArray | undefined)?.dtype ?? "-"), preview: "" };
  }
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return { shape: typeof v === "string" ? `[${v.length} chars]` : "-", dtype: typeof v === "string" ? "str" : "json", preview: text ?? "null" };
}

/** Every tensor of one row: htype, shape, dtype and a value preview, with the image and its overlays drawn large. */
export async function renderInspector(el: HTMLElement, rows: Rows, schema: Schema, pos: number, sample: Promise<LoadedSample>): Promise<void> {
  const index = rows.sampleIndices?.[pos] ?? pos;
  el.replaceChildren(h("h2", {}, `Sample ${index}`), h("p", { class: "muted" }, "loading…"));
  const parts: Node[] = [h("h2", {}, `Sample ${index}`)];
  try {
    const s = await sample;
    if (s.image) {
      const scale = Math.max(1, Math.floor(INSPECT / Math.max(s.image.width, s.image.height)));
      const canvas = h("canvas", { id: "inspector-canvas", width: s.image.width * scale, height: s.image.height * scale, "data-scale": scale });
      const ctx = canvas.getContext("2d")!;
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(s.image, 0, 0, canvas.width, canvas.height);
      drawOverlays(ctx, s, scale, { names: true });
      parts.push(canvas);
    }
  } catch (e) {
    parts.push(errorBox(e, `image of sample ${index}`));
  }
  const body = h("tbody");
  for (const name of schema.names) {
    const t = rows.tensor(name);
    const row = h("tr", { "data-tensor": name }, h("th", {}, name), h("td", {}, schema.htypes[name] ?? ""));
    try {
      const d = describe(await t.read(pos));
      row.append(h("td", { class: "shape" }, d.shape), h("td", { class: "dtype" }, d.dtype), h("td", { class: "value" }, d.preview));
    } catch (e) {
      row.append(h("td", { colspan: 3 }, errorBox(e, name)));
    }
    body.append(row);
  }
  parts.push(h("table", { class: "tensors", id: "inspector-table" }, h("thead", {}, h("tr", {}, ...["tensor", "htype", "shape", "dtype", "value"].map((x) => h("th", {}, x)))), body));
  el.replaceChildren(...parts);
  el.dataset.sample = String(index);
}
