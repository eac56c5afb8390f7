import type { NDArray, Tensor } from "shoal";
import type { Rows, Schema } from "./source.ts";

/** The decoded parts of one row that the grid and inspector draw. */
export interface LoadedSample {
  image?: ImageBitmap;
  /** Overlay tensors of the row, by name: their decoded values. */
  overlays: { name: string; htype: string; value: unknown; classNames: string[]; coords: { type?: string; mode?: string } }[];
  /** Class labels of the row's class_label tensors, in order: the name and the class index (its colour). */
  labels: { name: string; index: number }[];
  /** Text and json samples, as display strings. */
  texts: { name: string; text: string }[];
}

const MIME: Record<string, string> = { png: "image/png", jpeg: "image/jpeg", jpg: "image/jpeg", webp: "image/webp", gif: "image/gif", bmp: "image/bmp" };

export function classNamesOf(t: Tensor): string[] {
  const names = t.meta.info.class_names;
  return Array.isArray(names) ? (names as string[]) : [];
}

/** Decodes the image in the browser: compressed samples via createImageBitmap, raw arrays via ImageData. */
export async function decodeImage(t: Tensor, i: number): Promise<ImageBitmap | undefined> {
  const { bytes, compression } = await t.readBytes(i);
  if (bytes.byteLength === 0) return undefined;
  const type = compression ? MIME[compression] : undefined;
  if (type) return createImageBitmap(new Blob([bytes as BlobPart], { type }));
  const a = (await t.read(i)) as NDArray;
  const [hgt = 0, wid = 0, ch = 1] = a.shape;
  const rgba = new Uint8ClampedArray(wid * hgt * 4);
  for (let p = 0; p < wid * hgt; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = Number(a.data[p * ch + (ch >= 3 ? c : 0)]);
    rgba[p * 4 + 3] = ch === 4 ? Number(a.data[p * ch + 3]) : 255;
  }
  return createImageBitmap(new ImageData(rgba, wid, hgt));
}

export async function loadSample(rows: Rows, schema: Schema, i: number): Promise<LoadedSample> {
  const out: LoadedSample = { overlays: [], labels: [], texts: [] };
  const jobs: Promise<void>[] = [];
  if (schema.image) jobs.push(decodeImage(rows.tensor(schema.image), i).then((b) => void (out.image = b)));
  for (const name of schema.names) {
    const htype = schema.htypes[name]!;
    const t = rows.tensor(name);
    if (htype === "class_label") {
      jobs.push(t.read(i).then((v) => {
        const names = classNamesOf(t);
        for (const x of Array.from(((v as NDArray).data ?? []) as ArrayLike<number>)) out.labels.push({ name: names[Number(x)] ?? String(x), index: Number(x) });
      }));
    } else if (htype === "bbox" || htype === "polygon" || htype === "keypoints_coco" || htype === "segment_mask" || htype === "binary_mask") {
      const coords = (t.meta.info.coords ?? {}) as { type?: string; mode?: string };
      jobs.push(t.read(i).then((value) => void out.overlays.push({ name, htype, value, classNames: classNamesOf(t), coords })));
    } else if (htype === "text" || htype === "json" || htype === "list") {
      jobs.push(t.read(i).then((v) => void out.texts.push({ name, text: typeof v === "string" ? v : JSON.stringify(v) })));
    }
  }
  await Promise.all(jobs);
  out.overlays.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}
