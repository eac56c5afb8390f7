// The queue scheduler with 2 `shoal worker` processes against the serial eval of the same process, on 10k JPEGs
// read by path, decoded, resized and re-encoded into a local dataset. Workers are started before the clock (they
// are long-lived services); the producer's split, the Redis round trips and the final append are timed.
// Sizes: SHOAL_BENCH_SAMPLES (10000), SHOAL_BENCH_SIDE (128), SHOAL_BENCH_REPS (3).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRedisServer } from "@shoal/testing/node";
import { empty, getSampleCodec, ndarray } from "shoal";
import { redisQueue } from "../src/node.ts";
// @ts-expect-error: plain JavaScript module
import { fileResize } from "./resize-files.mjs";

const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const SAMPLES = num("SHOAL_BENCH_SAMPLES", 10_000);
const SIDE = num("SHOAL_BENCH_SIDE", 128);
const REPS = num("SHOAL_BENCH_REPS", 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const bin = fileURLToPath(new URL("../../../apps/cli/dist/bin.js", import.meta.url));

const dir = await mkdtemp(join(tmpdir(), "shoal-queue-bench-"));
const jpeg = await getSampleCodec("jpeg");
const paths: string[] = [];
for (let k = 0; k < 64; k++) {
  const data = new Uint8Array(SIDE * SIDE * 3).map((_, i) => ((i % (SIDE * 3)) * 2 + Math.floor(i / (SIDE * 3)) * 3 + k * 7 + ((i * 2654435761) >>> 27)) & 255);
  const path = join(dir, `${k}.jpg`);
  await writeFile(path, jpeg.encode!(ndarray("uint8", [SIDE, SIDE, 3], data)));
  paths.push(path);
}
const items = Array.from({ length: SAMPLES }, (_, i) => ({ path: paths[i % 64]!, label: i % 10 }));

const redis = await startRedisServer();
const workers: ChildProcess[] = [];
for (let w = 0; w < 2; w++) {
  const child = spawn("node", [bin, "worker", "--queue", redis.url, "--name", "bench", "--quiet"], { stdio: ["ignore", "ignore", "pipe"] });
  workers.push(child);
  await new Promise<void>((resolve) => child.stderr!.on("data", (d) => String(d).includes("waiting for tasks") && resolve()));
}

async function run(n: number, opts: Record<string, unknown>): Promise<number> {
  const ds = await empty(join(dir, `ds-${n}`), { overwrite: true });
  await ds.createTensor("images", { htype: "image", sampleCompression: "jpeg" });
  await ds.createTensor("labels", { htype: "class_label" });
  const t = performance.now();
  await fileResize().eval(items, ds, opts);
  await ds.flush();
  const seconds = (performance.now() - t) / 1000;
  if (ds.length !== SAMPLES) throw new Error(`bench: wrote ${ds.length} rows of ${SAMPLES}`);
  await ds.close();
  return SAMPLES / seconds;
}

try {
  const serial: number[] = [];
  const queued: number[] = [];
  let n = 0;
  for (let r = 0; r < REPS; r++) {
    serial.push(await run(n++, {}));
    queued.push(await run(n++, { scheduler: "queue", queue: redisQueue(redis.url, { name: "bench" }) }));
  }
  const base = median(serial);
  const value = median(queued);
  for (const [bench, v] of [["compute-ingest-files-serial", base], ["compute-ingest-files-queue-2proc", value]] as const) {
    process.stdout.write(
      `${JSON.stringify({ bench: `${bench}-jpeg${SIDE}`, metric: "samples/s", value: Math.round(v), baseline: "serial eval, same process", baselineValue: Math.round(base), ratio: Number((v / base).toFixed(3)), samples: SAMPLES, cores: availableParallelism(), target: bench.endsWith("2proc") ? 1.7 : undefined })}\n`,
    );
  }
} finally {
  for (const w of workers) w.kill("SIGTERM");
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
