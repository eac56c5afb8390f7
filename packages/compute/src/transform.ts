/**
 * `compute(fn)` and `pipeline(...)`: Deep Lake's `@deeplake.compute`. A compute function called with its extra
 * arguments is a Transform; `transform.eval(input, ds, opts)` runs it. Threads and processes cannot receive a
 * function, so a transform meant for them names the module that exports it (`{ module: import.meta.url }`) and each
 * worker imports it there: code travels as a module path and an export name, never as source text.
 * @module
 */
import { InvalidArgumentError } from "@shoal/core";
import type { Output } from "./output.ts";
import { type EvalOptions, type EvalResult, type ComputeInputLike, type ComputeTarget, evaluate } from "./eval.ts";

/** `fn(sample, out, ...args)`: reads one input sample and appends zero or more rows to `out`. */
export type TransformFunction<A extends unknown[] = unknown[]> = (sample: any, out: Output, ...args: A) => void | Promise<void>;

export interface ComputeOptions {
  /** URL or path of the module exporting this compute function (usually `import.meta.url`); needed by workers. */
  module?: string | URL;
  /** The export's name in that module; default the function's own name. */
  name?: string;
}

/** One step of a transform: the function to call in this process and how a worker finds the same function. */
export interface Stage {
  readonly name: string;
  readonly fn: TransformFunction;
  readonly module: string | undefined;
  readonly exportName: string;
  readonly args: readonly unknown[];
}

/** Brand a worker looks for on a module export to find the plain function inside a compute function. */
export const FUNCTION: unique symbol = Symbol.for("@shoal/compute.function") as never;

export class Transform {
  readonly stages: readonly Stage[];
  constructor(stages: readonly Stage[]) {
    this.stages = stages;
  }
  /** Runs every input sample through the stages and appends what comes out to `ds`, committed in input order. */
  eval(input: ComputeInputLike, ds: ComputeTarget, opts: EvalOptions = {}): Promise<EvalResult> {
    return evaluate(this, input, ds, opts);
  }
}

export interface ComputeFunction<A extends unknown[]> {
  (...args: A): Transform;
  readonly [FUNCTION]: TransformFunction<A>;
  readonly module: string | undefined;
  readonly exportName: string;
}

/** Wraps `fn(sample, out, ...args)` as a compute function: `compute(fn)(...args).eval(input, ds, opts)`. */
export function compute<A extends unknown[]>(fn: TransformFunction<A>, opts: ComputeOptions = {}): ComputeFunction<A> {
  if (typeof fn !== "function") throw new InvalidArgumentError("[shoal] compute takes a function (sample, out, ...args) => void");
  if (opts.module !== undefined && typeof opts.module !== "string" && !(opts.module instanceof URL)) {
    throw new InvalidArgumentError("[shoal] compute: module must be a URL or path string (e.g. import.meta.url)");
  }
  const exportName = opts.name ?? fn.name;
  if (opts.module !== undefined && !exportName) throw new InvalidArgumentError("[shoal] compute: an anonymous function needs { name } (its export name) to run on workers");
  const module = opts.module === undefined ? undefined : String(opts.module);
  const make = (...args: A) => new Transform([{ name: exportName || "anonymous", fn: fn as TransformFunction, module, exportName, args }]);
  return Object.assign(make, { [FUNCTION]: fn, module, exportName }) as ComputeFunction<A>;
}

/** Chains transforms: each row a stage appends to `out` is one input sample of the next stage. */
export function pipeline(...transforms: Transform[]): Transform {
  if (transforms.length === 0) throw new InvalidArgumentError("[shoal] pipeline takes at least one transform");
  transforms.forEach((t, i) => {
    if (!(t instanceof Transform)) throw new InvalidArgumentError(`[shoal] pipeline argument ${i} is not a transform: call the compute function, e.g. resize(64)`);
  });
  return new Transform(transforms.flatMap((t) => t.stages));
}
