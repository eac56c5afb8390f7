/**
 * Per-segment compression with web-standard CompressionStream (`deflate-raw`), so packs need no codec dependency.
 * @module
 */
import { CorruptContentError } from "./errors.ts";

export type Compression = "none" | "deflate" | "auto";

/** Extensions whose content is already compressed: deflating them costs CPU and saves nothing. */
const COMPRESSED = new Set([
  "jpg", "jpeg", "png", "gif", "webp", "avif", "heic", "mp3", "mp4", "m4a", "ogg", "opus", "flac", "webm", "mkv", "mov",
  "avi", "zip", "gz", "tgz", "bz2", "xz", "zst", "lz4", "7z", "rar", "parquet", "npz", "pt", "pth", "safetensors", "onnx", "pdf", "jxl",
]);

/** Whether content reached through `path` should be deflated under `mode`. */
export function wantsDeflate(mode: Compression, path: string): boolean {
  if (mode === "none") return false;
  if (mode === "deflate") return true;
  const dot = path.lastIndexOf(".");
  return dot < 0 || !COMPRESSED.has(path.slice(dot + 1).toLowerCase());
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

export function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  return pipe(bytes, new CompressionStream("deflate-raw"));
}

/** Inflates a segment and checks its length; `native` is the platform's faster inflater when it has one. */
export async function inflateRaw(bytes: Uint8Array, expected: number, key: string, native?: (bytes: Uint8Array, expected: number) => Promise<Uint8Array>): Promise<Uint8Array> {
  let out: Uint8Array;
  try {
    out = native ? await native(bytes, expected) : await pipe(bytes, new DecompressionStream("deflate-raw"));
  } catch (cause) {
    throw new CorruptContentError(key, "deflate stream is corrupt", { cause });
  }
  if (out.length !== expected) throw new CorruptContentError(key, `inflated to ${out.length} bytes, expected ${expected}`);
  return out;
}
