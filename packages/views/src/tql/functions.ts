/**
 * The TQL function catalogue: names (case-insensitive) and arities, checked before any row is read.
 * @module
 */
import { TQLFunctionError } from "../errors.ts";
import type { Expr } from "./ast.ts";

/** [min, max] argument counts. */
export const FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = {
  contains: [2, 2],
  shape: [1, 1],
  len: [1, 1],
  all: [1, 1],
  all_strict: [1, 1],
  any: [1, 1],
  logical_and: [2, 2],
  logical_or: [2, 2],
  random: [0, 0],
  row_number: [0, 0],
  data: [2, 2],
  l1_norm: [1, 1],
  l2_norm: [1, 1],
  linf_norm: [1, 1],
  cosine_similarity: [2, 2],
  min: [1, 1],
  max: [1, 1],
  mean: [1, 1],
  sum: [1, 1],
  abs: [1, 1],
  sqrt: [1, 1],
};

/** Walks an expression and checks every call against the catalogue. */
export function checkCalls(e: Expr, allowWeights = false): void {
  switch (e.k) {
    case "call": {
      if (e.name === "max_weight" || e.name === "sum_weight") {
        if (!allowWeights) throw new TQLFunctionError(e.name, "is only allowed in SAMPLE BY");
        for (const w of e.weighted ?? []) checkCalls(w.cond);
        return;
      }
      const arity = FUNCTIONS[e.name];
      if (!arity) throw new TQLFunctionError(e.name, `unknown function; known: ${Object.keys(FUNCTIONS).join(", ")}`);
      if (e.args.length < arity[0] || e.args.length > arity[1]) {
        throw new TQLFunctionError(e.name, `takes ${arity[0] === arity[1] ? arity[0] : `${arity[0]}-${arity[1]}`} argument(s), got ${e.args.length}`);
      }
      if (e.name === "data" && e.args[0]?.k !== "ident") throw new TQLFunctionError("data", "first argument must be a tensor name");
      for (const a of e.args) checkCalls(a);
      return;
    }
    case "neg":
    case "not":
      return checkCalls(e.e);
    case "bin":
      checkCalls(e.l);
      return checkCalls(e.r);
    case "in":
      checkCalls(e.e);
      for (const x of e.list) checkCalls(x);
      return;
    case "array":
      for (const x of e.items) checkCalls(x);
      return;
    case "sub":
      checkCalls(e.e);
      for (const it of e.items) {
        if (it.k === "idx") checkCalls(it.e);
        else for (const b of [it.start, it.stop, it.step]) if (b) checkCalls(b);
      }
      return;
    default:
      return;
  }
}
