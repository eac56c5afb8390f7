/**
 * link[...] samples: a URL or path plus the name of the credentials to fetch it with.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { SampleTypeError, SampleValueError, type SampleErrorWhere } from "../errors.ts";
import type { LinkSample } from "../types.ts";

const CLOUD = /^(s3|gcs|gs|az|azure):\/\//i;

/** Deep Lake's `deeplake.link(url, creds_key)`. */
export function link(url: string, opts: { credsKey?: string | null } = {}): LinkSample {
  if (typeof url !== "string" || url.length === 0) throw new InvalidArgumentError("[shoal] link: url must be a non-empty string");
  return Object.freeze({ url, credsKey: opts.credsKey ?? null });
}

export function isLinkSample(x: unknown): x is LinkSample {
  return typeof x === "object" && x !== null && typeof (x as LinkSample).url === "string" && !ArrayBuffer.isView(x);
}

export function normalizeLink(input: unknown, at: SampleErrorWhere): { url: string; credsKey: string | null } {
  const sample = typeof input === "string" ? { url: input, credsKey: null } : isLinkSample(input) ? input : undefined;
  if (!sample) throw new SampleTypeError(at, "link tensors take link(url) samples or URL strings");
  if (sample.url.length === 0) throw new SampleValueError(at, "empty link URL");
  const credsKey = sample.credsKey ?? null;
  if (credsKey !== null && typeof credsKey !== "string") throw new SampleTypeError(at, "credsKey must be a string");
  // Cloud object stores always need credentials; http(s) and local paths do not.
  if (CLOUD.test(sample.url) && credsKey === null) throw new SampleValueError(at, `cloud link ${sample.url} needs a credsKey`);
  return { url: sample.url, credsKey };
}
