import { StorageError } from "@shoal/core";

/** How a remote store retries and times out each request. */
export interface RetryOptions {
  /** Attempts per operation, including the first (default 4). */
  maxAttempts?: number;
  /** Base of the jittered exponential backoff in ms (default 100); the wait before attempt n is random in [0, base·2ⁿ). */
  retryBaseMs?: number;
  /** Upper bound of one backoff wait in ms (default 5000). */
  retryMaxMs?: number;
  /** Time limit of one attempt (connect, headers and body) in ms (default 30000). */
  timeoutMs?: number;
}

export interface ResolvedRetryOptions {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
}

export function resolveRetryOptions(opts: RetryOptions | undefined): ResolvedRetryOptions {
  return {
    maxAttempts: Math.max(1, Math.floor(opts?.maxAttempts ?? 4)),
    retryBaseMs: opts?.retryBaseMs ?? 100,
    retryMaxMs: opts?.retryMaxMs ?? 5000,
    timeoutMs: opts?.timeoutMs ?? 30_000,
  };
}

/** Thrown inside an attempt to say whether the retry loop may try again. */
export class AttemptFailure {
  readonly error: unknown;
  readonly retryable: boolean;
  constructor(error: unknown, retryable: boolean) {
    this.error = error;
    this.retryable = retryable;
  }
}

/**
 * One attempt's signal: aborts when the caller's signal aborts or the attempt's time limit passes. Our own
 * controller (rather than AbortSignal.any/timeout) keeps it working on every runtime and lets us tell the two apart.
 */
export function attemptSignal(user: AbortSignal | undefined, timeoutMs: number): { signal: AbortSignal; timedOut: () => boolean; dispose: () => void } {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => controller.abort(user?.reason);
  user?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, "TimeoutError"));
  }, timeoutMs);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      user?.removeEventListener("abort", onAbort);
    },
  };
}

export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, throws a non-retryable failure, or attempts run out. The caller's abort reason
 * is rethrown as is, never wrapped, so `catch (e) { if (e === signal.reason) … }` works.
 */
export async function withRetries<T>(
  key: string,
  what: string,
  opts: ResolvedRetryOptions,
  signal: AbortSignal | undefined,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  let last: unknown;
  for (let n = 0; n < opts.maxAttempts; n++) {
    signal?.throwIfAborted();
    if (n > 0) await sleep(Math.random() * Math.min(opts.retryMaxMs, opts.retryBaseMs * 2 ** n), signal);
    const current = attemptSignal(signal, opts.timeoutMs);
    try {
      return await attempt(current.signal);
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (current.timedOut()) {
        last = new StorageError(`[shoal] ${what} ${JSON.stringify(key)} timed out after ${opts.timeoutMs} ms`, { key, cause: e });
        continue;
      }
      if (e instanceof AttemptFailure) {
        if (!e.retryable) throw e.error;
        last = e.error;
        continue;
      }
      // Anything else thrown by fetch is a network failure (reset, refused, truncated body): worth another try.
      last = new StorageError(`[shoal] ${what} ${JSON.stringify(key)} failed: ${e instanceof Error ? e.message : String(e)}`, { key, cause: e });
    } finally {
      current.dispose();
    }
  }
  if (opts.maxAttempts > 1 && last instanceof StorageError) {
    throw new StorageError(`${last.message} (gave up after ${opts.maxAttempts} attempts)`, { key, status: last.status, cause: last });
  }
  throw last;
}

/** Reads a body stream to bytes, failing when fewer bytes arrive than Content-Length announced. */
export async function readBody(body: ReadableStream<Uint8Array> | Blob | null | undefined, expected: number | undefined): Promise<Uint8Array> {
  if (body == null) return new Uint8Array(0);
  const bytes = new Uint8Array(await new Response(body).arrayBuffer());
  if (expected !== undefined && bytes.byteLength !== expected) {
    throw new Error(`body truncated: got ${bytes.byteLength} of ${expected} bytes`);
  }
  return bytes;
}

/** Parses `Content-Range: bytes start-end/total`, or the star form a 416 carries. */
export function parseContentRange(value: string | null | undefined): { start?: number; end?: number; total?: number } | undefined {
  if (!value) return undefined;
  const m = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(value.trim());
  if (!m) return undefined;
  return {
    start: m[1] === undefined ? undefined : Number(m[1]),
    end: m[2] === undefined ? undefined : Number(m[2]),
    total: m[3] === undefined || m[3] === "*" ? undefined : Number(m[3]),
  };
}

export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}
