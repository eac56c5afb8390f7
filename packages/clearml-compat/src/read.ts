/**
 * Reads content objects back from packs. A pack needed for several segments is fetched once and shared (dropped
 * when its last planned use is done); a pack needed for one segment is range-read when the store can.
 * @module
 */
import type { Store } from "@shoal/storage";
import { inflateRaw } from "./compress.ts";
import { CorruptContentError } from "./errors.ts";
import { keys, wrapStorage } from "./layout.ts";
import type { Segment } from "./types.ts";

export class ContentReader {
  readonly #store: Store;
  readonly #signal: AbortSignal | undefined;
  readonly #uses = new Map<string, number>();
  readonly #packs = new Map<string, Promise<Uint8Array>>();

  /** `plan`: the segment lists that will be read, so shared packs are fetched once. */
  constructor(store: Store, plan: Iterable<Segment[]>, signal?: AbortSignal) {
    this.#store = store;
    this.#signal = signal;
    for (const segments of plan) for (const s of segments) this.#uses.set(s[0], (this.#uses.get(s[0]) ?? 0) + 1);
  }

  /** The raw bytes of one object, segment by segment. */
  async *pieces(sha256: string, segments: Segment[]): AsyncIterable<Uint8Array> {
    for (const segment of segments) {
      this.#signal?.throwIfAborted();
      yield await this.#segment(sha256, segment);
    }
  }

  async #segment(sha256: string, [packId, offset, stored, raw, method]: Segment): Promise<Uint8Array> {
    const key = keys.pack(packId);
    const uses = this.#uses.get(packId) ?? 0;
    let bytes: Uint8Array | undefined;
    if (uses <= 1 && this.#store.capabilities.rangeRead && !this.#packs.has(packId)) {
      bytes = await this.#get(key, { offset, length: stored });
    } else {
      let pending = this.#packs.get(packId);
      if (!pending) {
        pending = this.#get(key).then((b) => {
          if (!b) throw new CorruptContentError(key, `pack missing (needed for content ${sha256})`);
          return b;
        });
        this.#packs.set(packId, pending);
      }
      const whole = await pending;
      if (offset + stored > whole.length) throw new CorruptContentError(key, `segment [${offset}, ${offset + stored}) lies outside the ${whole.length}-byte pack`);
      bytes = whole.subarray(offset, offset + stored);
    }
    this.#uses.set(packId, uses - 1);
    if (uses - 1 <= 0) this.#packs.delete(packId);
    if (!bytes || bytes.length !== stored) throw new CorruptContentError(key, `segment at ${offset} is missing or short (content ${sha256})`);
    return method === 1 ? inflateRaw(bytes, raw, key) : bytes;
  }

  async #get(key: string, range?: { offset: number; length: number }): Promise<Uint8Array | undefined> {
    try {
      return await this.#store.get(key, { range, signal: this.#signal });
    } catch (e) {
      if (this.#signal?.aborted) throw e;
      throw wrapStorage(key, e);
    }
  }
}
