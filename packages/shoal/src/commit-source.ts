/**
 * The dataset as of one commit, read-only: what saved views are loaded over. It is both the @shoal/views
 * TensorSource (queries, `column`, the loader, `optimize` read through it) and the TensorHost of the `Tensor`s a
 * loaded view hands out, so every read path of a loaded view sees the commit's data, wherever HEAD has moved since.
 * @module
 */
import { ReadOnlyModeError } from "@shoal/core";
import type { DatasetEngine, TensorEngine } from "@shoal/chunks";
import type { TensorColumn, TensorSource } from "@shoal/views";
import { visibleTensor } from "./rows.ts";
import type { TensorHost } from "./tensor.ts";

export class CommitSource implements TensorSource, TensorHost {
  readonly commitId: string;
  readonly engine: DatasetEngine;

  constructor(commitId: string, engine: DatasetEngine) {
    this.commitId = commitId;
    this.engine = engine;
  }

  get length(): number {
    return this.engine.length;
  }
  tensorNames(): readonly string[] {
    return this.engine.tensorNames();
  }
  tensor(name: string): TensorColumn {
    return this.engine.tensor(name);
  }
  /** A commit never changes, so views over it never go stale. */
  version(): string {
    return `commit:${this.commitId}`;
  }

  // ---------- TensorHost: reads only ----------

  engineTensor(name: string): TensorEngine {
    return visibleTensor(this.engine, name);
  }
  #refuse(what: string): never {
    throw new ReadOnlyModeError(`${what}: a saved view loaded at commit ${this.commitId}`);
  }
  async extendTensor(name: string): Promise<void> {
    this.#refuse(`extend of tensor ${JSON.stringify(name)}`);
  }
  async updateTensor(name: string): Promise<void> {
    this.#refuse(`update of tensor ${JSON.stringify(name)}`);
  }
  async popTensor(name: string): Promise<void> {
    this.#refuse(`pop of tensor ${JSON.stringify(name)}`);
  }
  setTensorInfo(name: string): void {
    this.#refuse(`info of tensor ${JSON.stringify(name)}`);
  }
}
