/** Object names: 16 random bytes as 32 hex chars, so concurrent writers never pick the same key. */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function randomId(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(16));
}

export function idToHex(id: Uint8Array): string {
  let s = "";
  for (let i = 0; i < id.length; i++) s += HEX[id[i]!]!;
  return s;
}

export function hexToId(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function randomHex(): string {
  return idToHex(randomId());
}

/** `count` random 64-bit sample ids. */
export function randomSampleIds(count: number): BigUint64Array {
  const out = new BigUint64Array(count);
  // getRandomValues accepts at most 65536 bytes per call.
  for (let i = 0; i < count; i += 8192) crypto.getRandomValues(out.subarray(i, Math.min(count, i + 8192)));
  return out;
}
