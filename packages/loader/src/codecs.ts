/**
 * The codec contract as the loader uses it: sample codecs by name from @shoal/codecs' lazy registry.
 * @module
 */
import { type SampleCodec, getCodec, getSampleCodec } from "@shoal/codecs";

export { getSampleCodec };
export type { SampleCodec };

/** True when `name` names a per-sample codec (jpeg, png, wav…), false for byte codecs or unknown names. */
export async function isSampleCodec(name: string): Promise<boolean> {
  try {
    return (await getCodec(name)).kind === "sample";
  } catch {
    return false;
  }
}
