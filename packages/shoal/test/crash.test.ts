// A writer killed mid-extend: reopening shows the last flushed state, every row whole in every tensor, and the
// dead writer's lock does not block the next one.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { empty, load } from "../src/index.ts";

const root = new URL("../../../", import.meta.url).pathname;

test("SIGKILL during extend leaves the last flushed state, readable and writable", async () => {
  const dir = mkdtempSync(join(tmpdir(), "shoal-crash-"));
  try {
    const path = join(dir, "ds");
    const ds = await empty(path);
    await ds.createTensor("x", { dtype: "int32", maxChunkSize: 4096 });
    await ds.createTensor("label", { htype: "text" });
    await ds.close();
    const child = spawn("node", ["--import", "tsx", new URL("./fixtures/crash-writer.ts", import.meta.url).pathname, path], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let flushed = 0;
    let stderr = "";
    child.stderr.on("data", (d: Uint8Array) => (stderr += new TextDecoder().decode(d)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Uint8Array) => {
        for (const m of new TextDecoder().decode(d).matchAll(/flushed (\d+)/g)) flushed = Number(m[1]);
        if (flushed >= 40) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.once("exit", (code) => (flushed >= 40 ? resolve() : reject(new Error(`writer exited early (${code}): ${stderr}`))));
    });
    await new Promise((r) => setTimeout(r, 50));
    const after = await load(path);
    const n = after.tensor("x").length;
    assert.ok(n >= 40 && n % 10 === 0, `whole flushed batches only (${n})`);
    assert.is(after.tensor("label").length, n, "both tensors end at the same row");
    const xs = (await after.tensor("x").numpy({ aslist: true })) as { data: Int32Array }[];
    xs.forEach((a, i) => assert.is(a.data[63], i));
    const labels = (await after.tensor("label").text()) as string[];
    assert.is(labels[n - 1], `row ${n - 1}`);
    await after.tensor("label").append("more");
    await after.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
