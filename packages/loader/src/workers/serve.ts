/**
 * The body of a decode worker, independent of how messages arrive: decode every job of a request, reply once.
 * @module
 */
import { decodeJob, transferablesOf } from "./decode-core.ts";
import type { DecodeReply, DecodeRequest, FailReply } from "./protocol.ts";

export type Reply = (message: DecodeReply | FailReply, transfer: ArrayBuffer[]) => void;

export async function serve(request: DecodeRequest, reply: Reply): Promise<void> {
  try {
    const tensors = [];
    for (const job of request.jobs) tensors.push(await decodeJob(job));
    reply({ type: "decoded", id: request.id, tensors }, transferablesOf(tensors));
  } catch (e) {
    reply({ type: "failed", id: request.id, message: e instanceof Error ? e.message : String(e) }, []);
  }
}
