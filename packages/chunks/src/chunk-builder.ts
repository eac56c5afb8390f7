/**
 * Packs samples into one chunk buffer. The payload is written after a reserved gap so that sealing can place the
 * header right before it and hand the store a subarray: an uncompressed chunk costs one copy per sample, and no
 * copy at seal time. Samples of at least a checksum group's size are hashed as they are copied in, while their bytes
 * are still in cache, and their checksum is used as is when the chunk turns out to have one sample per group.
 * @module
 */
import type { DType } from "@shoal/core";
import type { BytesCodec } from "./codec-types.ts";
import { type Encoding, FLAG_CHUNK_COMPRESSED, FLAG_TILE, FLAG_UNIFORM_SHAPE, FLAG_UNIFORM_SIZE, type HeaderFields, headerLengthOf, writeHeader } from "./chunk-format.ts";
import { giveBuffer, hasBuffer, takeBuffer } from "./buffer-pool.ts";
import { xxh32 } from "@shoal/codecs";

const RESERVE = 64 * 1024;
/** Checksum groups span at least this many bytes, so tiny samples do not cost 4 checksum bytes each. */
const GROUP_BYTES = 4096;

class U32Vec {
  data = new Uint32Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }
  grow(min: number): void {
    let n = this.data.length * 2;
    while (n < min) n *= 2;
    const next = new Uint32Array(n);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

export interface BuilderSpec {
  dtype: DType | null;
  encoding: Encoding;
  ndim: number;
  sampleCodec: string;
  chunkCodecName: string;
  chunkCodec: BytesCodec | null;
  /** Target payload size of the chunk (the tensor's maxChunkSize), which bounds buffer growth. */
  maxBytes?: number;
}

export interface SealedChunk {
  bytes: Uint8Array;
  /** Returns the buffer to the pool; call once the store no longer needs `bytes`. */
  release(): void;
}

export class ChunkBuilder {
  readonly spec: BuilderSpec;
  #buf: Uint8Array;
  #used = 0;
  #shapes = new U32Vec();
  #offsets = new U32Vec();
  /** xxh32 of sample i when it has at least GROUP_BYTES bytes (else 0, and hashed at seal if needed). */
  #sums = new U32Vec();
  #sealed = false;
  /** Capacity of a full chunk buffer (the size the pool keeps), or 0 when the target size is unknown. */
  readonly #full: number;

  constructor(spec: BuilderSpec, capacityHint: number) {
    this.spec = spec;
    this.#full = spec.maxBytes !== undefined ? RESERVE + spec.maxBytes : 0;
    const want = RESERVE + Math.max(capacityHint, 1024);
    // A free full-size buffer costs nothing and saves every growth step; otherwise start at the hint.
    this.#buf = this.#full > 0 && (want >= this.#full / 4 || hasBuffer(this.#full)) && want <= this.#full ? takeBuffer(this.#full) : new Uint8Array(want);
    this.#offsets.push(0);
  }

  get count(): number {
    return this.#offsets.length - 1;
  }

  /** Payload bytes so far. */
  get size(): number {
    return this.#used;
  }

  #ensure(extra: number): void {
    const need = RESERVE + this.#used + extra;
    if (need <= this.#buf.byteLength) return;
    // Growing 4× at a time: a chunk filled from 64 KB to 16 MB by small samples (passthrough JPEGs) then copies its
    // bytes about a third of a time over instead of once.
    let cap = this.#buf.byteLength * 4;
    while (cap < need) cap *= 4;
    // The engine seals before a chunk passes its target size, so more than that is never needed; past a quarter of
    // it, going straight to full size saves the last copies and yields a buffer the pool can keep.
    const full = this.#full;
    if (full > 0 && need <= full && (cap >= full / 4 || hasBuffer(full))) cap = full;
    const next = cap === full ? takeBuffer(full) : new Uint8Array(cap);
    next.set(this.#buf.subarray(RESERVE, RESERVE + this.#used), RESERVE);
    this.#giveBack(this.#buf.buffer as ArrayBuffer);
    this.#buf = next;
  }

  #giveBack(buffer: ArrayBuffer): void {
    if (this.#full > 0 && buffer.byteLength === this.#full) giveBuffer(buffer);
  }

  /** Checksums the sample just copied to `[at, at + n)` when it makes a checksum group of its own. */
  #hashSample(at: number, n: number): void {
    this.#sums.push(n >= GROUP_BYTES && !this.spec.chunkCodec ? xxh32(this.#buf, RESERVE + at, RESERVE + at + n) : 0);
  }

  /** Copies one sample's stored bytes in. */
  add(bytes: Uint8Array, shape: readonly number[]): void {
    this.#ensure(bytes.byteLength);
    this.#buf.set(bytes, RESERVE + this.#used);
    this.#hashSample(this.#used, bytes.byteLength);
    this.#used += bytes.byteLength;
    this.#offsets.push(this.#used);
    for (const d of shape) this.#shapes.push(d);
  }

  /** Copies `count` samples of one shape, `bytes.byteLength / count` bytes each, in one go. */
  addUniform(bytes: Uint8Array, count: number, shape: readonly number[]): void {
    this.#ensure(bytes.byteLength);
    this.#buf.set(bytes, RESERVE + this.#used);
    const each = count === 0 ? 0 : bytes.byteLength / count;
    const start = this.#used;
    this.#used += bytes.byteLength;
    if (this.#offsets.data.length < this.#offsets.length + count) this.#offsets.grow(this.#offsets.length + count);
    for (let i = 1; i <= count; i++) this.#offsets.data[this.#offsets.length++] = start + i * each;
    if (this.#sums.data.length < this.#sums.length + count) this.#sums.grow(this.#sums.length + count);
    for (let i = 0; i < count; i++) this.#hashSample(start + i * each, each);
    if (shape.length > 0) {
      if (this.#shapes.data.length < this.#shapes.length + count * shape.length) this.#shapes.grow(this.#shapes.length + count * shape.length);
      for (let i = 0; i < count; i++) for (const d of shape) this.#shapes.data[this.#shapes.length++] = d;
    }
  }

  /** View of sample `i`'s stored bytes (valid until the next add or seal). */
  sample(i: number): Uint8Array {
    const o = this.#offsets.data;
    return this.#buf.subarray(RESERVE + o[i]!, RESERVE + o[i + 1]!);
  }

  shape(i: number): number[] {
    const d = this.spec.ndim;
    return Array.from(this.#shapes.data.subarray(i * d, (i + 1) * d));
  }

  /** Builds the chunk object. The builder is unusable afterwards. */
  seal(opts?: { tile?: boolean }): SealedChunk {
    if (this.#sealed) throw new Error("[shoal] internal: chunk sealed twice");
    this.#sealed = true;
    const n = this.count;
    const d = this.spec.ndim;
    const shapes = this.#shapes.view();
    const offsets = this.#offsets.view();
    let uniformShape = true;
    for (let i = d; i < shapes.length && uniformShape; i++) if (shapes[i] !== shapes[i % d]) uniformShape = false;
    let uniformSize = true;
    const each = n === 0 ? 0 : this.#used / n;
    for (let i = 1; i <= n && uniformSize; i++) if (offsets[i] !== i * each) uniformSize = false;
    const payload = this.#buf.subarray(RESERVE, RESERVE + this.#used);
    const codec = this.spec.chunkCodec;
    const stored = codec ? codec.encode(payload) : payload;
    let groupSize = 0;
    let checksums: Uint32Array;
    if (codec) {
      checksums = Uint32Array.of(xxh32(stored));
    } else {
      const avg = n === 0 ? 0 : this.#used / n;
      groupSize = avg >= GROUP_BYTES ? 1 : Math.ceil(GROUP_BYTES / Math.max(avg, 1));
      checksums = new Uint32Array(Math.ceil(n / groupSize));
      const sums = this.#sums.data;
      for (let g = 0; g < checksums.length; g++) {
        const first = g * groupSize;
        const last = Math.min(n, first + groupSize);
        const start = offsets[first]!;
        const end = offsets[last]!;
        checksums[g] = groupSize === 1 && end - start >= GROUP_BYTES ? sums[first]! : xxh32(payload, start, end);
      }
    }
    const fields: HeaderFields = {
      flags: (codec ? FLAG_CHUNK_COMPRESSED : 0) | (uniformShape ? FLAG_UNIFORM_SHAPE : 0) | (uniformSize ? FLAG_UNIFORM_SIZE : 0) | (opts?.tile ? FLAG_TILE : 0),
      count: n,
      dtype: this.spec.dtype,
      encoding: this.spec.encoding,
      ndim: d,
      sampleCodec: this.spec.sampleCodec,
      chunkCodec: codec ? this.spec.chunkCodecName : "",
      payloadLength: this.#used,
      storedLength: stored.byteLength,
      groupSize,
      shapes: uniformShape ? shapes.slice(0, n === 0 ? 0 : d) : shapes,
      offsets: uniformSize ? null : offsets,
      checksums,
    };
    if (n === 0) fields.shapes = new Uint32Array(d);
    const H = headerLengthOf(fields);
    const buffer = this.#buf.buffer as ArrayBuffer;
    if (!codec && H <= RESERVE) {
      writeHeader(fields, this.#buf, RESERVE - H);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        this.#giveBack(buffer);
      };
      return { bytes: this.#buf.subarray(RESERVE - H, RESERVE + this.#used), release };
    }
    const out = new Uint8Array(H + stored.byteLength);
    writeHeader(fields, out, 0);
    out.set(stored, H);
    this.#giveBack(buffer);
    return { bytes: out, release: () => {} };
  }

  /** Drops the builder without sealing, returning its buffer. */
  discard(): void {
    if (this.#sealed) return;
    this.#sealed = true;
    this.#giveBack(this.#buf.buffer as ArrayBuffer);
  }
}
