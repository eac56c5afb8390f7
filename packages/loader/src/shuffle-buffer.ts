/**
 * Deep Lake's shuffle buffer over record ids, bounded in bytes: fill until the next record would overflow the
 * capacity, then each arriving record swaps with a random resident one, which is emitted; at the end the residents
 * drain in random order. Every record is emitted exactly once. Ids and sizes live in typed arrays that grow by
 * doubling, so the steady state allocates nothing per sample.
 * @module
 */
import type { Rng } from "@shoal/views";

export class ShuffleBuffer {
  private ids: Int32Array;
  private sizes: Float64Array;
  private count = 0;
  private used = 0;
  /** Records that arrived while the buffer was empty and too small to hold them. */
  tooSmall = 0;

  private readonly capacityBytes: number;
  private readonly rng: Rng;

  /** `expected`: how many records will pass (the epoch's length), so the arrays rarely need to grow. */
  constructor(capacityBytes: number, rng: Rng, expected = 1024) {
    this.capacityBytes = capacityBytes;
    this.rng = rng;
    const initial = Math.max(16, Math.min(expected, 1 << 20));
    this.ids = new Int32Array(initial);
    this.sizes = new Float64Array(initial);
  }

  get length(): number {
    return this.count;
  }

  /** Offers a record; calls `emit` with the record that leaves the buffer, if any. */
  push(id: number, size: number, emit: (id: number) => void): void {
    if (this.used + size <= this.capacityBytes) {
      if (this.count === this.ids.length) this.grow();
      this.ids[this.count] = id;
      this.sizes[this.count++] = size;
      this.used += size;
      return;
    }
    if (this.count === 0) {
      this.tooSmall++;
      emit(id);
      return;
    }
    const j = this.rng.int(this.count);
    const out = this.ids[j]!;
    this.used += size - this.sizes[j]!;
    this.ids[j] = id;
    this.sizes[j] = size;
    emit(out);
  }

  /** Emits every resident record in random order and empties the buffer. */
  drain(emit: (id: number) => void): void {
    while (this.count > 0) {
      const j = this.rng.int(this.count);
      const out = this.ids[j]!;
      this.count--;
      this.ids[j] = this.ids[this.count]!;
      this.sizes[j] = this.sizes[this.count]!;
      emit(out);
    }
    this.used = 0;
  }

  private grow(): void {
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    const sizes = new Float64Array(this.sizes.length * 2);
    sizes.set(this.sizes);
    this.ids = ids;
    this.sizes = sizes;
  }
}
