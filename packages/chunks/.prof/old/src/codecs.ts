/**
 * Codec lookup through @shoal/codecs' lazy registry, cached per name so hot paths never await an import twice.
 * @module
 */
import { UnknownCodecError } from "@shoal/core";
import * as registry from "@shoal/codecs";
import type { BytesCodec, Codec, SampleCodec } from "./codec-types.ts";

type GetCodec = (name: string) => Promise<Codec>;

const cache = new Map<string, Codec>();

function registryGetCodec(): GetCodec | undefined {
  const fn = (registry as unknown as { getCodec?: GetCodec }).getCodec;
  return typeof fn === "function" ? fn : undefined;
}

/** The codec registered under `name`; UnknownCodecError when there is none. */
export async function loadCodec(name: string): Promise<Codec> {
  const hit = cache.get(name);
  if (hit) return hit;
  const get = registryGetCodec();
  if (!get) throw new UnknownCodecError(name, []);
  const codec = await get(name);
  cache.set(name, codec);
  return codec;
}

export async function loadBytesCodec(name: string): Promise<BytesCodec> {
  const codec = await loadCodec(name);
  if (codec.kind !== "bytes") throw new UnknownCodecError(`${name} (not a bytes codec)`, []);
  return codec;
}

export async function loadSampleOrBytesCodec(name: string): Promise<SampleCodec | BytesCodec> {
  return loadCodec(name);
}
