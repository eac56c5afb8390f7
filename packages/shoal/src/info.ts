/**
 * `Info`: the user dict of a dataset or tensor (Deep Lake's `ds.info` / `tensor.info`). Every change is handed to
 * the owner at once, so it is persisted at the next flush like any other write.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";

export class Info {
  readonly #read: () => Record<string, unknown>;
  readonly #write: (next: Record<string, unknown>) => void;

  constructor(read: () => Record<string, unknown>, write: (next: Record<string, unknown>) => void) {
    this.#read = read;
    this.#write = write;
  }

  get(key: string): unknown {
    const v = this.#read()[key];
    return v === undefined ? undefined : structuredClone(v);
  }

  has(key: string): boolean {
    return Object.hasOwn(this.#read(), key);
  }

  keys(): string[] {
    return Object.keys(this.#read());
  }

  get size(): number {
    return this.keys().length;
  }

  set(key: string, value: unknown): void {
    assertInfoKey(key, "info.set");
    this.update({ [key]: value });
  }

  /**
   * Merges `entries` into the info (Deep Lake's `info.update(...)`). Values must be JSON values (null, booleans,
   * finite numbers, strings, arrays and plain objects of them), so what is read back after a reload is what was set.
   */
  update(entries: Record<string, unknown>): void {
    if (typeof entries !== "object" || entries === null || Array.isArray(entries)) throw new InvalidArgumentError("[shoal] info.update takes a plain object");
    for (const [k, v] of Object.entries(entries)) {
      assertInfoKey(k, "info.update");
      assertJsonValue(v, JSON.stringify(k), new Set());
    }
    this.#write({ ...this.#read(), ...structuredClone(entries) });
  }

  /** Removes `key`; without a key, clears every entry. */
  delete(key?: string): boolean {
    const cur = this.#read();
    if (key !== undefined) assertInfoKey(key, "info.delete");
    if (key === undefined) {
      this.#write({});
      return true;
    }
    if (!Object.hasOwn(cur, key)) return false;
    const next = { ...cur };
    delete next[key];
    this.#write(next);
    return true;
  }

  clear(): void {
    this.delete();
  }

  toJSON(): Record<string, unknown> {
    return structuredClone(this.#read());
  }
}

function assertInfoKey(key: unknown, what: string): void {
  if (typeof key !== "string" || key === "") throw new InvalidArgumentError(`[shoal] ${what}: info keys are non-empty strings, got ${JSON.stringify(key) ?? String(key)}`);
}

/** Throws unless `v` survives JSON unchanged; `path` names the offending entry (`"a".b[2]`). */
function assertJsonValue(v: unknown, path: string, seen: Set<object>): void {
  const bad = (why: string) => new InvalidArgumentError(`[shoal] info key ${path}: ${why}; info values must be JSON (null, booleans, finite numbers, strings, arrays, plain objects)`);
  if (v === null || typeof v === "boolean" || typeof v === "string") return;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw bad(`${v} is not a finite number`);
    return;
  }
  if (typeof v !== "object") throw bad(v === undefined ? "undefined is not JSON (delete the key instead)" : `a ${typeof v} is not JSON`);
  if (seen.has(v)) throw bad("the value is circular");
  seen.add(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) assertJsonValue(v[i], `${path}[${i}]`, seen);
  } else {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw bad(`a ${(v as object).constructor?.name ?? "non-plain"} object is not JSON`);
    for (const [k, item] of Object.entries(v)) assertJsonValue(item, `${path}.${k}`, seen);
  }
  seen.delete(v);
}
