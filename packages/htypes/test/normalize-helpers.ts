// Shared by the normalisation tests: normalise one sample for a tensor named in `ctx`, or expect a typed refusal
// whose message names that tensor and sample index.
import { isShoalError } from "@shoal/core";
import * as assert from "uvu/assert";
import { resolveTensorMeta } from "../src/meta.ts";
import { normalizeSample } from "../src/normalize.ts";
import type { CreateTensorOptions, NormalizedSample, SampleInput } from "../src/index.ts";

export function normalizer(ctx: { tensor: string; index: number }) {
  async function norm(opts: CreateTensorOptions, sample: SampleInput): Promise<NormalizedSample> {
    return (await normalizeSample(resolveTensorMeta(opts), sample, ctx)).sample;
  }
  async function rejects(opts: CreateTensorOptions, sample: SampleInput, codeName: string, message?: RegExp): Promise<void> {
    try {
      await norm(opts, sample);
    } catch (e) {
      assert.ok(isShoalError(e, codeName), `expected ${codeName}, got ${String(e)}`);
      assert.match((e as Error).message, `tensor "${ctx.tensor}", sample ${ctx.index}`);
      if (message) assert.match((e as Error).message, message);
      return;
    }
    assert.unreachable(`expected ${codeName}`);
  }
  return { norm, rejects };
}
