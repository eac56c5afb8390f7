/**
 * `dataloader(source)`: the immutable builder (each step at most once, as Deep Lake's guards) and its terminal
 * `numpy()`, an async iterable of batches; each `for await` is one epoch.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { type TensorColumn, type TensorSource, type View, view } from "@shoal/views";
import { BatchBuffers } from "./batch-buffers.ts";
import { runEpoch } from "./epoch.ts";
import { LoaderConfigError } from "./errors.ts";
import { BATCH_KEYS, DATALOADER_KEYS, NUMPY_KEYS, SAMPLE_BY_KEYS, SHUFFLE_KEYS, checkOptionKeys } from "./option-keys.ts";
import { baseSeed, epochRng } from "./rng.ts";
import { chunkOrder, denseChunks, identityOrder, rotate, shard } from "./schedule.ts";
import { ShuffleBuffer } from "./shuffle-buffer.ts";
import { type TensorPlan, planTensor } from "./tensor-plan.ts";
import type { BatchOptions, DataLoaderOptions, NumpyOptions, SampleByOptions, ShuffleOptions, Transform } from "./types.ts";
import { type Weights, runQuery, runSampleBy } from "./views-bridge.ts";
import { defaultSpawner } from "./workers/spawn.ts";
import { WorkerPool } from "./workers/pool.ts";

type Step = { kind: "query"; tql: string } | { kind: "sampleBy"; weights: Weights; options: SampleByOptions };

interface State {
  readonly source: TensorSource;
  readonly options: DataLoaderOptions;
  readonly batch?: { size: number; dropLast: boolean };
  readonly shuffle?: { bufferSizeMB: number; seed: number; seeded: boolean };
  readonly transform?: Transform;
  readonly offset?: number;
  readonly steps: readonly Step[];
  readonly numpy?: NumpyOptions;
}

/** Mutable per-terminal state: resolved view, tensor plans, workers, counters. */
interface Runtime {
  view?: View;
  plans?: TensorPlan[];
  /** Per view position, computed once per loader: dense chunk numbers and root rows. */
  chunks?: { ids: Uint32Array; count: number };
  roots?: Uint32Array;
  pool?: WorkerPool;
  epoch: number;
  skipped: number;
  running: number;
}

const MB = 1024 * 1024;

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`[shoal] ${name} must be a positive integer, got ${v}`);
}

function hardwareThreads(): number {
  const g = globalThis as { navigator?: { hardwareConcurrency?: number }; process?: { getBuiltinModule?: (id: string) => unknown } };
  const n = g.navigator?.hardwareConcurrency;
  if (typeof n === "number" && n > 0) return n;
  // Node 20 has no navigator: more workers than cores only fight over them, so ask node:os.
  const os = g.process?.getBuiltinModule?.("node:os") as { availableParallelism?: () => number } | undefined;
  const m = os?.availableParallelism?.();
  return typeof m === "number" && m > 0 ? m : Infinity;
}

export class DataLoader implements AsyncIterable<unknown> {
  readonly #state: State;
  readonly #rt: Runtime = { epoch: 0, skipped: 0, running: 0 };

  constructor(state: State) {
    this.#state = state;
  }

