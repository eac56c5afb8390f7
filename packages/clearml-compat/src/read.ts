/**
 * Reads content objects back from packs. The segments that will be read are known up front, so neighbouring
 * segments of a pack are grouped into spans of up to 16 MiB, each fetched with one ranged read and dropped once its
 * last segment is consumed: few requests, sequential I/O, and memory bounded by the spans in use rather than by the
 * pack size. Stores without ranged reads fetch each pack once and share it.
 * @module
 */
import type { Store } from "@shoal/storage";
import { inflateRaw } from "./compress.ts";
import { CorruptContentError } from "./errors.ts";
import { keys, wrapStorage } from "./layout.ts";
import type { Segment } from "./types.ts";

/** Span target: big enough for sequential throughput, small enough that a few in flight stay cheap. */
const SPAN_BYTES = 16 * 1024 * 1024;
/** A gap up to this size between wanted segments is read through rather than splitting the span. */
const GAP_BYTES = 256 * 1024;

interface Span {
  pack: string;
  start: number;
  end: number;
  uses: number;
  bytes?: Promise<Uint8Array>;
  /** The following span of the same pack: fetched as soon as this one is, so reading overlaps with writing. */
  next?: Span;
}

/**
 * Content whose bytes do not hash to its SHA-256: some pack holding one of its segments is damaged. The error's key
 * is the first such pack and the message lists them all.
 */
export function contentMismatch(sha256: string, segments: Segment[], detail: string): CorruptContentError {
  const packs = [...new Set(segments.map((s) => keys.pack(s[0])))];
  const where = packs.length > 1 ? ` (its segments are in ${packs.join(", ")})` : "";
  return new CorruptContentError(packs[0] ?? `content ${sha256}`, `${detail}, not to its SHA-256 ${sha256}${where}`);
}

export class ContentReader {
  readonly #store: Store;
  readonly #signal: AbortSignal | undefined;
  readonly #inflate: ((bytes: Uint8Array, expected: number) => Promise<Uint8Array>) | undefined;
  /** `pack:offset` → the span holding that segment. */
  readonly #spanOf = new Map<string, Span>();

  /** `plan`: the segment lists that will be read. Segments outside the plan are read on their own. */
  constructor(store: Store, plan: Iterable<Segment[]>, signal?: AbortSignal, inflate?: (bytes: Uint8Array, expected: number) => Promise<Uint8Array>) {
    this.#store = store;
    this.#signal = signal;
    this.#inflate = inflate;
    const byPack = new Map<string, Segment[]>();
    for (const segments of plan) {
      for (const s of segments) {
        const list = byPack.get(s[0]);
        if (list) list.push(s);
        else byPack.set(s[0], [s]);
      }
    }
    const ranged = store.capabilities.rangeRead;
    for (const [pack, segments] of byPack) {
      segments.sort((a, b) => a[1] - b[1]);
      let span: Span | undefined;
      for (const s of segments) {
        const end = s[1] + s[2];
        const fits = span !== undefined && (!ranged || (s[1] - span.end <= GAP_BYTES && end - span.start <= SPAN_BYTES));
        if (!span || !fits) {
          const previous: Span | undefined = span;
          span = { pack, start: s[1], end, uses: 0 };
          if (previous) previous.next = span;
        }
        span.end = Math.max(span.end, end);
        span.uses++;
        this.#spanOf.set(`${pack}:${s[1]}`, span);
      }
    }
  }

  /** The raw bytes of one object, segment by segment. */
  async *pieces(sha256: string, segments: Segment[]): AsyncIterable<Uint8Array> {
    for (const segment of segments) {
      this.#signal?.throwIfAborted();
      yield await this.segment(sha256, segment);
    }
  }

  /** One segment's raw (inflated) bytes. */
  async segment(sha256: string, [packId, offset, stored, raw, method]: Segment): Promise<Uint8Array> {
    const key = keys.pack(packId);
    const span = this.#spanOf.get(`${packId}:${offset}`);
    let bytes: Uint8Array;
    if (!span) {
      bytes = await this.#fetch(key, sha256, this.#store.capabilities.rangeRead ? { offset, length: stored } : undefined, offset);
    } else {
      this.#load(span, key, sha256);
      if (span.next && span.next.uses > 0) this.#load(span.next, key, sha256);
      let whole: Uint8Array;
      try {
        whole = await (span.bytes as Promise<Uint8Array>);
      } finally {
        if (--span.uses <= 0) span.bytes = undefined;
      }
      bytes = whole.subarray(offset - span.start, offset - span.start + stored);
    }
    if (bytes.length !== stored) throw new CorruptContentError(key, `segment [${offset}, ${offset + stored}) is missing or short (content ${sha256})`);
    return method === 1 ? inflateRaw(bytes, raw, key, this.#inflate) : bytes;
  }

  #load(span: Span, key: string, sha256: string): void {
    if (span.bytes) return;
    const range = this.#store.capabilities.rangeRead ? { offset: span.start, length: span.end - span.start } : undefined;
    span.bytes = this.#fetch(key, sha256, range, span.start);
    // A prefetched span nobody reads (the run failed) must not surface as an unhandled rejection.
    span.bytes.catch(() => undefined);
  }

  /** A range (or the whole pack), rebased so that index 0 is pack offset `base`. */
  async #fetch(key: string, sha256: string, range: { offset: number; length: number } | undefined, base: number): Promise<Uint8Array> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.#store.get(key, { range, signal: this.#signal });
    } catch (e) {
      if (this.#signal?.aborted) throw e;
      if ((e as { code?: string }).code === "RangeError") throw new CorruptContentError(key, `pack is shorter than its index says (content ${sha256})`, { cause: e });
      throw wrapStorage(key, e);
    }
    if (!bytes) throw new CorruptContentError(key, `pack missing (needed for content ${sha256})`);
    return range ? bytes : bytes.subarray(base);
  }
}
