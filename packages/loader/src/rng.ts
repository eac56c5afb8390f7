/**
 * Seeds per epoch and rank, derived from the loader's seed with @shoal/views' PRNG (which also honours the
 * process-wide `setSeed`, like `deeplake.random.seed`).
 * @module
 */
import { Rng, rngFor } from "@shoal/views";

/** Mixes integers into one 32-bit seed (murmur3 finaliser), so (seed, epoch, rank) streams do not overlap. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** The base seed of a shuffle: the user's, else one drawn from the global seeded stream or from crypto. */
export function baseSeed(seed: number | undefined): number {
  return seed !== undefined ? Math.trunc(seed) >>> 0 : rngFor().nextUint32();
}

export function epochRng(base: number, epoch: number, rank = -1): Rng {
  return new Rng(mixSeed(base, epoch, rank));
}
