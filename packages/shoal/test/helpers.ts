// Shared fixtures of the shoal tests: real PNG/JPEG files made with @shoal/codecs, and store key listings.
import { type NDArray, ndarray } from "@shoal/core";
import { getSampleCodec } from "@shoal/codecs";
import type { Store } from "@shoal/storage";

export function pixels(h: number, w: number, c: number, seed: number): NDArray<"uint8"> {
  const data = new Uint8Array(h * w * c);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + seed * 31) & 0xff;
  return ndarray("uint8", [h, w, c], data);
}

export async function pngFile(h: number, w: number, seed: number): Promise<Uint8Array> {
  const codec = await getSampleCodec("png");
  return codec.encode!(pixels(h, w, 3, seed));
}

export async function jpegFile(h: number, w: number, seed: number): Promise<Uint8Array> {
  const codec = await getSampleCodec("jpeg");
  return codec.encode!(pixels(h, w, 3, seed));
}

export async function keysOf(store: Store, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const k of store.list(prefix)) out.push(k);
  return out.sort();
}

/** Every key and value of a store, for "nothing changed" comparisons. */
export async function snapshotStore(store: Store): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const k of await keysOf(store)) {
    const v = await store.get(k);
    out.set(k, v ? Array.from(v.subarray(0, 64)).join(",") + `/${v.length}` : "");
  }
  return out;
}

export function arr(a: unknown): number[] {
  return Array.from((a as NDArray).data as ArrayLike<number | bigint>, Number);
}

/** Awaits `p` and checks that it rejected with a shoal error of one of `codes`. */
export async function rejects(p: Promise<unknown> | (() => Promise<unknown>), ...codes: string[]): Promise<unknown> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    const code = (e as { code?: string })?.code;
    if (codes.length > 0 && !codes.includes(code ?? "")) throw new Error(`expected ${codes.join("|")}, got ${code}: ${(e as Error)?.message}`, { cause: e });
    return e;
  }
  throw new Error(`expected a rejection with ${codes.join("|")}, but it resolved`);
}
