/**
 * `shoal/node`: conveniences for Node, Bun and Deno. `read(path)` reads a file from disk; everything else is the
 * root entry, re-exported so one import suffices.
 * @module
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { CompressedSample } from "@shoal/htypes";
import { type BytesInput, read as readBytes } from "./read.ts";

export * from "./index.ts";

/** `read` that also takes a file path: the file's bytes, sniffed (its name helps when the bytes do not tell). */
export function read(pathOrBytes: string | BytesInput, opts: { name?: string } = {}): CompressedSample {
  if (typeof pathOrBytes === "string") return readBytes(readFileSync(pathOrBytes), { name: opts.name ?? basename(pathOrBytes) });
  return readBytes(pathOrBytes, opts);
}

/** File datasets with local-folder operations (addFiles, syncFolder, getLocalCopy …). */
export * as files from "@shoal/clearml-compat/node";
