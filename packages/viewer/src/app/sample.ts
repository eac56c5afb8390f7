import type { NDArray, Tensor } from "shoal";
import { OVERLAY_HTYPES, type Rows, type Schema } from "./source.ts";

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
async function decodeImage(t: Tensor, i: number, stored: { bytes: Uint8Array; compression: string | null }): Promise<ImageBitmap | undefined> {
  const { bytes, compression } = stored;
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

const settle = <T>(p: Promise<T>) => p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));

/**
 * Loads many rows at once: every tensor is read with one batched call (readMany / readBytesMany), so a screenful
 * of cells costs a few coalesced range requests per chunk instead of one request per cell and tensor. A failing
 * tensor fails only the rows it was read for, with its own error.
 */
export function loadSamples(rows: Rows, schema: Schema, positions: number[]): Promise<LoadedSample>[] {
  const out = positions.map((): LoadedSample => ({ overlays: [], labels: [], texts: [] }));
  const jobs: Promise<void>[] = [];
  const fail: unknown[] = positions.map(() => undefined);
  const each = <T>(read: Promise<T[]>, use: (v: T, k: number) => void | Promise<void>) =>
    jobs.push(settle(read).then(async (r) => {
      if (!r.ok) return void positions.forEach((_, k) => (fail[k] ??= r.e));
      await Promise.all(r.v.map(async (v, k) => {
        try {
          await use(v, k);
        } catch (e) {
          fail[k] ??= e;
        }
      }));
    }));
  if (schema.image) {
    const t = rows.tensor(schema.image);
    each(t.readBytesMany(positions), async (stored, k) => void (out[k]!.image = await decodeImage(t, positions[k]!, stored)));
  }
  for (const name of schema.names) {
    const htype = schema.htypes[name]!;
    const t = rows.tensor(name);
    if (htype === "class_label") {
      const names = classNamesOf(t);
      each(t.readMany(positions), (v, k) => {
        for (const x of Array.from(((v as NDArray).data ?? []) as ArrayLike<number>)) out[k]!.labels.push({ name: names[Number(x)] ?? String(x), index: Number(x) });
      });
    } else if (OVERLAY_HTYPES.has(htype)) {
      const coords = (t.meta.info.coords ?? {}) as { type?: string; mode?: string };
      const classNames = classNamesOf(t);
      each(t.readMany(positions), (value, k) => void out[k]!.overlays.push({ name, htype, value, classNames, coords }));
    } else if (htype === "text" || htype === "json" || htype === "list") {
      each(t.readMany(positions), (v, k) => void out[k]!.texts.push({ name, text: typeof v === "string" ? v : JSON.stringify(v) }));
    }
  }
  const all = Promise.all(jobs);
  return out.map(async (s, k) => {
    await all;
    if (fail[k] !== undefined) throw fail[k];
    s.overlays.sort((a, b) => a.name.localeCompare(b.name));
    return s;
  });
}

export function loadSample(rows: Rows, schema: Schema, i: number): Promise<LoadedSample> {
  return loadSamples(rows, schema, [i])[0]!;
}
