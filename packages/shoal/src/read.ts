/**
 * `read` and `link`: the samples a user appends for files (kept in their own compression) and external URLs.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { type CompressedSample, type LinkSample, link as makeLink, sampleFromBytes } from "@shoal/htypes";

export type BytesInput = Uint8Array | ArrayBuffer | ArrayBufferView;

export function toBytes(input: BytesInput): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new InvalidArgumentError(`[shoal] read: expected bytes (Uint8Array, ArrayBuffer), got ${input === null ? "null" : typeof input}`);
}

/**
 * A file's bytes as a sample kept in its own format (jpeg, png, wav, nii.gz …; sniffed from the signature, `name`
 * helps when there is none). Deep Lake's `deeplake.read`.
 */
export function read(bytes: BytesInput, opts: { name?: string } = {}): CompressedSample {
  return sampleFromBytes(toBytes(bytes), opts.name);
}

/** `read` for a Blob or File (browsers, `fetch` responses). */
export async function readBlob(blob: Blob, opts: { name?: string } = {}): Promise<CompressedSample> {
  if (typeof blob !== "object" || blob === null || typeof (blob as Blob).arrayBuffer !== "function") {
    throw new InvalidArgumentError(`[shoal] readBlob: expected a Blob or File, got ${blob === null ? "null" : typeof blob}`);
  }
  const name = opts.name ?? (blob as { name?: unknown }).name;
  return sampleFromBytes(new Uint8Array(await blob.arrayBuffer()), typeof name === "string" ? name : undefined);
}

/** An external file referenced by URL, resolved with the credentials of `credsKey` (Deep Lake's `deeplake.link`). */
export function link(url: string, opts: { credsKey?: string | null } = {}): LinkSample {
  if (typeof url !== "string" || url === "") throw new InvalidArgumentError("[shoal] link: url must be a non-empty string");
  const key = opts.credsKey;
  if (key !== undefined && key !== null && (typeof key !== "string" || key === "")) {
    throw new InvalidArgumentError(`[shoal] link ${JSON.stringify(url)}: credsKey must be a non-empty string or null, got ${JSON.stringify(key)}`);
  }
  return makeLink(url, opts);
}
