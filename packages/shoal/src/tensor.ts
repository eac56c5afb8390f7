/**
 * `Tensor`: one column of a Dataset (or a slice of it). Reads return NDArrays (stacked when shapes agree), strings
 * or JSON values; writes go through the owning Dataset so they are validated by @shoal/htypes first.
 * @module
 */
import { type DType, InvalidArgumentError, type NDArray, ShapeError, equalShapes, isDType, stack } from "@shoal/core";
import type { SliceSpec, TensorEngine, TensorMeta } from "@shoal/chunks";
import type { SampleInput } from "@shoal/htypes";
import { resolveIndex, sliceIndices } from "./indexing.ts";
import { Info } from "./info.ts";
import { toNpy } from "./npy.ts";
import { fromEngineValue } from "./samples.ts";

/** What a Tensor needs from its Dataset. */
export interface TensorHost {
  engineTensor(name: string): TensorEngine;
  extendTensor(name: string, samples: readonly SampleInput[], opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal }): Promise<void>;
  updateTensor(name: string, indices: readonly number[], samples: readonly SampleInput[]): Promise<void>;
  popTensor(name: string, index: number | undefined): Promise<void>;
  setTensorInfo(name: string, info: Record<string, unknown>): void;
}

/** Tensor settings as stored (FORMAT.md §3.2), plus its current length and shape bounds. */
export interface TensorMetaView extends TensorMeta {
  length: number;
  minShape: number[];
  maxShape: number[];
  /** Label names of class_label tensors (`info.class_names`). */
  classNames?: string[];
}

export interface NumpyOptions {
  /** Return a list of samples instead of one stacked array. */
  aslist?: boolean;
  signal?: AbortSignal;
}

const EXTENSIONS: Record<string, string> = { jpeg: "jpg", "nii.gz": "nii.gz" };

export class Tensor {
  readonly #host: TensorHost;
  readonly #name: string;
  /** Selected sample indices; null means every sample. */
  readonly #indices: readonly number[] | null;
  /** Set by `at(i)`: this view is one sample. */
  readonly #single: boolean;
  readonly #sub: SliceSpec | null;

  constructor(host: TensorHost, name: string, indices: readonly number[] | null = null, single = false, sub: SliceSpec | null = null) {
    this.#host = host;
    this.#name = name;
    this.#indices = indices;
    this.#single = single;
    this.#sub = sub;
  }

