/**
 * Chunk buffers kept for reuse. A 16 MB chunk buffer costs ~3 ms to allocate (zeroing and first-touch page faults);
 * ingest seals one every ~100 samples of 224×224×3, so a fresh one per chunk was a tenth of the raw ingest time.
 * Only full-size buffers (a tensor's chunk capacity) are kept, by exact size, so a pooled buffer never ends up
 * backing a small chunk and then growing anyway. A buffer enters the pool only when nothing references it any more:
 * a sealed chunk's buffer once the store has finished writing it.
 * @module
 */

/** Buffers kept per size: one open chunk plus the writes in flight need about this many. */
const PER_SIZE = 4;
/** Bytes kept in all, so many tensors of different chunk sizes cannot pin much memory. */
const MAX_POOLED_BYTES = 96 << 20;

const free = new Map<number, ArrayBuffer[]>();
let pooledBytes = 0;

/** A buffer of exactly `bytes` bytes, from the pool when one is free (its old contents are not cleared). */
export function takeBuffer(bytes: number): Uint8Array {
  const list = free.get(bytes);
  const b = list?.pop();
  if (b) {
    pooledBytes -= bytes;
    return new Uint8Array(b);
  }
  return new Uint8Array(bytes);
}

/** Whether a buffer of exactly `bytes` bytes is free now. */
export function hasBuffer(bytes: number): boolean {
  return (free.get(bytes)?.length ?? 0) > 0;
}

/** Hands a buffer back. The caller must hold no view of it any more. */
export function giveBuffer(buffer: ArrayBuffer): void {
  const bytes = buffer.byteLength;
  if (pooledBytes + bytes > MAX_POOLED_BYTES) return;
  let list = free.get(bytes);
  if (!list) free.set(bytes, (list = []));
  if (list.length >= PER_SIZE || list.includes(buffer)) return;
  list.push(buffer);
  pooledBytes += bytes;
}

/** Bytes currently pooled (for tests). */
export function pooledBufferBytes(): number {
  return pooledBytes;
}
