import { defineCommand } from "citty";
import { UsageError } from "../usage-error.ts";
import { type Dataset, InvalidArgumentError, type MissingSamples, importDeepLake, isShoalError, openDeepLake } from "shoal";
import { info, printJson } from "../output.ts";
import { progressBar } from "../progress.ts";
import { track } from "../session.ts";

export default defineCommand({
  meta: { name: "import-deeplake", description: "Convert a Deep Lake 3.x dataset into a new shoal dataset (media kept byte for byte), committed" },
  args: {
    src: { type: "positional", description: "Deep Lake dataset path or URL (read only)", required: true },
    dst: { type: "positional", description: "Shoal dataset path or URL to create", required: true },
    overwrite: { type: "boolean", description: "Replace an existing dataset at dst", default: false },
    commit: { type: "string", description: "Source commit id to import (default: the branch HEAD)" },
    branch: { type: "string", description: "Source branch whose HEAD to import (default main)" },
    tensors: { type: "string", description: "Comma-separated tensors to import (default: all)" },
    "skip-missing": { type: "boolean", description: "Import samples of chunks missing from the source as empty samples instead of failing", default: false },
    workers: { type: "string", description: "Tensors copied at once (default 1); their chunk reads overlap" },
    quiet: { type: "boolean", description: "No progress bar", default: false },
    json: { type: "boolean", description: "Print the result as JSON", default: false },
  },
  async run({ args }) {
    const workers = args.workers === undefined ? 0 : Number(args.workers);
    if (!Number.isInteger(workers) || workers < 0 || workers > 256) throw new UsageError(`--workers must be a whole number from 0 to 256, got ${JSON.stringify(args.workers)}`, "import-deeplake");
    const tensors = args.tensors === undefined ? undefined : args.tensors.split(",").map((s) => s.trim()).filter(Boolean);
    if (tensors && tensors.length === 0) throw new InvalidArgumentError("[shoal] --tensors needs at least one tensor name");
    // Resolves the commit first, so the report names the exact version even when a branch was given.
    const source = await openDeepLake(args.src, { commitId: args.commit, branch: args.branch });
    const missing: MissingSamples[] = [];
    const bar = progressBar("import-deeplake", { quiet: args.quiet || args.json });
    let ds: Dataset;
    try {
      ds = track(
        await importDeepLake(args.src, args.dst, {
          overwrite: args.overwrite,
          commitId: source.commitId,
          tensors,
          skipMissing: args["skip-missing"],
          numWorkers: workers,
          onMissing: (m) => missing.push(m),
          onProgress: (done, total) => bar.update(done, total),
        }),
      );
    } catch (e) {
      bar.stop();
      if (isShoalError(e, "MissingChunkError")) info(`the partial import at ${args.dst} was deleted; --skip-missing imports every other sample and leaves the missing ones empty`);
      throw e;
    }
    bar.stop();
    const skipped = missing.reduce((n, m) => n + m.count, 0);
    const result = {
      dataset: args.dst,
      source: args.src,
      sourceCommit: source.commitId,
      sourceVersion: source.formatVersion,
      commitId: ds.commitId,
      tensors: Object.fromEntries(ds.tensorNames().map((n) => [n, ds.tensor(n).length])),
      samples: ds.numSamples,
      skipped,
      missing,
    };
    if (args.json) printJson(result);
    else {
      info(`imported ${ds.tensorNames().length} tensors, ${ds.numSamples} rows from ${args.src} (deeplake ${source.formatVersion}, commit ${source.commitId}) into ${args.dst}, commit ${ds.commitId}`);
      for (const m of missing) info(`  skipped ${m.count} samples of ${m.tensor} from ${m.start}: chunk ${m.key} is missing`);
    }
  },
});
