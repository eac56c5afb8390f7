// Test sources: the 12-row conformance dataset of tql-cases-public.json, a counting wrapper to observe reads,
// and a JPEG tensor whose stored bytes are real JPEG files (decoded by @shoal/codecs).
import { type NDArray, ndarray } from "@shoal/core";
import { getSampleCodec } from "@shoal/codecs";
import { MemorySource, type ColumnMeta, type ReadOptions, type SampleValue, type TensorColumn, type TensorSource } from "@shoal/views";

const shapes: [number, number, number][] = [
  [100, 100, 3], [120, 80, 3], [64, 64, 1], [200, 150, 3], [100, 200, 3], [64, 64, 3],
  [150, 150, 3], [80, 120, 3], [32, 32, 1], [256, 256, 3], [100, 100, 3], [48, 64, 3],
];

function filled(shape: number[], fill: number): NDArray {
  const a = ndarray("uint8", shape);
  (a.data as Uint8Array).fill(fill);
  return a;
}

/** The 12-row dataset of the public conformance cases (row i: stats/brightness = 10·(i+1)). */
export function conformanceSource(chunkSize = 4): MemorySource {
  const fills = shapes.map((_, i) => 10 * (i + 1));
  return new MemorySource(
    {
      labels: { htype: "class_label", classNames: ["cat", "dog", "bird"], samples: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2] },
      categories: { htype: "class_label", classNames: ["cat", "dog", "bird"], samples: [[0], [1], [2], [0, 1], [], [2, 0], [0], [1, 2], [2, 2], [0, 1, 2], [1], []] },
      caption: { htype: "text", samples: ["a cat on a mat", "a dog in the park", "a bird on a branch", "a cat and a dog", "an empty street", "a bird watching a cat", "a sleeping cat", "a dog chasing a bird", "two sparrows", "a cat a dog and a bird", "a dog", "an empty sky"] },
      embeddings: { dtype: "float32", samples: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [1, 1, 0, 0], [0, 0, 0, 1], [0, 1, 1, 0], [2, 1, 0, 0], [1, 1, 1, 0], [0, 0, 2, 1], [1, 1, 1, 1], [0, 3, 1, 0], [1, 0, 0, 2]] },
      images: { dtype: "uint8", samples: shapes.map((s, i) => filled(s, fills[i]!)) },
      boxes: { htype: "bbox", dtype: "float32", emptyShape: [0, 4], samples: [[[10, 10, 20, 20]], [[0, 0, 50, 60], [5, 5, 10, 10]], [], [[1, 1, 30, 30], [40, 40, 60, 60], [5, 5, 5, 5]], [], [[2, 2, 70, 70]], [[0, 0, 10, 10]], [[10, 20, 30, 40], [50, 60, 25, 25]], [[0, 0, 8, 8], [8, 8, 8, 8]], [[0, 0, 100, 100], [10, 10, 10, 10], [20, 20, 30, 30], [5, 5, 60, 5]], [[30, 30, 40, 40]], []] },
      meta: { htype: "json", samples: ["web", "camera", "web", "scan", "camera", "web", "scan", "web", "camera", "web", "scan", "web"].map((source, i) => ({ source, score: [0.9, 0.4, 0.75, 0.1, 0.6, 0.55, 0.95, 0.3, 0.8, 0.65, 0.2, 0.5][i] })) },
      difficulty: { dtype: "int32", samples: [3, 1, 2, 3, 2, 1, 3, 2, 1, 3, 2, 1] },
      "stats/brightness": { dtype: "int32", samples: fills },
    },
    { chunkSize },
  );
}

/** A numbered source: `id` (uint32 column, value = row) and `x` (float32 [2] = [row, -row]), chunked. */
export function numberedSource(n: number, chunkSize = 16): MemorySource {
  const ids = new Uint32Array(n);
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    ids[i] = i;
    x[2 * i] = i;
    x[2 * i + 1] = -i;
  }
  return new MemorySource({ id: { samples: ndarray("uint32", [n, 1], ids) }, x: { samples: ndarray("float32", [n, 2], x) } }, { chunkSize });
}

