// @runtimes node,node24,bun,deno
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type NDArray, ndarray } from "@shoal/core";
import { FileStore } from "@shoal/storage/fs";
import { DatasetEngine } from "../src/index.ts";
import { noise } from "./helpers.ts";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "shoal-chunks-"));
  dirs.push(d);
  return d;
};

test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("a dataset in a real folder round-trips and reopens", async () => {
  const dir = tempDir();
  const ds = await DatasetEngine.create(new FileStore(dir));
  const t = await ds.createTensor("x", { dtype: "uint8", maxChunkSize: 32 * 1024 });
  const data = Array.from({ length: 30 }, (_, i) => ndarray("uint8", [40, 50], noise(2000, i + 1)));
  await t.extend(data);
  await ds.flush();
  const again = await DatasetEngine.open(new FileStore(dir));
  assert.equal(await again.tensor("x").readMany([29, 0, 15]), [data[29], data[0], data[15]]);
});

test("a writer killed mid-extend leaves the last flushed state readable", async () => {
  const dir = tempDir();
  const script = fileURLToPath(new URL("./crash-writer.mjs", import.meta.url));
  const deno = (globalThis as { Deno?: unknown }).Deno !== undefined;
  const args = deno ? ["run", "-A", "--quiet", script, dir] : [script, dir];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Uint8Array) => {
      out += new TextDecoder().decode(d);
      if (out.includes("flushed")) {
        // Let it write more unflushed chunks, then kill it mid-extend.
        setTimeout(() => {
          child.kill("SIGKILL");
          resolve();
        }, 150);
      }
    });
    child.on("exit", (code) => (out.includes("flushed") ? resolve() : reject(new Error(`writer exited early (${code}): ${out}`))));
  });
  const ds = await DatasetEngine.open(new FileStore(dir));
  const x = ds.tensor("x");
  assert.is(x.length, 200);
  const last = (await x.read(199)) as NDArray;
  assert.equal(last.data, noise(4096, 200));
  assert.is(ds.tensor("_x_id").length, 200);
});

test.run();
