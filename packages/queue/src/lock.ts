/**
 * A commit lock held in Redis, for stores that cannot enforce create-only writes (s3rver, some S3-compatible
 * services): shoal refuses to write to those without a lock every writer shares. The lock is a key set with NX and
 * an expiry (a dead holder cannot block forever) and released only by its holder, checked under WATCH.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { Redis } from "ioredis";
import type { CommitLock } from "shoal";
import { connectionOptions } from "./connection.ts";

export interface RedisCommitLockOptions {
  /** How long a holder may keep it before it expires (default 30 s): longer than any commit. */
  ttlMs?: number;
}

export function redisCommitLock(url: string, key: string, opts: RedisCommitLockOptions = {}): CommitLock {
  if (typeof key !== "string" || key === "") throw new InvalidArgumentError("[shoal] redisCommitLock needs a key naming the dataset, e.g. its URL");
  const ttl = opts.ttlMs ?? 30_000;
  const lockKey = `shoal:commit-lock:${key}`;
  let client: Redis | undefined;
  let token: string | undefined;
  return {
    async acquire(o) {
      client = new Redis(connectionOptions(url));
      client.on("error", () => {});
      const mine = crypto.randomUUID();
      for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
        o?.signal?.throwIfAborted();
        if ((await client.set(lockKey, mine, "PX", ttl, "NX")) === "OK") {
          token = mine;
          return;
        }
        await new Promise((r) => setTimeout(r, wait));
      }
    },
    async release() {
      const c = client;
      client = undefined;
      if (!c) return;
      try {
        await c.watch(lockKey);
        if ((await c.get(lockKey)) === token) await c.multi().del(lockKey).exec();
        else await c.unwatch();
      } finally {
        token = undefined;
        c.disconnect();
      }
    },
  };
}
