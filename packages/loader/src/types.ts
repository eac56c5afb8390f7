/**
 * Public types of the loader: options of each chain step, batch and sample shapes.
 * @module
 */
import type { NDArray } from "@shoal/core";
import type { SampleValue } from "@shoal/views";
import type { WorkerSpawner } from "./workers/host.ts";

/** How a tensor's samples reach the batch: decoded array (default), the stored bytes, or an RGBA image. */
export type DecodeMethod = "numpy" | "tobytes" | "image";

/** An `ImageData`-like RGBA image (usable with canvas `putImageData` after `new ImageData(data, width)`). */
export interface ImageLike {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/** One sample as a transform sees it: tensor name → value (plus `index` when requested). */
export type Sample = Record<string, SampleValue | Uint8Array | ImageLike | number>;

/** A batch: tensor name → stacked NDArray when shapes agree, else one value per sample; `index` = root rows. */
export type Batch = Record<string, NDArray | NDArray[] | string[] | Uint8Array[] | ImageLike[] | unknown[]>;

export type TransformFn = (sample: Sample) => unknown;
export type TensorTransform = (value: Sample[string]) => unknown;
export type Transform = TransformFn | Record<string, TensorTransform | null>;

export interface DataLoaderOptions {
  /** Skip (and count) samples that fail to read, decode or transform instead of failing the epoch. */
  ignoreErrors?: boolean;
  /** Log steps: `true` uses `console.debug`, a function receives each message. */
  verbose?: boolean | ((message: string) => void);
}

export interface BatchOptions {
  /** Drop the last batch when it is smaller than `size`. */
  dropLast?: boolean;
}

export interface ShuffleOptions {
  /** Shuffle buffer capacity in MiB (default 2048, as Deep Lake). Bigger buffers mix more, and fill longer. */
  bufferSizeMB?: number;
  /** Seed of the chunk-order schedule and of the buffer: same seed, same order, epoch by epoch. */
  seed?: number;
}

export interface SampleByOptions {
  /** Draw with replacement (default true). */
  replace?: boolean;
  /** Rows to draw (default: the loader's row count). */
  size?: number;
  seed?: number;
}

export interface NumpyOptions {
  /** Decode workers (0: decode on the calling thread). Capped at the core count. */
  numWorkers?: number;
  /** Tensors to load, in batch key order (default: all). */
  tensors?: string[];
  /** Concurrent reads from the source (default 4). */
  numThreads?: number;
  /** Batches decoded ahead per worker (default 2). */
  prefetchFactor?: number;
  /** Per tensor: `numpy` (default), `tobytes` or `image`. */
  decodeMethod?: Record<string, DecodeMethod>;
  /** Keep workers alive between epochs (until `close()`). */
  persistentWorkers?: boolean;
  /**
   * Recycle batch arrays: a batch's arrays are valid until the next batch is requested, then refilled (copy what you
   * keep). Default false (every batch gets fresh arrays). Saves the page faults of fresh multi-MB buffers, which
   * dominate raw-tensor epochs.
   */
  reuseBatches?: boolean;
  /**
   * Read raw fixed-shape samples (when the column has `readManyInto`) at the moment their batch is cut, each copied
   * once straight into the batch. The shuffle buffer then holds only row numbers, and each batch makes one ranged read
   * per chunk it draws on, which is best on local files and caches. When false, samples are read ahead chunk by chunk,
   * one request per chunk, and wait in the buffer, which is best on high-latency object stores (S3, HTTP). Default:
   * true, false when the column reports `remote`. Both settings give the same batches. Chunk-compressed samples ignore
   * this option (see the README).
   */
  batchReads?: boolean;
  /** Add `index` (root row indices, uint32) to each batch. */
  returnIndex?: boolean;
  /** Merges the samples of a batch (after transform) into whatever the training loop wants. */
  collate?: (samples: unknown[]) => unknown;
  /** Shard rows across ranks: rank r gets the r-th contiguous `ceil(n / worldSize)` slice of the epoch order. */
  distributed?: { rank: number; worldSize: number };
  /** How to start a decode worker (default: Web Workers, or worker_threads on Node). */
  spawner?: WorkerSpawner;
  /** Samples done / total of the current epoch, after each batch. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}
