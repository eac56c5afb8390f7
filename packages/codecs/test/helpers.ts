import { isShoalError } from "@shoal/core";

const loaded = new Map<string, Uint8Array>();

interface NodeFs {
  readFileSync(path: URL): Uint8Array;
}

/**
 * Reads files of test/fixtures once, before the tests: from disk where the runtime has node:fs (reached through
 * process.getBuiltinModule, so this file still bundles for a browser), by fetch elsewhere (a browser gets them from
 * the test server, relative to the bundle).
 */
export async function loadFixtures(names: string[]): Promise<void> {
  const fs = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.("node:fs") as NodeFs | undefined;
  await Promise.all(
    names.map(async (name) => {
      const url = new URL(`./fixtures/${name}`, import.meta.url);
      if (url.protocol === "file:" && fs) return loaded.set(name, new Uint8Array(fs.readFileSync(url)));
      const res = await fetch(url);
      if (!res.ok) throw new Error(`fixture ${name}: ${res.status} from ${url.href}`);
      loaded.set(name, new Uint8Array(await res.arrayBuffer()));
    }),
  );
}

/** A fresh copy (tests flip bytes in place) of a fixture that loadFixtures read. */
export function fixture(name: string): Uint8Array {
  const bytes = loaded.get(name);
  if (!bytes) throw new Error(`fixture ${name} was not loaded: add it to the test file's loadFixtures([...])`);
  return bytes.slice();
}

/** gunzip with the web-standard DecompressionStream: an implementation independent of the codecs under test. */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** mulberry32: deterministic random numbers so failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(n: number, seed: number): Uint8Array {
  const rnd = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (rnd() * 256) | 0;
  return out;
}

/** Runs of repeated bytes mixed with short random stretches: exercises long and overlapping matches. */
export function runs(n: number, seed: number): Uint8Array {
  const rnd = prng(seed);
  const out = new Uint8Array(n);
  let i = 0;
  while (i < n) {
    const len = 1 + ((rnd() * (rnd() < 0.3 ? 2000 : 20)) | 0);
    const v = (rnd() * 256) | 0;
    const random = rnd() < 0.3;
    for (let j = 0; j < len && i < n; j++, i++) out[i] = random ? (rnd() * 256) | 0 : v;
  }
  return out;
}

/** Smooth gradients plus noise, like pixel rows (the perf-scripts `imageLike` idea). */
export function imageLike(n: number, seed: number, noise = 4): Uint8Array {
  const rnd = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.max(0, Math.min(255, 128 + 100 * Math.sin(i / 3000) + 20 * Math.cos(i / 41) + (rnd() * 2 - 1) * noise)) | 0;
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when `fn` throws a shoal error with `code` (and, if given, a message matching `pattern`). */
export function throwsCode(fn: () => unknown, code: string, pattern?: RegExp): boolean {
  try {
    fn();
  } catch (e) {
    if (!isShoalError(e, code)) throw e;
    if (pattern && !pattern.test(e.message)) throw new Error(`message ${JSON.stringify(e.message)} does not match ${pattern}`);
    return true;
  }
  return false;
}

export async function rejectsCode(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<boolean> {
  try {
    await p;
  } catch (e) {
    if (!isShoalError(e, code)) throw e;
    if (pattern && !pattern.test(e.message)) throw new Error(`message ${JSON.stringify(e.message)} does not match ${pattern}`);
    return true;
  }
  return false;
}

/** XORs byte `i` of `a` with `mask` in place and returns `a`. */
export function flip(a: Uint8Array, i: number, mask: number): Uint8Array {
  a[i] = a[i]! ^ mask;
  return a;
}
