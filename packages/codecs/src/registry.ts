/**
 * The codec registry: names map to loaders that are imported on first use, so a program that only reads raw
 * tensors never loads an image decoder. Users can add names or override built-ins with `registerCodec`.
 * @module
 */
import { InvalidArgumentError, UnknownCodecError } from "@shoal/core";
import { CodecKindError } from "./errors.ts";
import type { BytesCodec, Codec, SampleCodec } from "./types.ts";

type Loader = () => Promise<Codec>;

interface Entry {
  load: Loader;
  loading?: Promise<Codec>;
}

const entries = new Map<string, Entry>();

const builtins: Record<string, Loader> = {
  lz4: async () => (await import("./lz4.ts")).lz4,
  "lz4-frame": async () => (await import("./lz4.ts")).lz4Frame,
  deflate: async () => (await import("./deflate.ts")).deflate,
  zlib: async () => (await import("./deflate.ts")).zlib,
  gzip: async () => (await import("./deflate.ts")).gzip,
  jpeg: async () => (await import("./jpeg.ts")).jpeg,
  png: async () => (await import("./png.ts")).png,
  wav: async () => (await import("./wav.ts")).wav,
};
for (const [name, load] of Object.entries(builtins)) entries.set(name, { load });

/**
 * Adds or replaces the codec `name`; `load` runs on the first `getCodec(name)`.
 * @example registerCodec("jpeg", async () => mySharpJpegCodec);
 */
export function registerCodec(name: string, load: () => Promise<Codec>): void {
  if (typeof name !== "string" || name.length === 0) throw new InvalidArgumentError(`[shoal] registerCodec: name must be a non-empty string, got ${JSON.stringify(name)}`);
  if (typeof load !== "function") throw new InvalidArgumentError(`[shoal] registerCodec(${JSON.stringify(name)}): load must be a function returning a Promise of a codec`);
  entries.set(name, { load });
}

/** The registered codec names, sorted. */
export function codecNames(): string[] {
  return [...entries.keys()].sort();
}

/**
 * The codec registered as `name`, loading it on first use. Unknown names → UnknownCodecError listing the known ones.
 * @example const lz4 = await getCodec("lz4");
 */
export function getCodec(name: string): Promise<Codec> {
  const entry = typeof name === "string" ? entries.get(name) : undefined;
  if (!entry) return Promise.reject(new UnknownCodecError(String(name), codecNames()));
  if (!entry.loading) {
    entry.loading = entry.load().then(
      (codec) => {
        if (typeof codec !== "object" || codec === null || (codec.kind !== "bytes" && codec.kind !== "sample") || typeof codec.decode !== "function") {
          throw new InvalidArgumentError(`[shoal] codec ${JSON.stringify(name)}: its loader did not return a codec with kind "bytes" or "sample" and a decode function`);
        }
        return codec;
      },
    );
    // A failed load (network, bad plugin) is retried on the next call rather than cached forever.
    entry.loading.catch(() => {
      if (entries.get(name) === entry) entry.loading = undefined;
    });
  }
  return entry.loading;
}

/** The byte codec `name`; CodecKindError when it is a sample codec. */
export async function getBytesCodec(name: string): Promise<BytesCodec> {
  const codec = await getCodec(name);
  if (codec.kind !== "bytes") throw new CodecKindError(name, "bytes", codec.kind);
  return codec;
}

/** The sample codec `name`; CodecKindError when it is a byte codec. */
export async function getSampleCodec(name: string): Promise<SampleCodec> {
  const codec = await getCodec(name);
  if (codec.kind !== "sample") throw new CodecKindError(name, "sample", codec.kind);
  return codec;
}
