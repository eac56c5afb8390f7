/**
 * `@shoal/storage/s3`: a Store on AWS S3 or any S3-compatible service (MinIO, R2, Ceph, Garage…).
 * @module
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { InvalidArgumentError, PreconditionFailedError, StorageError, UnsupportedError, assertKey, assertPrefix } from "@shoal/core";
import { FetchHttpHandler } from "@smithy/fetch-http-handler";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { bytesForRange, emptyRange, rangeHeader, validateRange } from "./remote-range.ts";
import { AttemptFailure, isRetryableStatus, readBody, resolveRetryOptions, withRetries } from "./request.ts";
import type { ResolvedRetryOptions, RetryOptions } from "./request.ts";
import { assertBucket, credentialsFrom, encodeKeyPath, endpointFrom, isLoopbackOrIp, processEnv, regionFrom } from "./s3-config.ts";
import type { S3Credentials } from "./s3-config.ts";
import { parseListObjectsV2, parseS3Error } from "./s3-xml.ts";
import type { GetOptions, ObjectInfo, RequestOptions, SetOptions, Store, StoreCapabilities } from "./types.ts";

export type { S3Credentials } from "./s3-config.ts";
export type ConditionalWriteSupport = StoreCapabilities["conditionalWrite"];

export interface S3StoreOptions extends RetryOptions {
  bucket: string;
  /** Key prefix inside the bucket, e.g. `"datasets/mnist"`; every key of the store lives under it. */
  prefix?: string;
  /** Service URL for S3-compatible services; default AWS (or `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`). */
  endpoint?: string;
  /** Default `AWS_REGION`, `AWS_DEFAULT_REGION`, then `us-east-1`. */
  region?: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key`; default true for IP and localhost endpoints. */
  forcePathStyle?: boolean;
  /** Default `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`. */
  credentials?: S3Credentials;
  /** Send unsigned requests (public buckets); only when no credentials are configured. */
  anonymous?: boolean;
  /**
   * What the service enforces for conditional PUTs. Default: `"cas"` on AWS (If-None-Match and If-Match are
   * enforced since 2024), `"none"` on other endpoints until `probeConditionalWrites()` says otherwise.
   */
  conditionalWrite?: ConditionalWriteSupport;
  /** Keys per ListObjectsV2 page (1-1000, default 1000). */
  listPageSize?: number;
  /** Skip hashing uploads (`UNSIGNED-PAYLOAD`); TLS still protects them in transit. Default false. */
  unsignedPayload?: boolean;
  /** Environment to read AWS_* variables from (default the process environment). */
  env?: Record<string, string | undefined>;
  /** The fetch the HTTP handler uses (default the global fetch). */
  fetch?: typeof fetch;
}

/** An error answer from S3: the HTTP status plus S3's error code and message from the XML body. */
export class S3StorageError extends StorageError {
  readonly s3Code: string | undefined;
  readonly s3Message: string | undefined;
  constructor(message: string, options: { key: string; status: number; s3Code?: string; s3Message?: string; cause?: unknown }) {
    super(message, options);
    this.s3Code = options.s3Code;
    this.s3Message = options.s3Message;
  }
}

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

interface S3Call {
  method: "GET" | "PUT" | "HEAD" | "DELETE";
  /** Full object key inside the bucket; `undefined` addresses the bucket itself. */
  objectKey: string | undefined;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Statuses the caller interprets itself instead of getting an error. */
  accept?: readonly number[];
}

interface S3Response {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * A Store on S3. Requests are signed with AWS Signature V4 and sent with fetch, so it runs on Node, Bun, Deno and
 * in browsers (given CORS on the bucket). Transient failures (5xx, 429/SlowDown, timeouts, dropped connections) are
 * retried with jittered exponential backoff; other 4xx answers fail at once with an S3StorageError naming the key.
 *
 * @example
 * const store = new S3Store({ bucket: "my-bucket", prefix: "datasets/mnist", region: "eu-west-1" });
 * await store.set("dataset_meta.json", bytes, { ifNoneMatch: "*" });
 */
export class S3Store implements Store {
  readonly bucket: string;
  readonly prefix: string;
  readonly #endpoint: URL;
  readonly #pathStyle: boolean;
  readonly #signer: SignatureV4 | undefined;
  readonly #handler: FetchHttpHandler;
  readonly #retry: ResolvedRetryOptions;
  readonly #pageSize: number;
  readonly #unsignedPayload: boolean;
  #conditionalWrite: ConditionalWriteSupport;
  #probe: Promise<ConditionalWriteSupport> | undefined;

  constructor(opts: S3StoreOptions) {
    assertBucket(opts.bucket);
    const prefix = opts.prefix?.replace(/^\/+|\/+$/g, "") ?? "";
    if (prefix !== "") assertKey(prefix);
    const env = opts.env ?? processEnv();
    const region = regionFrom(opts.region, env);
    const custom = endpointFrom(opts.endpoint, env);
    this.bucket = opts.bucket;
    this.prefix = prefix === "" ? "" : `${prefix}/`;
    this.#endpoint = custom ?? new URL(`https://s3.${region}.amazonaws.com`);
    this.#pathStyle = opts.forcePathStyle ?? (custom !== undefined && isLoopbackOrIp(custom.hostname));
    const credentials = credentialsFrom(opts.credentials, env);
    if (!credentials && !opts.anonymous) {
      throw new InvalidArgumentError(
        `[shoal] S3Store for bucket ${opts.bucket} has no credentials: pass { credentials }, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass { anonymous: true } for a public bucket`,
      );
    }
    this.#signer = credentials && new SignatureV4({ credentials, region, service: "s3", sha256: Sha256, uriEscapePath: false, applyChecksum: true });
    this.#handler = new FetchHttpHandler(opts.fetch ? { customFetch: opts.fetch } : {});
    this.#retry = resolveRetryOptions(opts);
    this.#pageSize = Math.min(1000, Math.max(1, Math.floor(opts.listPageSize ?? 1000)));
    this.#unsignedPayload = opts.unsignedPayload ?? false;
    this.#conditionalWrite = opts.conditionalWrite ?? (custom === undefined ? "cas" : "none");
  }

  get capabilities(): StoreCapabilities {
    return { writable: true, conditionalWrite: this.#conditionalWrite, rangeRead: true, latency: "remote" };
  }

  async get(key: string, opts?: GetOptions): Promise<Uint8Array | undefined> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    const range = opts?.range;
    if (range) validateRange(key, range);
    if (range?.length === 0) return emptyRange((k, o) => this.head(k, o), key, range, opts?.signal);
    const headers: Record<string, string> = range ? { range: rangeHeader(range) } : {};
    const res = await this.#send(key, "GET of", { method: "GET", objectKey: this.prefix + key, headers, accept: [404, 416] }, opts?.signal);
    if (res.status === 404) return undefined;
    if (!range) return res.body;
    const bytes = bytesForRange(key, range, res.status, res.headers["content-range"], res.body);
    return bytes === "unsatisfiable" ? emptyRange((k, o) => this.head(k, o), key, range, opts?.signal) : bytes;
  }


  async set(key: string, value: Uint8Array, opts?: SetOptions): Promise<void> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    if (opts?.ifMatch !== undefined && this.#conditionalWrite !== "cas") {
      throw new UnsupportedError("ifMatch", `[shoal] S3Store cannot compare-and-swap ${JSON.stringify(key)}: ${this.#support()}`);
    }
    if (opts?.ifNoneMatch === "*" && this.#conditionalWrite === "none") {
      throw new UnsupportedError("ifNoneMatch", `[shoal] S3Store cannot create ${JSON.stringify(key)} exclusively: ${this.#support()}`);
    }
    const headers: Record<string, string> = {};
    if (opts?.ifNoneMatch === "*") headers["if-none-match"] = "*";
    if (opts?.ifMatch !== undefined) headers["if-match"] = opts.ifMatch;
    const res = await this.#send(key, "PUT of", { method: "PUT", objectKey: this.prefix + key, headers, body: value, accept: [412] }, opts?.signal);
    if (res.status === 412) throw new PreconditionFailedError(key, opts?.ifMatch !== undefined ? `ifMatch: ${opts.ifMatch}` : "ifNoneMatch: * (key exists)");
  }

  #support(): string {
    return `${this.#endpoint.host} is configured or probed as enforcing conditionalWrite "${this.#conditionalWrite}" (see probeConditionalWrites() and the conditionalWrite option)`;
  }

  async delete(key: string, opts?: RequestOptions): Promise<void> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    await this.#send(key, "DELETE of", { method: "DELETE", objectKey: this.prefix + key, accept: [404] }, opts?.signal);
  }

  async head(key: string, opts?: RequestOptions): Promise<ObjectInfo | undefined> {
    assertKey(key);
    opts?.signal?.throwIfAborted();
    const res = await this.#send(key, "HEAD of", { method: "HEAD", objectKey: this.prefix + key, accept: [404] }, opts?.signal);
    if (res.status === 404) return undefined;
    const size = Number(res.headers["content-length"]);
    if (!Number.isSafeInteger(size)) throw new StorageError(`[shoal] S3 HEAD of ${JSON.stringify(key)} gave no Content-Length`, { key, status: res.status });
    const etag = res.headers.etag;
    return etag === undefined ? { size } : { size, version: etag };
  }

  async *list(prefix: string, opts?: RequestOptions): AsyncIterable<string> {
    assertPrefix(prefix);
    let token: string | undefined;
    do {
      opts?.signal?.throwIfAborted();
      const query: Record<string, string> = { "list-type": "2", prefix: this.prefix + prefix, "max-keys": String(this.#pageSize) };
      if (token !== undefined) query["continuation-token"] = token;
      const res = await this.#send(prefix, "listing of", { method: "GET", objectKey: undefined, query }, opts?.signal);
      const page = parseListObjectsV2(new TextDecoder().decode(res.body));
      for (const key of page.keys) if (key.startsWith(this.prefix)) yield key.slice(this.prefix.length);
      token = page.nextToken;
    } while (token !== undefined);
  }

  /**
   * Finds out what the service enforces: creates a scratch key with `If-None-Match: *` twice (the second must be
   * refused), then tries `If-Match` with a wrong ETag (must be refused too). Services that ignore the headers
   * (s3rver, some gateways) come out as `"none"`. The answer is cached and becomes `capabilities.conditionalWrite`.
   */
  probeConditionalWrites(opts?: RequestOptions): Promise<ConditionalWriteSupport> {
    this.#probe ??= this.#runProbe(opts?.signal).then(
      (result) => (this.#conditionalWrite = result),
      (e: unknown) => {
        this.#probe = undefined;
        throw e;
      },
    );
    return this.#probe;
  }

  async #runProbe(signal: AbortSignal | undefined): Promise<ConditionalWriteSupport> {
    const key = `.shoal-probe/${crypto.randomUUID()}`;
    const put = (headers: Record<string, string>) =>
      this.#send(key, "probe PUT of", { method: "PUT", objectKey: this.prefix + key, headers, body: new Uint8Array([1]), accept: [400, 409, 412, 501] }, signal);
    try {
      const first = await put({ "if-none-match": "*" });
      if (first.status >= 300) return "none";
      const second = await put({ "if-none-match": "*" });
      if (second.status !== 412) return "none";
      const third = await put({ "if-match": '"00000000000000000000000000000000"' });
      return third.status === 412 ? "cas" : "create";
    } finally {
      await this.#send(key, "probe DELETE of", { method: "DELETE", objectKey: this.prefix + key, accept: [404] }, signal).catch(() => undefined);
    }
  }

  async #send(key: string, what: string, call: S3Call, signal: AbortSignal | undefined): Promise<S3Response> {
    const request = await this.#buildRequest(call);
    return withRetries(key, `S3 ${what}`, this.#retry, signal, async (attemptSignal) => {
      const fresh = HttpRequest.clone(request);
      const signed = this.#signer ? HttpRequest.clone(await this.#signer.sign(fresh)) : fresh;
      // fetch sets Host itself (browsers forbid setting it); the signature already covers it.
      delete signed.headers.host;
      const { response } = await this.#handler.handle(signed, { abortSignal: attemptSignal });
      const headers = response.headers;
      const encoded = headers["content-encoding"] !== undefined;
      const expected = call.method === "HEAD" || encoded ? undefined : numberOrUndefined(headers["content-length"]);
      const body = call.method === "HEAD" ? new Uint8Array(0) : await readBody(response.body as ReadableStream<Uint8Array> | Blob | undefined, expected);
      const status = response.statusCode;
      if (status < 300 || (call.accept?.includes(status) && !(status === 404 && isNoSuchBucket(body)))) return { status, headers, body };
      const parsed = body.byteLength > 0 ? parseS3Error(new TextDecoder().decode(body)) : {};
      const detail = parsed.code ? `${parsed.code}${parsed.message ? `: ${parsed.message}` : ""}` : `HTTP ${status}`;
      const error = new S3StorageError(`[shoal] S3 ${what} ${JSON.stringify(key)} in bucket ${this.bucket} failed: HTTP ${status} ${detail}`, {
        key,
        status,
        s3Code: parsed.code,
        s3Message: parsed.message,
      });
      const retryable = isRetryableStatus(status) || parsed.code === "ConditionalRequestConflict" || parsed.code === "RequestTimeout" || parsed.code === "SlowDown";
      throw new AttemptFailure(error, retryable);
    });
  }

  async #buildRequest(call: S3Call): Promise<HttpRequest> {
    const base = this.#endpoint.pathname.replace(/\/+$/, "");
    const objectPath = call.objectKey === undefined ? "" : encodeKeyPath(call.objectKey);
    const hostname = this.#pathStyle ? this.#endpoint.hostname : `${this.bucket}.${this.#endpoint.hostname}`;
    const path = this.#pathStyle ? `${base}/${this.bucket}${objectPath ? `/${objectPath}` : ""}` : `${base}/${objectPath}`;
    const port = this.#endpoint.port;
    const body = call.body;
    const headers: Record<string, string> = {
      host: port ? `${hostname}:${port}` : hostname,
      "x-amz-content-sha256": body === undefined ? EMPTY_SHA256 : this.#unsignedPayload ? "UNSIGNED-PAYLOAD" : await sha256Hex(body),
      ...call.headers,
    };
    return new HttpRequest({
      method: call.method,
      protocol: this.#endpoint.protocol,
      hostname,
      port: port ? Number(port) : undefined,
      path: path === "" ? "/" : path,
      query: call.query ?? {},
      headers,
      body,
    });
  }
}

function isNoSuchBucket(body: Uint8Array): boolean {
  return body.byteLength > 0 && parseS3Error(new TextDecoder().decode(body)).code === "NoSuchBucket";
}

function numberOrUndefined(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  let hex = "";
  for (const b of digest) hex += b.toString(16).padStart(2, "0");
  return hex;
}
