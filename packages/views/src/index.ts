/**
 * `@shoal/views`: index math, lazy views, filter, TQL, sampling and splits over any TensorSource.
 * @module
 */
export type * from "./source.ts";
