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
    this.update({ [key]: value });
  }

  /** Merges `entries` into the info (Deep Lake's `info.update(...)`). Values must be JSON-serialisable. */
  update(entries: Record<string, unknown>): void {
    if (typeof entries !== "object" || entries === null || Array.isArray(entries)) throw new InvalidArgumentError("[shoal] info.update takes a plain object");
    for (const [k, v] of Object.entries(entries)) {
      if (v === undefined || JSON.stringify(v) === undefined) throw new InvalidArgumentError(`[shoal] info key ${JSON.stringify(k)}: value is not JSON-serialisable`);
    }
    this.#write({ ...this.#read(), ...structuredClone(entries) });
  }

  /** Removes `key`; without a key, clears every entry. */
  delete(key?: string): boolean {
    const cur = this.#read();
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
