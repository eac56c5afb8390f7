/**
 * Streaming SHA-256, web-standard only: the same lowercase hex as `sha256sum` and ClearML's `sha256sum`.
 * Node's adapter swaps in node:crypto (faster) through the `Hasher` interface.
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";

/** An incremental hash: feed blocks, then read the hex digest once. */
export interface Hasher {
  update(block: Uint8Array): void;
  digestHex(): string;
}

/** A pure-TS incremental SHA-256 (runs in browsers; no whole-file buffering). */
export function createSha256(): Hasher {
  const h = sha256.create();
  return {
    update(block) {
      h.update(block);
    },
    digestHex() {
      return toHex(h.digest());
    },
  };
}

/** SHA-256 hex of bytes held in memory. */
export function sha256Hex(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] as number];
  return s;
}

/** 32 random hex chars: the same shape as a ClearML task id. */
export function randomId(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}

export function isSha256Hex(s: unknown): s is string {
  return typeof s === "string" && /^[0-9a-f]{64}$/.test(s);
}
