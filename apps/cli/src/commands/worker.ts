import { defineCommand } from "citty";
import { startWorker } from "@shoal/queue/node";
import { info } from "../output.ts";
import { UsageError } from "../usage-error.ts";

export default defineCommand({
  meta: { name: "worker", description: "Run compute tasks from a Redis queue (scheduler \"queue\"), until Ctrl-C or SIGTERM" },
  args: {
    queue: { type: "string", description: "Redis URL of the queue, e.g. redis://10.0.0.5:6379", required: true },
    name: { type: "string", description: "Queue name shared with the producer (default shoal-compute)" },
    concurrency: { type: "string", description: "Tasks this process runs at once", default: "1" },
    "lock-ms": { type: "string", description: "How long a task stays claimed without a heartbeat before another worker takes it", default: "5000" },
    quiet: { type: "boolean", description: "No line per task", default: false },
  },
  async run({ args }) {
    const concurrency = Number(args.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UsageError(`--concurrency must be a whole number from 1 to 256, got ${JSON.stringify(args.concurrency)}`, "worker");
    const lockMs = Number(args["lock-ms"]);
    if (!Number.isInteger(lockMs) || lockMs < 500) throw new UsageError(`--lock-ms must be a whole number of milliseconds ≥ 500, got ${JSON.stringify(args["lock-ms"])}`, "worker");
    const worker = await startWorker({
      queue: args.queue,
      name: args.name,
      concurrency,
      lockMs,
      // A worker started to test a version refusal claims the version it is told (never set in production).
      version: process.env.SHOAL_WORKER_VERSION || undefined,
      onTask: args.quiet ? undefined : (e) => info(e.error ? `task ${e.task} of run ${e.run} failed: ${e.error}` : `task ${e.task} of run ${e.run}: ${e.rows} rows`),
    });
    info(`worker ${process.pid} waiting for tasks on ${args.queue}; Ctrl-C stops it`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await worker.close();
  },
});
