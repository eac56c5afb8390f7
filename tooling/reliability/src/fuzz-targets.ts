// Every parser that reads untrusted bytes, each with valid seed inputs made by the matching writer.
import { getBytesCodec, getSampleCodec, lz4Decode, lz4DecompressBlock, lz4CompressBlock, lz4BlockBound, lz4Encode, lz4FrameDecode, lz4FrameEncode } from "@shoal/codecs";
import { unzipFiles, zipFiles, readZipEntries } from "@shoal/codecs/zip";
import { ndarray } from "@shoal/core";
import { decodeIndexSegment, parseHeader, readChangeSet, sampleRange, sampleShape } from "@shoal/chunks";
import { MemorySource, parseQuery, query, view } from "@shoal/views";
import { MemoryStore } from "@shoal/storage";
import { fromNpy, toNpy } from "shoal";
import type { FuzzTarget } from "./fuzz.ts";
import { buildShoalDataset } from "./shoal-fixture.ts";
import { snapshot } from "./corrupt.ts";

const enc = new TextEncoder();

/** Compressible but not trivial: runs, a ramp and noise, so encoders emit literals, matches and long lengths. */
function sampleBytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let s = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    b[i] = i % 97 < 40 ? 7 : i % 97 < 70 ? i & 0xff : s >>> 24;
  }
  return b;
}

const inputs = [sampleBytes(0, 1), sampleBytes(17, 2), sampleBytes(300, 3), sampleBytes(5000, 4)];
const image = (h: number, w: number, c: number) => ndarray("uint8", [h, w, c], sampleBytes(h * w * c, h + w + c));

let shoalObjects: Promise<Map<string, Uint8Array>> | undefined;
function objectsOf(kind: "chunks" | "index" | "changes"): Promise<Uint8Array[]> {
  shoalObjects ??= buildShoalDataset().then(snapshot);
  return shoalObjects.then((m) => [...m].filter(([k]) => k.split("/")[2] === kind).map(([, v]) => v).slice(0, 24));
}

const bytesCodec = (name: string, maxRatio = 1100): FuzzTarget => ({
  name,
  maxRatio,
  seeds: async () => {
    const c = await getBytesCodec(name);
    return inputs.map((b) => c.encode(b));
  },
  parse: async (b) => (await getBytesCodec(name)).decode(b),
});

const sampleCodec = (name: string, arrays: () => Promise<Uint8Array[]>): FuzzTarget => ({
  name,
  maxRatio: 4000,
  seeds: arrays,
  parse: async (b) => {
    const c = await getSampleCodec(name);
    c.readInfo(b);
    return c.decode(b);
  },
});

