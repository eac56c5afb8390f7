// Seeded byte mutations: the same seed always yields the same corrupt input, so a failure names a reproducible case.
import { Rng } from "@shoal/views";

export { Rng };

/** Iterations scale with SHOAL_TORTURE (a multiplier, default 1): `npm run torture` sets it high. */
export function scale(base: number): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const k = Number(env?.SHOAL_TORTURE ?? 1);
  return Math.max(1, Math.round(base * (Number.isFinite(k) && k > 0 ? k : 1)));
}

export function seedBase(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const s = Number(env?.SHOAL_SEED ?? 1);
  return Number.isFinite(s) ? s : 1;
}

export type Mutation = { kind: string; apply(bytes: Uint8Array): Uint8Array };

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x40, 0x10];

/** One random mutation of `input`, biased to what breaks parsers: length fields, boundaries, repeated regions. */
export function mutate(input: Uint8Array, rng: Rng): { kind: string; bytes: Uint8Array } {
  const out = input.slice();
  const n = out.length;
  const pick = rng.nextUint32() % 8;
  if (n === 0) return { kind: "grow", bytes: Uint8Array.from({ length: 1 + (rng.nextUint32() % 16) }, () => rng.nextUint32() & 0xff) };
  const at = rng.nextUint32() % n;
  switch (pick) {
    case 0: {
      out[at]! ^= 1 << (rng.nextUint32() % 8);
      return { kind: "bitflip", bytes: out };
    }
    case 1: {
      out[at] = INTERESTING[rng.nextUint32() % INTERESTING.length]!;
      return { kind: "byte", bytes: out };
    }
    case 2: {
      // A u32 little-endian field set to a huge or boundary value: how declared sizes reach allocators.
      const v = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000000, 0, 1, n, n + 1][rng.nextUint32() % 8]!;
      for (let k = 0; k < 4 && at + k < n; k++) out[at + k] = (v >>> (8 * k)) & 0xff;
      return { kind: "u32", bytes: out };
    }
    case 3:
      return { kind: "truncate", bytes: out.subarray(0, at) };
    case 4: {
      const len = 1 + (rng.nextUint32() % Math.min(64, n - at));
      const cut = new Uint8Array(n - len);
      cut.set(out.subarray(0, at));
      cut.set(out.subarray(at + len), at);
      return { kind: "delete", bytes: cut };
    }
    case 5: {
      const len = 1 + (rng.nextUint32() % Math.min(64, n - at));
      const grown = new Uint8Array(n + len);
      grown.set(out.subarray(0, at + len));
      grown.set(out.subarray(at), at + len);
      return { kind: "duplicate", bytes: grown };
    }
    case 6: {
      for (let k = 0; k < 1 + (rng.nextUint32() % 8); k++) out[rng.nextUint32() % n] = rng.nextUint32() & 0xff;
      return { kind: "scramble", bytes: out };
    }
    default: {
      const extra = Uint8Array.from({ length: 1 + (rng.nextUint32() % 32) }, () => rng.nextUint32() & 0xff);
      const grown = new Uint8Array(n + extra.length);
      grown.set(out);
      grown.set(extra, n);
      return { kind: "append", bytes: grown };
    }
  }
}

/** Stacks 1–3 mutations: single flips find checks that are missing, stacked ones find checks that are shallow. */
export function mutateMany(input: Uint8Array, rng: Rng): { kind: string; bytes: Uint8Array } {
  let cur = { kind: "", bytes: input };
  const k = 1 + (rng.nextUint32() % 3);
  const kinds: string[] = [];
  for (let i = 0; i < k; i++) {
    cur = mutate(cur.bytes, rng);
    kinds.push(cur.kind);
  }
  return { kind: kinds.join("+"), bytes: cur.bytes };
}
