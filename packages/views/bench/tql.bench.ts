// TQL over typed columns vs hand-written loops over the same typed arrays (JSON lines on stdout).
// Sizes: SHOAL_BENCH_ROWS (default 1M) for filters, SHOAL_BENCH_EMB_ROWS (default 100k) x 128-d for ORDER BY.
import { ndarray } from "@shoal/core";
import { MemorySource, type TensorColumn, type TensorSource, query } from "../src/index.ts";

const N = Number(process.env.SHOAL_BENCH_ROWS ?? 1_000_000);
const E = Number(process.env.SHOAL_BENCH_EMB_ROWS ?? 100_000);
const D = 128;
const REPS = Number(process.env.SHOAL_BENCH_REPS ?? 15);

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

/** Medians of `base` and `shoal` timed in alternation, so load changes on a shared machine hit both sides alike. */
async function interleaved(base: () => unknown, shoal: () => Promise<unknown>): Promise<[number, number]> {
  // Warm-up runs let the JIT settle for both sides before timing.
  for (let r = 0; r < 3; r++) {
    base();
    await shoal();
  }
  const tb: number[] = [];
  const ts: number[] = [];
  for (let r = 0; r < REPS; r++) {
    let t = performance.now();
    base();
    tb.push(performance.now() - t);
    t = performance.now();
    await shoal();
    ts.push(performance.now() - t);
  }
  const mid = (a: number[]): number => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  return [mid(tb), mid(ts)];
}

function report(bench: string, rows: number, ms: number, baseline: string, baseMs: number): void {
  const value = Math.round(rows / (ms / 1000));
  const baselineValue = Math.round(rows / (baseMs / 1000));
  process.stdout.write(`${JSON.stringify({ bench, metric: "rows/s", value, baseline, baselineValue, ratio: Number((value / baselineValue).toFixed(2)) })}\n`);
}

/** A WHERE query against the hand loop that computes the same rows. */
async function where(bench: string, tql: string, baseline: string, hand: () => number[]): Promise<void> {
  const expect = hand().length;
  const [baseMs, ms] = await interleaved(hand, async () => {
    const v = await query(filterSource, tql);
    if (v.length !== expect) throw new Error(`${bench}: ${v.length} rows, expected ${expect}`);
  });
  report(bench, N, ms, baseline, baseMs);
}

const handLabels = (keep: (x: number) => boolean) => (): number[] => {
  const out: number[] = [];
  for (let i = 0; i < N; i++) if (keep(labels[i]!)) out.push(i);
  return out;
};

// 1. Scalar column against constants (fused scan kernels).
await where("tql-where-label-eq", "select * where labels == 5", "hand loop over Uint32Array", () => {
  const out: number[] = [];
  for (let i = 0; i < N; i++) if (labels[i] === 5) out.push(i);
  return out;
});
await where("tql-where-label-between", "select * where labels between 2 and 4", "hand loop over Uint32Array", () => {
  const out: number[] = [];
  for (let i = 0; i < N; i++) if (labels[i]! >= 2 && labels[i]! <= 4) out.push(i);
  return out;
});
await where("tql-where-label-in", "select * where labels in (1, 3, 7)", "hand loop over Uint32Array", handLabels((x) => x === 1 || x === 3 || x === 7));
await where("tql-where-label-or", "select * where labels == 1 or labels > 7", "hand loop over Uint32Array", handLabels((x) => x === 1 || x > 7));

// 2. Shape predicates from the shape index.
await where("tql-where-shape-const", "select * where shape(images)[0] > 100", "hand loop over the shape Uint32Array", () => {
  const out: number[] = [];
  for (let i = 0; i < N; i++) if (shapes[i * 3]! > 100) out.push(i);
  return out;
});
await where("tql-where-shape", "select * where shape(images)[1] > shape(images)[0]", "hand loop over the shape Uint32Array", () => {
  const out: number[] = [];
  for (let i = 0; i < N; i++) if (shapes[i * 3 + 1]! > shapes[i * 3]!) out.push(i);
  return out;
});

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
  const tql = `select * order by l2_norm(embeddings - ARRAY[${q.join(", ")}]) limit 10`;
  hand();
  const [baseMs, ms] = await interleaved(hand, async () => {
    const v = await query(embSource, tql);
    if (Array.from(v.indices()).join() !== expect.join()) throw new Error("mismatch");
  });
  report("tql-order-l2-top10", E, ms, "hand loop (Float32Array, insertion top-10)", baseMs);
}
