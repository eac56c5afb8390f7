// `shoal serve` through the built binary: it prints the viewer's URL, serves the page and the dataset's objects by
// byte range, never a path outside the dataset, and stops cleanly on SIGTERM.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { bin, cli, demoData } from "./run-cli.ts";

const t = suite("shoal serve");
let root = "";

t.before(async () => {
  root = await mkdtemp(join(tmpdir(), "shoal-cli-serve-"));
  assert.is((await cli(["import", demoData, join(root, "shapes"), "--quiet"])).code, 0);
});
t.after(async () => {
  await rm(root, { recursive: true, force: true });
});

t("serve prints a loopback URL, answers Range reads of the store, refuses ../, and exits 0 on SIGTERM", async () => {
  const runtime = process.env.SHOAL_RUNTIME ?? "node";
  const pre = runtime === "deno" ? ["run", "-A", "--quiet", bin] : [bin];
  const child = spawn(process.execPath, [...pre, "serve", join(root, "shapes")], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`no URL printed; stderr: ${stderr}`)), 30_000);
      child.stdout.on("data", (d) => {
        out += d;
        const line = out.split("\n")[0]!;
        if (out.includes("\n")) {
          clearTimeout(timer);
          resolve(line.trim());
        }
      });
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    assert.is(page.status, 200);
    assert.match(await page.text(), /<title>shoal viewer<\/title>/);
    const ranged = await fetch(`${url}store/shoal.json`, { headers: { range: "bytes=0-9" } });
    assert.is(ranged.status, 206);
    assert.is((await ranged.arrayBuffer()).byteLength, 10);
    for (const escape of ["store/../../etc/passwd", "store/%2e%2e/%2e%2e/etc/passwd", "store/..%5c..%5cetc%5cpasswd"]) {
      const r = await fetch(`${url}${escape}`);
      assert.ok(r.status >= 400 && r.status < 500, `${escape}: ${r.status}`);
      assert.not.match(await r.text(), /root:/);
    }
  } finally {
    child.kill("SIGTERM");
  }
  const code = await exited;
  // Deno's node:process does not deliver SIGTERM to the handler in a `deno run` child; it ends by the signal there.
  if (runtime !== "deno") assert.is(code, 0, stderr);
});

t("serve refuses a bad port before listening", async () => {
  for (const port of ["99999", "-1", "eighty"]) {
    const bad = await cli(["serve", join(root, "shapes"), "--port", port]);
    assert.is(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^shoal: --port must be/);
  }
});

t.run();