  #with(patch: Partial<State>): DataLoader {
    return new DataLoader({ ...this.#state, ...patch });
  }

  /** Samples per batch (default 1); `dropLast` drops a short final batch. */
  batch(size: number, options: BatchOptions = {}): DataLoader {
    checkOptionKeys("batch", options, BATCH_KEYS);
    if (this.#state.batch) throw new LoaderConfigError("batch size is already set");
    positiveInt("batch size", size);
    return this.#with({ batch: { size, dropLast: options.dropLast ?? false } });
  }

  /** Chunk-order shuffle plus a shuffle buffer of `bufferSizeMB`; reproducible with `seed`. */
  shuffle(options: ShuffleOptions = {}): DataLoader {
    checkOptionKeys("shuffle", options, SHUFFLE_KEYS);
    if (this.#state.shuffle) throw new LoaderConfigError("shuffle is already set");
    const bufferSizeMB = options.bufferSizeMB ?? 2048;
    if (!(bufferSizeMB >= 0) || !Number.isFinite(bufferSizeMB)) throw new InvalidArgumentError(`[shoal] bufferSizeMB must be a non-negative number, got ${bufferSizeMB}`);
    if (options.seed !== undefined && !Number.isFinite(options.seed)) throw new InvalidArgumentError(`[shoal] seed must be a finite number, got ${options.seed}`);
    return this.#with({ shuffle: { bufferSizeMB, seed: baseSeed(options.seed), seeded: options.seed !== undefined } });
  }

  /** A function of each sample, or `{ tensor: fn | null }` (only the listed tensors are loaded and returned). */
  transform(transform: Transform): DataLoader {
    if (this.#state.transform) throw new LoaderConfigError("transform is already set");
    if (typeof transform !== "function" && (typeof transform !== "object" || transform === null)) {
      throw new InvalidArgumentError("[shoal] transform must be a function or an object of per-tensor functions");
    }
    if (typeof transform !== "function") {
      for (const [k, fn] of Object.entries(transform)) {
        if (fn !== null && typeof fn !== "function") throw new InvalidArgumentError(`[shoal] transform for ${JSON.stringify(k)} must be a function or null`);
      }
      if (this.#state.numpy?.tensors) throw new LoaderConfigError("Tensors have already been specified in the .numpy() method.");
    }
    return this.#with({ transform });
  }

  /** Restricts the loader to the rows of a TQL query (runs through @shoal/views). */
  query(tql: string): DataLoader {
    if (typeof tql !== "string") throw new InvalidArgumentError("[shoal] query must be a TQL string");
    return this.#with({ steps: [...this.#state.steps, { kind: "query", tql }] });
  }

  /** Weighted sampling of rows (a TQL weight expression or per-row weights), through @shoal/views. */
  sampleBy(weights: Weights, options: SampleByOptions = {}): DataLoader {
    checkOptionKeys("sampleBy", options, SAMPLE_BY_KEYS);
    return this.#with({ steps: [...this.#state.steps, { kind: "sampleBy", weights, options }] });
  }

  /** Iteration starts at sample `n` and wraps around to the start. */
  offset(n: number): DataLoader {
    if (this.#state.offset !== undefined) throw new LoaderConfigError("offset is already set");
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`[shoal] offset must be a non-negative integer, got ${n}`);
    return this.#with({ offset: n });
  }

  /** The terminal step: batches of NDArrays (stacked when shapes agree), strings or JSON values. */
  numpy(options: NumpyOptions = {}): DataLoader {
    checkOptionKeys("numpy", options, NUMPY_KEYS);
    if (this.#state.numpy) throw new LoaderConfigError("already called .numpy()");
    const { numWorkers = 0, numThreads = 4, prefetchFactor = 2, tensors, distributed } = options;
    if (!Number.isInteger(numWorkers) || numWorkers < 0) throw new InvalidArgumentError(`[shoal] numWorkers must be a non-negative integer, got ${numWorkers}`);
    positiveInt("numThreads", numThreads);
    positiveInt("prefetchFactor", prefetchFactor);
    for (const key of ["reuseBatches", "batchReads"] as const) {
      if (options[key] !== undefined && typeof options[key] !== "boolean") throw new InvalidArgumentError(`[shoal] ${key} must be a boolean, got ${String(options[key])}`);
    }
    if (tensors) {
      if (tensors.includes("index")) throw new LoaderConfigError("index is not a tensor, to get index, pass returnIndex: true");
      if (this.#state.transform && typeof this.#state.transform !== "function") {
        throw new LoaderConfigError("Tensors have already been specified by passing a dictionary to .transform() method");
      }
    }
    if (distributed) {
      const { rank, worldSize } = distributed;
      positiveInt("worldSize", worldSize);
      if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) throw new InvalidArgumentError(`[shoal] rank must be an integer in [0, ${worldSize}), got ${rank}`);
      if (this.#state.shuffle && !this.#state.shuffle.seeded) {
        throw new LoaderConfigError("distributed shuffle needs shuffle({ seed }) shared by every rank, or the shards overlap");
      }
    }
    return this.#with({ numpy: { ...options } });
  }

  /** Samples skipped so far because of errors (with `ignoreErrors`). */
  get skipped(): number {
    return this.#rt.skipped;
  }

  /** Decode workers currently alive. */
  get activeWorkers(): number {
    return this.#rt.pool?.alive ?? 0;
  }

  /** Batches per epoch on this rank: ceil(n / (batch · worldSize)), floor with dropLast. */
  get length(): number {
    const n = this.#rowsOrThrow();
    const b = this.#state.batch?.size ?? 1;
    const w = this.#state.numpy?.distributed?.worldSize ?? 1;
    return this.#state.batch?.dropLast ? Math.floor(n / (b * w)) : Math.ceil(n / (b * w));
  }

  #rowsOrThrow(): number {
    if (this.#state.steps.length === 0) return this.#state.source.length;
    if (!this.#rt.view) throw new LoaderConfigError("length is unknown until the query has run: await loader.prepare() first");
    return this.#rt.view.length;
  }

  /** Runs the query/sampling steps and plans the tensors (iteration does this on its own). */
  async prepare(options: { signal?: AbortSignal } = {}): Promise<this> {
    await this.#resolve(options.signal);
    return this;
  }

  /** Stops the workers (persistent ones included). */
  close(): void {
    this.#rt.pool?.terminate();
    this.#rt.pool = undefined;
  }

  #log(message: string): void {
    const v = this.#state.options.verbose;
    if (typeof v === "function") v(message);
    else if (v) console.debug(`[shoal loader] ${message}`);
  }

  #tensorNames(v: View): string[] {
    const t = this.#state.transform;
    if (t && typeof t !== "function") return Object.keys(t).filter((k) => k !== "index");
    return this.#state.numpy?.tensors ?? [...v.tensorNames()];
  }

  async #resolve(signal: AbortSignal | undefined): Promise<{ view: View; plans: TensorPlan[] }> {
    if (!this.#rt.view) {
      let v = view(this.#state.source);
      // Canonical order whatever the call order: queries and sampling first, the shuffle schedule at iteration.
      for (const step of this.#state.steps) {
        v = step.kind === "query" ? await runQuery(v, step.tql, signal) : await runSampleBy(v, step.weights, step.options, signal);
        this.#log(`${step.kind}: ${v.length} rows`);
      }
      this.#rt.view = v;
    }
    const v = this.#rt.view;
    if (!this.#rt.plans) {
      const numpy = this.#state.numpy ?? {};
      const names = this.#tensorNames(v);
      const methods = numpy.decodeMethod ?? {};
      for (const t of Object.keys(methods)) {
        if (!names.includes(t)) throw new LoaderConfigError(`tensor ${t} specified in decode_method not found in tensors.`);
      }
      const useWorkers = (numpy.numWorkers ?? 0) > 0;
      const reads = { buffered: (this.#state.shuffle?.bufferSizeMB ?? 0) > 0, batchReads: numpy.batchReads };
      this.#rt.plans = await Promise.all(names.map((n) => planTensor(v, n, methods[n] ?? "numpy", useWorkers, reads, signal)));
      this.#log(`tensors: ${this.#rt.plans.map((p) => `${p.name} (${p.kind})`).join(", ")}`);
    }
    return { view: v, plans: this.#rt.plans };
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<unknown> {
    const numpy = this.#state.numpy ?? {};
    const signal = numpy.signal;
    const { view: v, plans } = await this.#resolve(signal);
    const epoch = this.#rt.epoch++;
    const n = v.length;
    const shuffle = this.#state.shuffle;
    const { rank = 0, worldSize = 1 } = numpy.distributed ?? {};
    const primary = plans.find((p) => p.kind !== "column") ?? plans[0];
    this.#rt.chunks ??= denseChunks(primary ? await chunkIdsOf(v, primary.name, signal) : null, n);
    const roots = (this.#rt.roots ??= v.sampleIndices);
    const chunkOf = this.#rt.chunks;
    let order = shuffle ? chunkOrder(chunkOf, epochRng(shuffle.seed, epoch)) : identityOrder(n);
    if (this.#state.offset) {
      if (shuffle && !shuffle.seeded) this.#log("offset with an unseeded shuffle: the order is not reproducible");
      order = rotate(order, this.#state.offset);
    }
    order = shard(order, rank, worldSize);
    const numWorkers = Math.min(numpy.numWorkers ?? 0, hardwareThreads(), Math.max(1, Math.ceil(order.length / (this.#state.batch?.size ?? 1))));
    const hasCodec = plans.some((p) => p.kind === "codec" && p.method === "numpy") || (numWorkers > 0 && plans.some((p) => p.kind === "codec"));
    if (numWorkers > 0 && hasCodec && !this.#rt.pool) {
      this.#rt.pool = new WorkerPool(numpy.spawner ?? defaultSpawner(), numWorkers);
      this.#log(`started ${numWorkers} decode workers`);
    }
    const pool = hasCodec ? this.#rt.pool ?? null : null;
    const batchSize = this.#state.batch?.size ?? 1;
    const total = order.length;
    let done = 0;
    const prefetch = (numpy.prefetchFactor ?? 2) * Math.max(1, pool ? pool.size : 1);
    const buffers = new BatchBuffers(numpy.reuseBatches ?? false, prefetch + 2);
    this.#rt.running++;
    try {
      const epochIterator = runEpoch({
        order,
        chunkOf: chunkOf.ids,
        roots,
        tensors: plans,
        batchSize,
        dropLast: this.#state.batch?.dropLast ?? false,
        buffer: shuffle ? new ShuffleBuffer(shuffle.bufferSizeMB * MB, epochRng(shuffle.seed, epoch, rank), order.length) : null,
        ignoreErrors: this.#state.options.ignoreErrors ?? false,
        numThreads: numpy.numThreads ?? 4,
        prefetch,
        buffers,
        pool,
        transform: this.#state.transform ?? null,
        collate: numpy.collate ?? null,
        returnIndex: numpy.returnIndex ?? false,
        signal,
        onSkip: (k) => {
          this.#rt.skipped += k;
        },
        log: (m) => this.#log(m),
      });
      for await (const batch of epochIterator) {
        done = Math.min(total, done + batchSize);
        numpy.onProgress?.(done, total);
        yield batch;
        // The consumer asked for the next batch: with reuseBatches, this one's arrays may now be refilled.
        buffers.release(batch);
      }
      this.#log(`epoch ${epoch} done: ${total} samples, ${this.#rt.skipped} skipped so far`);
    } finally {
      this.#rt.running--;
      if (!numpy.persistentWorkers || (this.#rt.pool && this.#rt.pool.alive === 0)) this.close();
    }
  }
}

/** Chunk ids in view order, when the stored column under the view has them (a view alone reports zeros). */
async function chunkIdsOf(v: View, name: string, signal: AbortSignal | undefined): Promise<Uint32Array | null> {
  const root = v.source;
  if (!root.tensorNames().includes(name) || typeof root.tensor(name).chunkIds !== "function") return null;
  const col = v.tensor(name) as TensorColumn;
  return col.chunkIds ? col.chunkIds({ signal }) : null;
}

/** Starts a loader over a TensorSource (a dataset, a view, or any reader implementing the interface). */
export function dataloader(source: TensorSource, options: DataLoaderOptions = {}): DataLoader {
  if (!source || typeof source.tensor !== "function" || typeof source.tensorNames !== "function") {
    throw new InvalidArgumentError("[shoal] dataloader needs a TensorSource (length, tensorNames(), tensor(name))");
  }
  checkOptionKeys("dataloader", options, DATALOADER_KEYS);
  return new DataLoader({ source, options, steps: [] });
}
