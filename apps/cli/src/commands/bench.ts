import { defineCommand } from "citty";
import { InvalidArgumentError, load } from "shoal";
import { info, printJson, printLine } from "../output.ts";
import { progressBar } from "../progress.ts";
import { track } from "../session.ts";

const loader = defineCommand({
  meta: { name: "loader", description: "Stream a dataset through the data loader and report samples/s" },
  args: {
    path: { type: "positional", description: "Dataset path or URL", required: true },
    batch: { type: "string", description: "Batch size", default: "32" },
    workers: { type: "string", description: "Decode workers (0: decode on the main thread)", default: "0" },
    shuffle: { type: "boolean", description: "Shuffle with the default buffer", default: false },
    tensors: { type: "string", description: "Tensors to load, comma separated (default: all)" },
    epochs: { type: "string", description: "Epochs to run (the first one warms caches)", default: "2" },
    quiet: { type: "boolean", description: "No progress bar", default: false },
    json: { type: "boolean", description: "Print as JSON", default: false },
  },
  async run({ args }) {
    const batch = Number(args.batch);
    const numWorkers = Number(args.workers);
    const epochs = Number(args.epochs);
    for (const [name, v] of [["batch", batch], ["workers", numWorkers], ["epochs", epochs]] as const) {
      if (!Number.isInteger(v) || v < (name === "workers" ? 0 : 1)) throw new InvalidArgumentError(`[shoal] bench loader: --${name} must be a ${name === "workers" ? "non-negative" : "positive"} integer, got ${v}`);
    }
    const ds = track(await load(args.path, { readOnly: true }));
    const tensors = args.tensors ? args.tensors.split(",").map((s) => s.trim()) : undefined;
    let chain = ds.dataloader().batch(batch);
    if (args.shuffle) chain = chain.shuffle({ seed: 0 });
    const results: { epoch: number; samples: number; seconds: number; samplesPerSecond: number }[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      const bar = progressBar(`epoch ${epoch + 1}/${epochs}`, { quiet: args.quiet || args.json });
      const loaderForEpoch = chain.numpy({ numWorkers, ...(tensors ? { tensors } : {}), onProgress: (d, t) => bar.update(d, t) });
      const started = performance.now();
      let batches = 0;
      try {
        for await (const _ of loaderForEpoch) batches++;
      } finally {
        bar.stop();
        await loaderForEpoch.close();
      }
      const seconds = (performance.now() - started) / 1000;
      const samples = Math.min(batches * batch, ds.numSamples);
      results.push({ epoch: epoch + 1, samples, seconds, samplesPerSecond: samples / seconds });
      if (!args.json) info(`epoch ${epoch + 1}: ${samples} samples in ${seconds.toFixed(2)} s`);
    }
    const last = results[results.length - 1]!;
    if (args.json) printJson({ path: args.path, batch, numWorkers, shuffle: args.shuffle, epochs: results });
    else printLine(`${last.samplesPerSecond.toFixed(0)} samples/s (last epoch, batch ${batch}, ${numWorkers} workers${args.shuffle ? ", shuffled" : ""})`);
  },
});

export default defineCommand({
  meta: { name: "bench", description: "Measure shoal on a dataset" },
  subCommands: { loader },
});
