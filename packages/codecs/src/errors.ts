/**
 * Failure kinds specific to codecs. Corrupt input uses CorruptDataError and unknown names UnknownCodecError,
 * both from @shoal/core.
 * @module
 */
import { ShoalError } from "@shoal/core";

/** A codec was asked for as one kind ("bytes" or "sample") but is the other. */
export class CodecKindError extends ShoalError {
  readonly codec: string;
  readonly expected: string;
  readonly actual: string;
  constructor(codec: string, expected: string, actual: string) {
    super("CodecKindError", `[shoal] codec ${JSON.stringify(codec)} is a ${actual} codec, not a ${expected} codec`);
    this.codec = codec;
    this.expected = expected;
    this.actual = actual;
  }
}

/** A zip entry name would escape the extraction root (`..`, absolute path, drive letter, NUL, backslash). */
export class UnsafeZipEntryError extends ShoalError {
  readonly entry: string;
  constructor(entry: string, reason: string) {
    super("UnsafeZipEntryError", `[shoal] zip: unsafe entry name ${JSON.stringify(entry)}: ${reason}`);
    this.entry = entry;
  }
}
