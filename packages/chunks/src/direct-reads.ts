/**
 * Planning of `readManyInto`'s direct reads: samples of one uncompressed chunk read with `Store.readInto` straight
 * into their slots of the caller's buffer, one copy from the store (the page cache) to the batch.
 * @module
 */
import { type ChunkHeader, groupOf, sampleRange } from "./chunk-format.ts";

/** What to read directly, what to verify from the caller's buffer, and which samples take the buffered path. */
export interface DirectPlan {
  /** Triples `[payloadStart, payloadEnd, destByte]`: one `readInto` each. */
  readonly runs: number[];
  /** Pairs `[local, destByte]`: the checksum group holding sample `local` lies whole at `destByte` after the runs. */
  readonly checks: number[];
  /** Positions `j` (into `locals`) whose group cannot be verified from the buffer: read them the buffered way. */
  readonly buffered: number[];
}

/**
 * Plans the direct reads of samples `locals` of one uncompressed chunk, sample `locals[j]` going to byte `dests[j]` of
 * the caller's buffer. Samples adjacent in the chunk whose slots are adjacent too share one read. A checksum group
 * that `needsCheck` is verified from the buffer only when one read covers it whole (every sample of the group asked
 * for, in order, in adjacent slots); the samples of any other such group are left to the buffered path, which reads
 * and verifies whole groups, so the verify guarantees are those of the buffered path.
 */
export function planDirectReads(header: ChunkHeader, locals: readonly number[], dests: readonly number[], needsCheck: (group: number) => boolean): DirectPlan {
  const n = locals.length;
  // Walked in slot order, so a run grows while the next slot holds the next bytes of the chunk (a duplicate sample
  // elsewhere in the batch cannot break it, as it would in chunk order).
  const bySlot = Uint32Array.from({ length: n }, (_, j) => j).sort((a, b) => dests[a]! - dests[b]!);
  const excluded = new Uint8Array(n);
  const buffered: number[] = [];
  for (;;) {
    const runs: number[] = [];
    /** Run of each position, as an index into `runs`' triples. */
    const runOf = new Int32Array(n).fill(-1);
    for (const j of bySlot) {
      if (excluded[j]) continue;
      const [s, e] = sampleRange(header, locals[j]!);
      const last = runs.length - 3;
      if (last >= 0 && runs[last + 1] === s && runs[last + 2]! + (s - runs[last]!) === dests[j]) runs[last + 1] = e;
      else runs.push(s, e, dests[j]!);
      runOf[j] = runs.length / 3 - 1;
    }
    const checks: number[] = [];
    const covered = new Map<number, boolean>();
    for (let j = 0; j < n; j++) {
      if (excluded[j] || header.groupSize === 0) continue;
      const g = Math.floor(locals[j]! / header.groupSize);
      if (covered.get(g) === true || !needsCheck(g)) continue;
      const r = 3 * runOf[j]!;
      const group = groupOf(header, locals[j]!);
      const whole = runs[r]! <= group.start && group.end <= runs[r + 1]!;
      if (whole) checks.push(locals[j]!, runs[r + 2]! + group.start - runs[r]!);
      covered.set(g, whole || covered.get(g) === true);
    }
    let dropped = false;
    for (let j = 0; j < n; j++) {
      if (excluded[j]) continue;
      const g = header.groupSize === 0 ? -1 : Math.floor(locals[j]! / header.groupSize);
      if (covered.get(g) === false) {
        excluded[j] = 1;
        buffered.push(j);
        dropped = true;
      }
    }
    // Dropping samples splits runs only outside the groups that were covered, so one more pass settles the plan.
    if (!dropped) return { runs, checks, buffered };
  }
}
