// TQL over typed columns vs hand-written loops over the same typed arrays (JSON lines on stdout).
// Sizes: SHOAL_BENCH_ROWS (default 1M) for filters, SHOAL_BENCH_EMB_ROWS (default 100k) x 128-d for ORDER BY.
import { ndarray } from "@shoal/core";
import { MemorySource, type TensorColumn, type TensorSource, query } from "../src/index.ts";

const N = Number(process.env.SHOAL_BENCH_ROWS ?? 1_000_000);
const E = Number(process.env.SHOAL_BENCH_EMB_ROWS ?? 100_000);
const D = 128;
const REPS = 7;

let seed = 12345;
const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);

const labels = new Uint32Array(N);
for (let i = 0; i < N; i++) labels[i] = Math.floor(rand() * 10);
// Image shapes from a shape index: [h, w, 3] per row, no pixels.
const shapes = new Uint32Array(N * 3);
for (let i = 0; i < N; i++) {
  shapes[i * 3] = 32 + Math.floor(rand() * 200);
  shapes[i * 3 + 1] = 32 + Math.floor(rand() * 200);
  shapes[i * 3 + 2] = 3;
}
const emb = new Float32Array(E * D);
for (let i = 0; i < emb.length; i++) emb[i] = rand() * 2 - 1;
const q = Array.from({ length: D }, () => rand() * 2 - 1);

const base = new MemorySource({ labels: { htype: "class_label", samples: ndarray("uint32", [N], labels) } });
const imageColumn: TensorColumn = {
  meta: { name: "images", htype: "image", dtype: "uint8" },
  length: N,
  read: async () => { throw new Error("bench reads shapes only"); },
  readMany: async () => { throw new Error("bench reads shapes only"); },
  shape: async (i) => Array.from(shapes.subarray(i * 3, i * 3 + 3)),
  shapes: async () => ({ ndim: 3, data: shapes }),
};
const filterSource: TensorSource = {
  length: N,
  tensorNames: () => ["labels", "images"],
  tensor: (name) => (name === "images" ? imageColumn : base.tensor(name)),
};
const embSource = new MemorySource({ embeddings: { htype: "embedding", samples: ndarray("float32", [E, D], emb) } });

async function median(fn: () => unknown | Promise<unknown>): Promise<number> {
  const times: number[] = [];
  // Warm-up runs let the JIT settle for both sides before timing.
  for (let r = 0; r < 3; r++) await fn();
  for (let r = 0; r < REPS; r++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(REPS / 2)]!;
}

function report(bench: string, rows: number, ms: number, baseline: string, baseMs: number): void {
  const value = Math.round(rows / (ms / 1000));
  const baselineValue = Math.round(rows / (baseMs / 1000));
  process.stdout.write(`${JSON.stringify({ bench, metric: "rows/s", value, baseline, baselineValue, ratio: Number((value / baselineValue).toFixed(2)) })}\n`);
}

// 1. labels == 5
{
  let expect = 0;
  const hand = (): number[] => {
    const out: number[] = [];
    for (let i = 0; i < N; i++) if (labels[i] === 5) out.push(i);
    expect = out.length;
    return out;
  };
  const baseMs = await median(hand);
  const ms = await median(async () => {
    const v = await query(filterSource, "select * where labels == 5");
    if (v.length !== expect) throw new Error("mismatch");
  });
  report("tql-where-label-eq", N, ms, "hand loop over Uint32Array", baseMs);
}

// 2. shape predicate from the shape index
{
  let expect = 0;
  const hand = (): number[] => {
    const out: number[] = [];
    for (let i = 0; i < N; i++) if (shapes[i * 3 + 1]! > shapes[i * 3]!) out.push(i);
    expect = out.length;
    return out;
  };
  const baseMs = await median(hand);
  const ms = await median(async () => {
    const v = await query(filterSource, "select * where shape(images)[1] > shape(images)[0]");
    if (v.length !== expect) throw new Error("mismatch");
  });
  report("tql-where-shape", N, ms, "hand loop over the shape Uint32Array", baseMs);
}

// 3. ORDER BY l2_norm(embeddings - ARRAY[...]) LIMIT 10
{
  let expect: number[] = [];
  const hand = (): number[] => {
    const dist = new Float64Array(E);
    for (let i = 0; i < E; i++) {
      let acc = 0;
      const o = i * D;
      for (let j = 0; j < D; j++) {
        const t = emb[o + j]! - q[j]!;
        acc += t * t;
      }
      dist[i] = Math.sqrt(acc);
    }
    const best: number[] = [];
    for (let i = 0; i < E; i++) {
      if (best.length < 10 || dist[i]! < dist[best[best.length - 1]!]!) {
        let k = best.length < 10 ? best.length : 9;
        if (best.length < 10) best.push(i);
        while (k > 0 && dist[best[k - 1]!]! > dist[i]!) {
          best[k] = best[k - 1]!;
          k--;
        }
        best[k] = i;
      }
    }
    expect = best;
    return best;
  };
  const baseMs = await median(hand);
  const tql = `select * order by l2_norm(embeddings - ARRAY[${q.join(", ")}]) limit 10`;
  const ms = await median(async () => {
    const v = await query(embSource, tql);
    if (Array.from(v.indices()).join() !== expect.join()) throw new Error("mismatch");
  });
  report("tql-order-l2-top10", E, ms, "hand loop (Float32Array, insertion top-10)", baseMs);
}
