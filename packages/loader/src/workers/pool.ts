/**
 * A fixed set of decode workers. Each request goes to the least busy worker; a crash fails every pending request
 * (and every later one) with WorkerCrashError, so a dead worker never leaves the loader waiting.
 * @module
 */
import { WorkerCrashError } from "../errors.ts";
import type { WorkerHost, WorkerSpawner } from "./host.ts";
import type { DecodeJob, DecodeReply, DecodedTensor, FailReply } from "./protocol.ts";

interface Pending {
  resolve(tensors: DecodedTensor[]): void;
  reject(error: unknown): void;
  worker: number;
}

export class WorkerPool {
  readonly size: number;
  private readonly hosts: WorkerHost[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: unknown = undefined;
  private closed = false;

  constructor(spawner: WorkerSpawner, size: number) {
    this.size = size;
    for (let w = 0; w < size; w++) {
      const host = spawner();
      host.listen(
        (message) => this.onReply(message as DecodeReply | FailReply),
        (cause) => this.onCrash(w, cause),
      );
      this.hosts.push(host);
      this.load.push(0);
    }
  }

  /** Workers alive (0 once terminated). */
  get alive(): number {
    return this.closed ? 0 : this.hosts.length;
  }

  decode(jobs: DecodeJob[]): Promise<DecodedTensor[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new WorkerCrashError(-1, { cause: new Error("the worker pool is closed") }));
    let worker = 0;
    for (let w = 1; w < this.load.length; w++) if (this.load[w]! < this.load[worker]!) worker = w;
    const id = this.nextId++;
    const transfer: ArrayBuffer[] = [];
    for (const job of jobs) transfer.push(job.bytes.buffer as ArrayBuffer, job.offsets.buffer as ArrayBuffer);
    return new Promise<DecodedTensor[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      this.load[worker]!++;
      try {
        this.hosts[worker]!.post({ type: "decode", id, jobs }, transfer);
      } catch (e) {
        this.pending.delete(id);
        this.load[worker]!--;
        reject(e);
      }
    });
  }

  private onReply(message: DecodeReply | FailReply): void {
    const p = this.pending.get(message.id);
    if (!p) return;
    this.pending.delete(message.id);
    this.load[p.worker]!--;
    if (message.type === "decoded") p.resolve(message.tensors);
    else p.reject(new WorkerCrashError(p.worker, { cause: new Error(message.message) }));
  }

  private onCrash(worker: number, cause: unknown): void {
    if (this.closed || this.failure !== undefined) return;
    this.failure = new WorkerCrashError(worker, { cause });
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    this.terminate();
  }

  terminate(): void {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.hosts) h.terminate();
    const error = this.failure ?? new WorkerCrashError(-1, { cause: new Error("the worker pool was closed") });
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
