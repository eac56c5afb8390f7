import { InvalidArgumentError } from "@shoal/core";

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

type Env = Record<string, string | undefined>;

/** The process environment on Node, Bun and Deno; empty in browsers or when Deno denies env access. */
export function processEnv(): Env {
  const g = globalThis as { process?: { env?: Env }; Deno?: { env: { toObject(): Env } } };
  try {
    if (g.process?.env) return g.process.env;
    if (g.Deno) return g.Deno.env.toObject();
  } catch {
    // Deno without --allow-env throws: same as no variables set.
  }
  return {};
}

export function credentialsFrom(explicit: S3Credentials | undefined, env: Env): S3Credentials | undefined {
  if (explicit) return explicit;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return env.AWS_SESSION_TOKEN ? { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN } : { accessKeyId, secretAccessKey };
}

export function regionFrom(explicit: string | undefined, env: Env): string {
  return explicit ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1";
}

/** The endpoint URL, or undefined for AWS itself. */
export function endpointFrom(explicit: string | undefined, env: Env): URL | undefined {
  const raw = explicit ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (raw === undefined || raw === "") return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`protocol ${url.protocol}`);
    return url;
  } catch (e) {
    throw new InvalidArgumentError(`[shoal] S3 endpoint ${JSON.stringify(raw)} is not an http(s) URL`, { cause: e });
  }
}

/** S3's bucket naming rules (3-63 chars of a-z, 0-9, '.', '-', starting and ending alphanumeric). */
export function assertBucket(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new InvalidArgumentError(`[shoal] invalid S3 bucket name ${JSON.stringify(bucket)}`);
  }
}

/** Encodes a key for an S3 path: RFC 3986 per segment, which is what SigV4 canonicalises for S3. */
export function encodeKeyPath(key: string): string {
  return key
    .split("/")
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
}

export function isLoopbackOrIp(hostname: string): boolean {
  return hostname === "localhost" || /^\d+\.\d+\.\d+\.\d+$/.test(hostname) || hostname.startsWith("[");
}