/** Wraps a source and records every readMany / readBytes call (the positions asked for). */
export class CountingSource implements TensorSource {
  readonly calls: { tensor: string; method: string; indices: number[] }[] = [];
  readonly #inner: TensorSource;
  constructor(inner: TensorSource) {
    this.#inner = inner;
  }
  get length(): number {
    return this.#inner.length;
  }
  tensorNames(): readonly string[] {
    return this.#inner.tensorNames();
  }
  tensor(name: string): TensorColumn {
    const col = this.#inner.tensor(name);
    const calls = this.calls;
    const wrapped: TensorColumn = {
      meta: col.meta,
      length: col.length,
      read: (i, o) => col.read(i, o),
      readMany: (ix, o) => {
        calls.push({ tensor: name, method: "readMany", indices: Array.from(ix) });
        return col.readMany(ix, o);
      },
      shape: (i, o) => col.shape(i, o),
      chunkIds: col.chunkIds ? (o) => col.chunkIds!(o) : undefined,
    };
    return wrapped;
  }
}

/** Rows of a JPEG tensor: stored bytes are JPEG files, `read` decodes them; `corrupt` rows hold garbage. */
export class JpegColumn implements TensorColumn {
  readonly meta: ColumnMeta;
  readonly length: number;
  readonly #files: Uint8Array[];
  constructor(files: Uint8Array[], size: number) {
    this.#files = files;
    this.length = files.length;
    this.meta = { name: "images", htype: "image", dtype: "uint8", sampleCompression: "jpeg", minShape: [size, size, 3], maxShape: [size, size, 3] };
  }
  async read(index: number): Promise<SampleValue> {
    return (await getSampleCodec("jpeg")).decode(this.#files[index]!);
  }
  async readMany(indices: ArrayLike<number>): Promise<SampleValue[]> {
    const out: SampleValue[] = [];
    for (let k = 0; k < indices.length; k++) out.push(await this.read(indices[k]!));
    return out;
  }
  async shape(index: number): Promise<readonly number[]> {
    return (await getSampleCodec("jpeg")).readInfo(this.#files[index]!).shape;
  }
  async readBytes(index: number, opts?: ReadOptions): Promise<{ bytes: Uint8Array; compression: string | null }> {
    opts?.signal?.throwIfAborted();
    return { bytes: this.#files[index]!, compression: "jpeg" };
  }
  async chunkIds(): Promise<Uint32Array> {
    return Uint32Array.from({ length: this.length }, (_, i) => Math.floor(i / 8));
  }
}

/** `n` small JPEGs (size×size, every pixel of image i ≈ 4·i) plus a label column = row; rows in `corrupt` are garbage. */
export async function jpegSource(n: number, size = 16, corrupt: number[] = []): Promise<TensorSource & { images: JpegColumn }> {
  const codec = await getSampleCodec("jpeg");
  const files: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    if (corrupt.includes(i)) {
      files.push(new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0, size, 0, size, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xda, 0, 1]));
      continue;
    }
    const img = ndarray("uint8", [size, size, 3]);
    (img.data as Uint8Array).fill((4 * i) % 256);
    files.push(codec.encode!(img, { quality: 95 }));
  }
  const images = new JpegColumn(files, size);
  const labels = new MemorySource({ labels: { samples: ndarray("uint32", [n, 1], Uint32Array.from({ length: n }, (_, i) => i)) } });
  return {
    images,
    length: n,
    tensorNames: () => ["images", "labels"],
    tensor: (name: string) => (name === "images" ? images : labels.tensor(name)),
  };
}

/** A source whose tensor `x` fails to read at the `bad` rows (readMany fails when it touches one). */
export function flakySource(n: number, bad: number[]): TensorSource {
  const inner = numberedSource(n, 8);
  return {
    length: n,
    tensorNames: () => inner.tensorNames(),
    tensor(name: string): TensorColumn {
      const col = inner.tensor(name);
      if (name !== "x") return col;
      const boom = (i: number) => new Error(`disk error at ${i}`);
      return {
        meta: col.meta,
        length: col.length,
        read: async (i, o) => {
          if (bad.includes(i)) throw boom(i);
          return col.read(i, o);
        },
        readMany: async (ix, o) => {
          const hit = Array.from(ix).find((i) => bad.includes(i));
          if (hit !== undefined) throw boom(hit);
          return col.readMany(ix, o);
        },
        shape: (i, o) => col.shape(i, o),
        chunkIds: (o) => col.chunkIds!(o),
      };
    },
  };
}
