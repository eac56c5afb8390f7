// @runtimes node,node24,bun,deno
// The chunk-boundary cases of boundary-cases.ts on a FileStore (node:fs), after a reopen from disk too.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStore } from "@shoal/storage/fs";
import { test } from "uvu";
import { boundaryTests } from "./boundary-cases.ts";

const dirs: string[] = [];
test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

boundaryTests([
  ["FileStore", () => {
    const d = mkdtempSync(join(tmpdir(), "shoal-chunk-bounds-"));
    dirs.push(d);
    return new FileStore(d);
  }],
]);

test.run();
