/**
 * The one place htypes reaches @shoal/codecs. Imported lazily so that validating plain arrays never loads it.
 * @module
 */
import type { BytesCodec, SampleCodec } from "@shoal/codecs";

let loading: Promise<typeof import("@shoal/codecs")> | undefined;

function codecs(): Promise<typeof import("@shoal/codecs")> {
  loading ??= import("@shoal/codecs");
  return loading;
}

/** The sample codec registered under `name` (UnknownCodecError / CodecKindError from the registry otherwise). */
export async function sampleCodec(name: string): Promise<SampleCodec> {
  return (await codecs()).getSampleCodec(name);
}

export async function bytesCodec(name: string): Promise<BytesCodec> {
  return (await codecs()).getBytesCodec(name);
}

/** True when @shoal/codecs has a codec of that name (a registered plugin counts). */
export async function hasCodec(name: string): Promise<boolean> {
  return (await codecs()).codecNames().includes(name);
}
