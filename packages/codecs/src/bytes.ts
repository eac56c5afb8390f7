/**
 * Input checks shared by every codec entry point.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";

/** Throws InvalidArgumentError unless `data` is a Uint8Array (Node Buffers are Uint8Arrays and pass). */
export function assertBytes(data: unknown, where: string): asserts data is Uint8Array {
  if (!(data instanceof Uint8Array)) {
    const got = data === null ? "null" : typeof data === "object" ? (data as object).constructor?.name ?? "object" : typeof data;
    throw new InvalidArgumentError(`[shoal] ${where}: expected a Uint8Array, got ${got}`);
  }
}

/** Throws InvalidArgumentError unless `n` is undefined or a non-negative safe integer. */
export function assertLength(n: unknown, name: string, where: string): asserts n is number | undefined {
  if (n !== undefined && (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0)) {
    throw new InvalidArgumentError(`[shoal] ${where}: ${name} must be a non-negative integer, got ${String(n)}`);
  }
}
