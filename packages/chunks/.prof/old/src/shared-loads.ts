/**
 * Loads shared by concurrent callers, one per key at a time: a cold chunk read by many samples at once is fetched
 * (and its header parsed) once, not once per sample.
 * @module
 */

interface Load<T> {
  promise: Promise<T>;
  signal: AbortSignal | undefined;
  joined: number;
}

export class SharedLoads<T> {
  readonly #loads = new Map<string, Load<T>>();

  /**
   * Runs `load` for `key` unless a load of it is in flight, in which case this call joins that one. `settle` runs
   * synchronously when the load succeeds, once no one can join any more, with the number of calls that joined it
   * (the first included), each of which receives the value. A load that failed because the signal of the call that
   * started it aborted is started again for joined calls whose own signal has not.
   */
  async run(key: string, signal: AbortSignal | undefined, load: (signal: AbortSignal | undefined) => Promise<T>, settle?: (value: T, joined: number) => void): Promise<T> {
    for (;;) {
      let current = this.#loads.get(key);
      if (!current) {
        const started: Load<T> = { promise: Promise.resolve(undefined as T), signal, joined: 0 };
        started.promise = load(signal).then(
          (value) => {
            if (this.#loads.get(key) === started) this.#loads.delete(key);
            settle?.(value, started.joined);
            return value;
          },
          (error: unknown) => {
            if (this.#loads.get(key) === started) this.#loads.delete(key);
            throw error;
          },
        );
        this.#loads.set(key, started);
        current = started;
      }
      current.joined++;
      try {
        return await current.promise;
      } catch (error) {
        if (current.signal !== signal && current.signal?.aborted === true && signal?.aborted !== true) continue;
        throw error;
      }
    }
  }

  /** Keys with a load in flight (for tests). */
  get size(): number {
    return this.#loads.size;
  }
}
