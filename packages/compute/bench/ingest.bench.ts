// Ingest of JPEG-decoded-and-resized samples through compute().eval on each scheduler, as a ratio to the serial run
// of the same process: the issue's target is ≥ 1.7× with 2 workers on 2 cores. Sizes: SHOAL_BENCH_SAMPLES (10000),
// SHOAL_BENCH_SIDE (128 px), SHOAL_BENCH_REPS (3).
import { availableParallelism } from "node:os";
import { empty, getSampleCodec, ndarray } from "shoal";
import { MemoryStore } from "@shoal/storage";
// @ts-expect-error: plain JavaScript module, typed by use
import { decodeResize } from "./resize-transform.mjs";

const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const SAMPLES = num("SHOAL_BENCH_SAMPLES", 10_000);
const SIDE = num("SHOAL_BENCH_SIDE", 128);
const REPS = num("SHOAL_BENCH_REPS", 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** 64 distinct photos-like JPEGs (smooth gradients with noise), cycled: every sample is a full decode. */
async function inputs(): Promise<{ bytes: Uint8Array; label: number }[]> {
  const jpeg = await getSampleCodec("jpeg");
  const distinct: Uint8Array[] = [];
  for (let k = 0; k < 64; k++) {
    const data = new Uint8Array(SIDE * SIDE * 3);
    let seed = k * 7919 + 1;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const noise = (seed >>> 24) & 31;
        const p = (y * SIDE + x) * 3;
        data[p] = (x * 2 + k * 5 + noise) & 255;
        data[p + 1] = (y * 2 + k * 3 + noise) & 255;
        data[p + 2] = ((x + y) + k * 11) & 255;
      }
    }
    distinct.push(jpeg.encode!(ndarray("uint8", [SIDE, SIDE, 3], data), { quality: 85 } as never));
  }
  return Array.from({ length: SAMPLES }, (_, i) => ({ bytes: distinct[i % 64]!, label: i % 10 }));
}

async function run(items: { bytes: Uint8Array; label: number }[], opts: Record<string, unknown>): Promise<number> {
  const ds = await empty(new MemoryStore());
  await ds.createTensor("images", { htype: "image", sampleCompression: "jpeg" });
  await ds.createTensor("labels", { htype: "class_label" });
  const t = performance.now();
  await decodeResize().eval(items, ds, opts);
  await ds.flush();
  const seconds = (performance.now() - t) / 1000;
  if (ds.length !== items.length) throw new Error(`bench: wrote ${ds.length} rows of ${items.length}`);
  return items.length / seconds;
}

const items = await inputs();
const cases: [string, Record<string, unknown>][] = [
  ["serial", {}],
  ["threads-1w", { scheduler: "threads", numWorkers: 1 }],
  ["threads-2w", { scheduler: "threads", numWorkers: 2 }],
  ["processes-2w", { scheduler: "processes", numWorkers: 2 }],
];
const rates = new Map<string, number[]>(cases.map(([n]) => [n, []]));
// Interleaved repetitions: a neighbour's load on the shared machine falls on every case alike.
for (let r = 0; r < REPS; r++) for (const [name, opts] of cases) rates.get(name)!.push(await run(items, opts));
const serial = median(rates.get("serial")!);
for (const [name] of cases) {
  const value = median(rates.get(name)!);
  process.stdout.write(
    `${JSON.stringify({
      bench: `compute-ingest-jpeg${SIDE}-${name}`, metric: "samples/s", value: Math.round(value), baseline: "serial eval, same process",
      baselineValue: Math.round(serial), ratio: Number((value / serial).toFixed(3)), samples: SAMPLES, cores: availableParallelism(), target: name.endsWith("2w") ? 1.7 : undefined,
    })}\n`,
  );
}
