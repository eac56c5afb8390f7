import type { NDArray } from "shoal";
import { classColor } from "../palette.ts";
import type { LoadedSample } from "./sample.ts";

type Ctx = CanvasRenderingContext2D;
const rgb = (c: readonly number[], a = 1) => `rgba(${c[0]},${c[1]},${c[2]},${a})`;

/** Box corners in image pixels from a Deep Lake bbox row, honouring `coords` (mode LTWH/LTRB/CCWH, pixel/fractional). */
export function boxCorners(b: ArrayLike<number>, coords: { type?: string; mode?: string }, w: number, h: number): [number, number, number, number] {
  let [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = Array.from(b, Number);
  const mode = coords.mode ?? "LTWH";
  if (mode === "LTWH") [x1, y1] = [x0 + x1, y0 + y1];
  else if (mode === "CCWH") [x0, y0, x1, y1] = [x0 - x1 / 2, y0 - y1 / 2, x0 + x1 / 2, y0 + y1 / 2];
  if (coords.type === "fractional") return [x0 * w, y0 * h, x1 * w, y1 * h];
  return [x0, y0, x1, y1];
}

function label(ctx: Ctx, text: string, x: number, y: number, color: readonly number[]) {
  ctx.font = "12px sans-serif";
  const w = ctx.measureText(text).width + 6;
  ctx.fillStyle = rgb(color, 0.85);
  ctx.fillRect(x, Math.max(0, y - 15), w, 15);
  ctx.fillStyle = "#fff";
  ctx.fillText(text, x + 3, Math.max(12, y - 3));
}

function rowsOf(a: NDArray, width: number): number[][] {
  const out: number[][] = [];
  const d = Array.from(a.data as ArrayLike<number>, Number);
  for (let i = 0; i + width <= d.length; i += width) out.push(d.slice(i, i + width));
  return out;
}

function mask(ctx: Ctx, a: NDArray, scale: number, colorOf: (v: number, plane: number) => readonly number[] | undefined) {
  const [hgt = 0, wid = 0, planes = 1] = a.shape;
  const img = new ImageData(wid, hgt);
  const d = a.data as ArrayLike<number | boolean>;
  for (let p = 0; p < wid * hgt; p++) {
    for (let k = 0; k < planes; k++) {
      const c = colorOf(Number(d[p * planes + k]), k);
      if (!c) continue;
      img.data.set([c[0]!, c[1]!, c[2]!, 110], p * 4);
    }
  }
  const off = new OffscreenCanvas(wid, hgt);
  off.getContext("2d")!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, 0, 0, wid * scale, hgt * scale);
}

/**
 * Draws a row's overlays at `scale` canvas pixels per image pixel. Labels come from the overlay tensor's own class
 * names (masks) or, for boxes, polygons and keypoints, from the row's class_label values matched by position.
 */
export function drawOverlays(ctx: Ctx, s: LoadedSample, scale: number, opts: { names: boolean }): void {
  const w = s.image?.width ?? 1;
  const hgt = s.image?.height ?? 1;
  const labelOf = (i: number) => s.labels[i] ?? (s.labels.length === 1 ? s.labels[0] : undefined);
  const labelAt = (i: number) => labelOf(i)?.name;
  const colorAt = (i: number) => classColor(labelOf(i)?.index ?? i);
  ctx.lineWidth = 2;
  for (const o of s.overlays) {
    const a = o.value as NDArray;
    if (o.htype === "bbox" && a?.shape) {
      rowsOf(a, 4).forEach((b, i) => {
        const [x0, y0, x1, y1] = boxCorners(b, o.coords, w, hgt);
        const c = colorAt(i);
        ctx.strokeStyle = rgb(c);
        ctx.strokeRect(x0 * scale + 1, y0 * scale + 1, (x1 - x0) * scale - 2, (y1 - y0) * scale - 2);
        const name = labelAt(i);
        if (opts.names && name) label(ctx, name, x0 * scale, y0 * scale, c);
      });
    } else if (o.htype === "polygon" && Array.isArray(o.value)) {
      (o.value as NDArray[]).forEach((poly, i) => {
        const pts = rowsOf(poly, 2);
        if (pts.length === 0) return;
        const c = colorAt(i);
        ctx.strokeStyle = rgb(c);
        ctx.fillStyle = rgb(c, 0.25);
        ctx.beginPath();
        pts.forEach(([x = 0, y = 0], k) => (k === 0 ? ctx.moveTo(x * scale, y * scale) : ctx.lineTo(x * scale, y * scale)));
        ctx.closePath();
        ctx.fill();
        ctx.stroke();
        const name = labelAt(i);
        if (opts.names && name) label(ctx, name, pts[0]![0]! * scale, pts[0]![1]! * scale, c);
      });
    } else if (o.htype === "keypoints_coco" && a?.shape) {
      // COCO layout: (3·K, N): x, y, visibility triplets down each column, one column per object.
      const [rows = 0, objects = 1] = a.shape.length === 1 ? [a.shape[0], 1] : a.shape;
      const d = a.data as ArrayLike<number>;
      for (let n = 0; n < objects; n++) {
        ctx.fillStyle = rgb(colorAt(n));
        for (let k = 0; k + 2 < rows; k += 3) {
          const at = (r: number) => Number(d[r * objects + n]);
          if (at(k + 2) === 0) continue;
          ctx.beginPath();
          ctx.arc(at(k) * scale, at(k + 1) * scale, Math.max(2, scale * 0.6), 0, Math.PI * 2);
          ctx.fill();
        }
      }
    } else if (o.htype === "segment_mask" && a?.shape) {
      mask(ctx, a, scale, (v) => (v === 0 ? undefined : classColor(v)));
    } else if (o.htype === "binary_mask" && a?.shape) {
      mask(ctx, a, scale, (v, plane) => (v ? classColor(plane) : undefined));
    }
  }
}
