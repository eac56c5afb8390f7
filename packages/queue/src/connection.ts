/**
 * Redis connections from a `redis://[user:password@]host:port[/db]` URL, and a fast check that one answers: BullMQ
 * itself retries forever, which would turn a typo in the URL into a silent hang.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import { Redis, type RedisOptions } from "ioredis";
import { QueueConnectionError } from "./errors.ts";

export function connectionOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InvalidArgumentError(`[shoal] the queue URL must look like redis://host:6379, got ${JSON.stringify(url)}`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new InvalidArgumentError(`[shoal] the queue URL must start with redis:// or rediss://, got ${JSON.stringify(url)}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new InvalidArgumentError(`[shoal] the queue URL's database must be a number, got ${JSON.stringify(u.pathname.slice(1))}`);
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db,
    tls: u.protocol === "rediss:" ? {} : undefined,
    // BullMQ's blocking commands need this; its own reconnects handle transient drops.
    maxRetriesPerRequest: null,
  };
}

/** Resolves once Redis answers a PING, or throws QueueConnectionError after `timeoutMs`. */
export async function assertReachable(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis({ ...connectionOptions(url), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new QueueConnectionError(redact(url), e instanceof Error ? e.message : String(e), { cause: e });
  } finally {
    client.disconnect();
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}