export const fuzzTargets: FuzzTarget[] = [
  {
    name: "lz4 block",
    maxRatio: 256,
    seeds: async () =>
      inputs.filter((b) => b.length > 0).map((b) => {
        const dst = new Uint8Array(lz4BlockBound(b.length));
        return dst.slice(0, lz4CompressBlock(b, dst));
      }),
    // A caller knows the decoded size from its own header; give the block a generous buffer.
    parse: (b) => {
      const dst = new Uint8Array(Math.min(1 << 20, b.length * 256 + 16));
      return dst.subarray(0, lz4DecompressBlock(b, 0, b.length, dst, 0, dst.length));
    },
  },
  { name: "lz4 (size + block)", maxRatio: 256, seeds: async () => inputs.map((b) => lz4Encode(b)), parse: (b) => lz4Decode(b) },
  {
    name: "lz4 frame",
    maxRatio: 256,
    seeds: async () => [
      ...inputs.map((b) => lz4FrameEncode(b)),
      lz4FrameEncode(inputs[3]!, { contentSize: true, contentChecksum: true, blockChecksum: true, blockSize: 64 * 1024 } as never),
      lz4FrameEncode(inputs[3]!, { blockIndependence: false } as never),
    ],
    parse: (b) => lz4FrameDecode(b),
  },
  bytesCodec("deflate"),
  bytesCodec("zlib"),
  bytesCodec("gzip"),
  {
    name: "zip",
    seeds: async () => [zipFiles({ "a.txt": inputs[2]!, "dir/b.bin": inputs[3]!, "empty": inputs[0]! }), zipFiles({ "x": inputs[1]! }, { level: 0 })],
    parse: (b) => unzipFiles(b),
  },
  {
    name: "zip (streamed)",
    seeds: async () => [zipFiles({ "a.txt": inputs[2]!, "dir/b.bin": inputs[3]! })],
    parse: async (b) => {
      const out: Uint8Array[] = [];
      const source = (async function* () {
        yield b.subarray(0, b.length >> 1);
        yield b.subarray(b.length >> 1);
      })();
      for await (const e of readZipEntries(source as never)) out.push(e.data);
      return out;
    },
  },
  sampleCodec("png", async () => {
    const c = await getSampleCodec("png");
    return [c.encode!(image(5, 7, 3)), c.encode!(image(9, 4, 1)), c.encode!(image(3, 3, 4)), c.encode!(ndarray("uint16", [4, 4, 1], Uint16Array.from({ length: 16 }, (_, i) => i * 999)))];
  }),
  sampleCodec("jpeg", async () => {
    const c = await getSampleCodec("jpeg");
    return [c.encode!(image(16, 16, 3)), c.encode!(image(9, 13, 1)), c.encode!(image(17, 8, 3), { quality: 50, subsampling: "4:4:4", restartInterval: 1 } as never)];
  }),
  sampleCodec("wav", async () => {
    const c = await getSampleCodec("wav");
    return [c.encode!(ndarray("int16", [20, 2], Int16Array.from({ length: 40 }, (_, i) => i * 300 - 6000))), c.encode!(ndarray("int16", [5, 1], Int16Array.of(1, 2, 3, 4, 5)))];
  }),
  {
    name: "shoal chunk",
    seeds: () => objectsOf("chunks"),
    parse: (b) => {
      const h = parseHeader(b, "tensors/t/chunks/fuzz");
      const out: unknown[] = [];
      for (let i = 0; i < h.count; i++) out.push(sampleShape(h, i), sampleRange(h, i));
      return out;
    },
  },
  { name: "shoal index segment", seeds: () => objectsOf("index"), parse: (b) => decodeIndexSegment(b, "tensors/t/index/fuzz") },
  {
    name: "shoal change object",
    seeds: () => objectsOf("changes"),
    parse: async (b) => {
      const store = new MemoryStore();
      await store.set("c", b);
      return readChangeSet(store, "c");
    },
  },
  {
    name: "npy",
    seeds: async () => [toNpy(ndarray("float32", [2, 3], Float32Array.of(1, 2, 3, 4, 5, 6))), toNpy(ndarray("uint8", [0], new Uint8Array(0))), toNpy(ndarray("int64", [2], BigInt64Array.of(1n, -1n)))],
    parse: (b) => fromNpy(b),
  },
  {
    name: "TQL",
    maxRatio: 1e6,
    seeds: async () =>
      [
        "select * where labels == 'cat' or x > 3 and contains(t, 'a')",
        "select *, x * 10 as d where x between 1 and 5 order by d desc limit 2 offset 1",
        "select * group by labels",
        "select * from (select *, l1_norm(v) as n) where n >= 3 order by n desc, row_number() desc",
        "select * where x in (1, 2, 3) and labels not in ('dog') sample by max_weight(x == 1: 2, x == 2: 1) limit 10",
        "select * where v[0] >= 0.5 and shape(v)[0] == 2",
      ].map((s) => enc.encode(s)),
    parse: async (b) => {
      const text = new TextDecoder().decode(b);
      parseQuery(text);
      const v = await query(fuzzSource, text, { seed: 1 });
      return Array.from(v.indices());
    },
  },
];

const fuzzSource = view(
  new MemorySource({
    x: { samples: [1, 2, 3, 4, 5, 6] },
    labels: { htype: "class_label", classNames: ["cat", "dog"], samples: [0, 1, 0, 1, 1, 0] },
    t: { htype: "text", samples: ["a", "b", "ab", "", "ba", "c"] },
    v: { samples: [[0.1, 0.9], [0.5, 0.5], [1, 0], [0, 1], [0.7, 0.2], [0.3, 0.3]] },
  }),
);
