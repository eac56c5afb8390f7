import cliProgress from "cli-progress";

export interface ProgressHandle {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr for long operations. Off when stderr is not a terminal (CI, pipes) or with `--quiet`,
 * so logs stay clean; the callback shape matches the library's `onProgress(done, total)`.
 */
export function progressBar(label: string, opts: { quiet?: boolean } = {}): ProgressHandle {
  if (opts.quiet || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