  get #engine(): TensorEngine {
    return this.#host.engineTensor(this.#name);
  }

  /** The tensor's name (group path included). */
  get name(): string {
    return this.#name;
  }
  /** Deep Lake's `tensor.key`. */
  get key(): string {
    return this.#name;
  }
  get htype(): string {
    const m = this.#engine.tensorMeta;
    const base = m.isLink ? `link[${m.htype}]` : m.htype;
    return m.isSequence ? `sequence[${base}]` : base;
  }
  get dtype(): DType | null {
    return this.#engine.tensorMeta.dtype;
  }
  get meta(): TensorMetaView {
    const e = this.#engine;
    const names = e.tensorMeta.info.class_names;
    return {
      ...structuredClone(e.tensorMeta), length: e.length, minShape: [...e.minShape], maxShape: [...e.maxShape],
      ...(Array.isArray(names) ? { classNames: [...(names as string[])] } : {}),
    };
  }
  get info(): Info {
    return new Info(() => this.#engine.tensorMeta.info, (next) => this.#host.setTensorInfo(this.#name, next));
  }
  get isView(): boolean {
    return this.#indices !== null;
  }
  /** Number of samples (of this view). */
  get length(): number {
    return this.#indices ? this.#indices.length : this.#engine.length;
  }
  get numSamples(): number {
    return this.length;
  }

  /**
   * Shape with `null` where samples differ: `[length, ...sampleDims]` for the tensor, the sample's shape bounds for
   * `at(i)` views. Exact per-sample shapes: `shapes()`.
   */
  get shape(): (number | null)[] {
    const e = this.#engine;
    const dims = e.maxShape.map((d, i) => (e.minShape[i] === d ? d : null));
    return this.#single ? dims : [this.length, ...dims];
  }

  /** Positions in the tensor this view covers. */
  indices(): number[] {
    return this.#indices ? [...this.#indices] : Array.from({ length: this.#engine.length }, (_, i) => i);
  }

  /** One sample as a view; extra arguments slice inside it (`at(0, [10, 20])` is `images[0, 10:20]`). */
  at(index: number, ...sub: (number | readonly [number, number])[]): Tensor {
    if (this.#single) throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(this.#name)}: at() on a single-sample view; slice inside it with at(i, ...axes)`);
    const pos = resolveIndex(index, this.length, this.#name);
    const global = this.#indices ? this.#indices[pos]! : pos;
    sub.forEach((s, axis) => {
      const ok = Number.isInteger(s) || (Array.isArray(s) && s.length === 2 && Number.isInteger(s[0]) && Number.isInteger(s[1]));
      if (!ok) throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(this.#name)}, sample ${global}: axis ${axis} takes an integer or a [start, stop] pair of integers, got ${JSON.stringify(s) ?? String(s)}`);
    });
    return new Tensor(this.#host, this.#name, [global], true, sub.length > 0 ? sub : null);
  }

  /** A Python-style slice `[start:stop:step]` of this tensor (or view), or an explicit index list. */
  slice(start?: number | readonly number[] | null, stop?: number | null, step?: number | null): Tensor {
    if (this.#single) throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(this.#name)}: cannot slice a single-sample view`);
    const base = this.indices();
    let picked: number[];
    if (Array.isArray(start)) picked = (start as readonly number[]).map((i) => base[resolveIndex(i, base.length, this.#name)]!);
    else picked = sliceIndices(base.length, start as number | null | undefined, stop, step).map((i) => base[i]!);
    return new Tensor(this.#host, this.#name, picked, false, null);
  }

  async #values(opts?: { signal?: AbortSignal }): Promise<unknown[]> {
    const e = this.#engine;
    const meta = e.tensorMeta;
    if (this.#single && this.#sub) return [await e.readSlice(this.#indices![0]!, this.#sub, opts)];
    const raw = this.#indices ? await e.readMany(this.#indices, opts) : await e.readRange(0, e.length, opts);
    return raw.map((v) => fromEngineValue(meta, v));
  }

  /**
   * The samples: one NDArray (stacked when every sample has the same shape), or a list when `aslist` is set or
   * shapes differ. An `at(i)` view returns the sample itself. Text tensors give strings, json/list tensors values.
   */
  async numpy(opts?: NumpyOptions): Promise<NDArray | unknown[] | unknown> {
    const values = await this.#values(opts);
    if (this.#single) return values[0];
    if (opts?.aslist) return values;
    const meta = this.#engine.tensorMeta;
    if (meta.encoding !== "array" || values.some((v) => !isArray(v))) return values;
    const arrays = values as NDArray[];
    if (arrays.length === 0) return { dtype: meta.dtype ?? "float32", shape: [0], data: new (globalThis.Float32Array)(0) } as unknown as NDArray;
    const first = arrays[0]!;
    return arrays.every((a) => a.dtype === first.dtype && equalShapes(a.shape, first.shape)) ? stack(arrays) : arrays;
  }

  /**
   * The samples as one NDArray (an `at(i)` view: the sample itself). ShapeError when samples differ in shape (read
   * them with `numpy({ aslist: true })`), InvalidArgumentError for text, json and list tensors.
   */
  async array(opts?: { signal?: AbortSignal }): Promise<NDArray> {
    this.#expect(["array"], "array()");
    const v = await this.numpy(opts);
    if (!isArray(v)) {
      throw new ShapeError(`[shoal] tensor ${JSON.stringify(this.#name)}: samples differ in shape (or are not arrays, e.g. polygons); use numpy({ aslist: true })`);
    }
    return v;
  }

  /** Text samples: a string for `at(i)`, else one string per sample. */
  async text(opts?: { signal?: AbortSignal }): Promise<string | string[]> {
    this.#expect(["text"], "text()");
    const v = (await this.#values(opts)) as string[];
    return this.#single ? v[0]! : v;
  }

  /** JSON samples. */
  async dict(opts?: { signal?: AbortSignal }): Promise<unknown> {
    this.#expect(["json"], "dict()");
    const v = await this.#values(opts);
    return this.#single ? v[0] : v;
  }

  /** List samples. */
  async list(opts?: { signal?: AbortSignal }): Promise<unknown> {
    this.#expect(["list"], "list()");
    const v = await this.#values(opts);
    return this.#single ? v[0] : v;
  }

  /** Deep Lake's `tensor.data()`: `{ value }`, plus `text` (label names) for class_label tensors. */
  async data(opts?: { signal?: AbortSignal }): Promise<{ value: unknown; text?: string | string[] }> {
    const meta = this.#engine.tensorMeta;
    const values = await this.#values(opts);
    const value = this.#single ? values[0] : values;
    if (meta.htype !== "class_label") return { value };
    const names = Array.isArray(meta.info.class_names) ? (meta.info.class_names as string[]) : [];
    const label = (a: unknown) => Array.from((a as NDArray).data as ArrayLike<number | bigint>, (x) => names[Number(x)] ?? String(x)).join(",");
    return { value, text: this.#single ? label(value) : (value as unknown[]).map(label) };
  }

  /** Sample `index` of this view, decoded (an NDArray, string, JSON value, or list of polygon arrays). */
  async read(index: number, opts?: { signal?: AbortSignal }): Promise<unknown> {
    return fromEngineValue(this.#engine.tensorMeta, await this.#engine.read(this.#global(index), opts));
  }

  /** Samples at positions of this view, in the given order (each chunk fetched once). */
  async readMany(positions: ArrayLike<number>, opts?: { signal?: AbortSignal }): Promise<unknown[]> {
    const e = this.#engine;
    if (typeof positions !== "object" || positions === null || typeof positions.length !== "number") {
      throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(this.#name)}: readMany takes a list of positions`);
    }
    const globals = Array.from(positions, (p) => this.#global(p));
    return (await e.readMany(globals, opts)).map((v) => fromEngineValue(e.tensorMeta, v));
  }

  /** Exact shape of every sample of this view. */
  async shapes(opts?: { signal?: AbortSignal }): Promise<number[][]> {
    const e = this.#engine;
    return Promise.all(this.indices().map(async (i) => [...(await e.shape(i, opts))]));
  }

  /** The stored bytes of sample `index` of this view and their compression (null: raw array bytes). */
  async readBytes(index: number, opts?: { signal?: AbortSignal }): Promise<{ bytes: Uint8Array; compression: string | null }> {
    return this.#engine.readBytes(this.#global(index), opts);
  }

  /**
   * Stored bytes of samples at positions of this view, in the given order: one ranged read per chunk, nearby
   * samples coalesced (a viewer fetching a screenful of images makes a few requests, not one per image).
   */
  async readBytesMany(positions: ArrayLike<number>, opts?: { signal?: AbortSignal }): Promise<{ bytes: Uint8Array; compression: string | null }[]> {
    if (typeof positions !== "object" || positions === null || typeof positions.length !== "number") {
      throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(this.#name)}: readBytesMany takes a list of positions`);
    }
    const globals = Array.from(positions, (p) => this.#global(p));
    return this.#engine.readBytesMany(globals, opts);
  }

  /**
   * Sample `index` as a file: the stored file for sample-compressed tensors (png, jpg, wav …), `.npy` for other
   * arrays, `.txt` for text, `.json` for json, list, polygon and link samples.
   */
  async exportSample(index: number, opts?: { signal?: AbortSignal }): Promise<{ bytes: Uint8Array; extension: string }> {
    const e = this.#engine;
    const meta = e.tensorMeta;
    const i = this.#global(index);
    if (meta.encoding === "text") return { bytes: new TextEncoder().encode((await e.read(i, opts)) as string), extension: "txt" };
    if (meta.encoding !== "array") return { bytes: new TextEncoder().encode(JSON.stringify(await e.read(i, opts))), extension: "json" };
    if (meta.sampleCompression && !isBytesCodec(meta.sampleCompression)) {
      const { bytes } = await e.readBytes(i, opts);
      if (bytes.byteLength > 0) return { bytes, extension: EXTENSIONS[meta.sampleCompression] ?? meta.sampleCompression };
    }
    return { bytes: toNpy((await e.read(i, opts)) as NDArray), extension: "npy" };
  }

  #global(index: number): number {
    const pos = resolveIndex(index, this.length, this.#name);
    return this.#indices ? this.#indices[pos]! : pos;
  }

  #expect(encodings: string[], what: string): void {
    const enc = this.#engine.tensorMeta.encoding;
    if (!encodings.includes(enc)) throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(this.#name)} (htype ${this.htype}): ${what} is for ${encodings.join("/")} tensors`);
  }

  #assertWhole(what: string): void {
    if (this.#indices) throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(this.#name)}: ${what} on a view; call it on the tensor`);
  }

  // ---------- writes ----------

  async append(sample: SampleInput, opts?: { signal?: AbortSignal }): Promise<void> {
    this.#assertWhole("append");
    await this.#host.extendTensor(this.#name, [sample], opts ?? {});
  }

  async extend(samples: readonly SampleInput[] | Iterable<SampleInput>, opts?: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal }): Promise<void> {
    this.#assertWhole("extend");
    if (isArray(samples)) {
      // An NDArray batch: its first axis indexes samples.
      const batch = samples as NDArray;
      if (batch.shape.length === 0) throw new ShapeError(`[shoal] tensor ${JSON.stringify(this.#name)}: extend with an NDArray needs a leading sample axis (got a 0-d array; use append)`);
      const [n = 0, ...rest] = batch.shape;
      const each = rest.reduce((a, b) => a * b, 1);
      const items = Array.from({ length: n }, (_, i) => ({ dtype: batch.dtype, shape: rest, data: batch.data.subarray(i * each, (i + 1) * each) }) as NDArray);
      await this.#host.extendTensor(this.#name, items as unknown as SampleInput[], opts ?? {});
      return;
    }
    if (typeof samples === "string" || typeof (samples as Partial<Iterable<SampleInput>> | null)?.[Symbol.iterator] !== "function") {
      throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(this.#name)}: extend takes an array (or iterable) of samples or an NDArray batch, got ${samples === null ? "null" : typeof samples}`);
    }
    await this.#host.extendTensor(this.#name, [...(samples as Iterable<SampleInput>)], opts ?? {});
  }

  /**
   * Replaces samples: `update(i, sample)` on a tensor, `update(sample)` on an `at(i)` view, `update(samples)` on a
   * slice (one sample per position).
   */
  async update(indexOrSample: number | SampleInput, sample?: SampleInput): Promise<void> {
    if (this.#sub) throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(this.#name)}: partial updates inside a sample are not supported`);
    if (typeof indexOrSample === "number" && arguments.length >= 2) {
      await this.#host.updateTensor(this.#name, [this.#global(indexOrSample)], [sample]);
      return;
    }
    if (this.#single) {
      await this.#host.updateTensor(this.#name, this.#indices!, [indexOrSample as SampleInput]);
      return;
    }
    const list = indexOrSample as readonly SampleInput[];
    if (!Array.isArray(list) || list.length !== this.length) {
      throw new InvalidArgumentError(`[shoal] tensor ${JSON.stringify(this.#name)}: update of a ${this.length}-sample view needs ${this.length} samples`);
    }
    await this.#host.updateTensor(this.#name, this.indices(), list);
  }

  /** Removes sample `index` (default: the last). */
  async pop(index?: number): Promise<void> {
    this.#assertWhole("pop");
    await this.#host.popTensor(this.#name, index === undefined ? undefined : resolveIndex(index, this.length, this.#name));
  }

  toString(): string {
    return `Tensor(key=${JSON.stringify(this.#name)}${this.#indices ? `, index=${this.#single ? this.#indices[0] : `[${this.#indices.length} samples]`}` : ""})`;
  }
}

function isArray(v: unknown): v is NDArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v && isDType((v as NDArray).dtype);
}

const BYTES_CODECS = new Set(["lz4", "lz4-frame", "deflate", "zlib", "gzip"]);
function isBytesCodec(name: string): boolean {
  return BYTES_CODECS.has(name);
}
