// Corruption trials over a whole store: every stored object is deleted, truncated and bit-flipped in turn, and the
// reader must then return exactly the original data or raise a typed error that names the damaged object.
import { MemoryStore, type Store } from "@shoal/storage";
import { type Rng } from "./mutate.ts";
import { type Tally, classifyError, describe, record, tally } from "./outcome.ts";

export type Snapshot = Map<string, Uint8Array>;

export async function snapshot(store: Store): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for await (const k of store.list("")) out.set(k, (await store.get(k))!);
  return out;
}

export async function restore(snap: Snapshot, change: (key: string) => Uint8Array | undefined | null, target: string): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const [k, v] of snap) {
    const bytes = k === target ? change(k) : v;
    if (bytes) await store.set(k, bytes);
  }
  return store;
}

export interface Damage {
  kind: string;
  apply(bytes: Uint8Array): Uint8Array | undefined;
}

/** delete, truncate to 0 / half / all but the last byte, and `flips` single-bit flips at random offsets. */
export function damages(size: number, rng: Rng, flips: number): Damage[] {
  const out: Damage[] = [
    { kind: "delete", apply: () => undefined },
    { kind: "truncate to 0", apply: () => new Uint8Array(0) },
    { kind: "truncate to half", apply: (b) => b.slice(0, b.length >> 1) },
    { kind: "truncate last byte", apply: (b) => b.slice(0, Math.max(0, b.length - 1)) },
  ];
  for (let i = 0; i < flips && size > 0; i++) {
    const at = rng.nextUint32() % size;
    const bit = rng.nextUint32() % 8;
    out.push({ kind: `flip bit ${bit} of byte ${at}`, apply: (b) => {
      const c = b.slice();
      c[at]! ^= 1 << bit;
      return c;
    } });
  }
  return out;
}

export interface KindTally extends Tally {
  /** Typed errors whose message did not name the damaged object. */
  unnamed: number;
}

export interface CorruptionRun {
  byKind: Map<string, KindTally>;
  total: KindTally;
}

/**
 * Runs every damage on every key (grouped by `kindOf`), reading with `readAll`. `keyNamed(e, key)` says whether the
 * error points at the object (its key, or its uid inside the message).
 */
export async function corruptionTrials(
  snap: Snapshot,
  opts: { kindOf(key: string): string | null; readAll(store: Store): Promise<string>; rng: Rng; flips: number; keysPerKind?: number },
): Promise<CorruptionRun> {
  const expected = await opts.readAll(await restore(snap, () => null, ""));
  const byKind = new Map<string, KindTally>();
  const total: KindTally = { ...tally(), unnamed: 0 };
  const seen = new Map<string, number>();
  for (const [key, bytes] of snap) {
    const kind = opts.kindOf(key);
    if (kind === null) continue;
    const n = seen.get(kind) ?? 0;
    if (opts.keysPerKind !== undefined && n >= opts.keysPerKind) continue;
    seen.set(kind, n + 1);
    let t = byKind.get(kind);
    if (!t) byKind.set(kind, (t = { ...tally(), unnamed: 0 }));
    for (const d of damages(bytes.length, opts.rng, opts.flips)) {
      const store = await restore(snap, () => d.apply(bytes), key);
      const what = `${d.kind} of ${key}`;
      let outcome: "same" | "typed" | "crash" | "silent";
      try {
        outcome = (await opts.readAll(store)) === expected ? "same" : "silent";
      } catch (e) {
        outcome = classifyError(e);
        if (outcome === "typed" && !namesKey(e, key)) {
          t.unnamed++;
          total.unnamed++;
          if (t.failures.length < 20) t.failures.push(`unnamed: ${what}: ${describe(e)}`);
        }
        if (outcome === "crash") {
          record(t, outcome, `${what}: ${describe(e)}`);
          record(total, outcome, `${what}: ${describe(e)}`);
          continue;
        }
      }
      record(t, outcome, what);
      record(total, outcome, what);
    }
  }
  return { byKind, total };
}

function namesKey(e: unknown, key: string): boolean {
  const text = `${(e as Error).message} ${String((e as { key?: unknown }).key ?? "")}`;
  const leaf = key.split("/").pop()!.replace(/\.json$/, "");
  return text.includes(key) || text.includes(leaf);
}
