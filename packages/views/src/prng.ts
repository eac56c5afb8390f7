/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32) and the process-wide seed, the counterpart of
 * `deeplake.random.seed`: sampling, `RANDOM()` and `randomSplit` are reproducible once a seed is set.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";

export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new InvalidArgumentError(`[shoal] random seed must be a finite number, got ${seed}`);
    let s = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  random(): number {
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
    return a;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let globalRng: Rng | undefined;

/** Sets (or with `null` clears) the process-wide seed used when an operation gets no `seed` of its own. */
export function setSeed(seed: number | null): void {
  globalRng = seed === null ? undefined : new Rng(seed);
}

/** An Rng for one operation: from `seed`, else drawn from the process-wide seeded stream, else from crypto. */
export function rngFor(seed?: number): Rng {
  if (seed !== undefined) return new Rng(seed);
  if (globalRng) return new Rng(globalRng.nextUint32() * 4294967296 + globalRng.nextUint32());
  const buf = new Uint32Array(2);
  crypto.getRandomValues(buf);
  return new Rng(buf[0]! * 4294967296 + buf[1]!);
}
