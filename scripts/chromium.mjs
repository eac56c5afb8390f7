// The `chromium` runtime of scripts/test.mjs: a test file is bundled for the browser with esbuild, served from a
// loopback server and run in a page of one headless Debian Chromium (driven by playwright-core, never a downloaded
// browser). uvu runs unchanged there: it writes its report with console.log, which the page's console hands back,
// so the result has the same text the other runtimes print and test.mjs reads it the same way.
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";

export const CHROMIUM = process.env.SHOAL_CHROMIUM ?? "/usr/bin/chromium";

// The flags that keep a headless Chromium quiet and self-contained on a CI box: no sandbox (containers), no GPU,
// no network traffic of its own (QUIC, component updates, sync).
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

// esbuild leaves `new URL("./decode-worker.js", import.meta.url)` alone, as an app's bundler config would; the
// loader's Web Worker entry is therefore served, bundled, beside every test bundle that asks for it.
const WORKER_ENTRIES = { "decode-worker.js": "packages/loader/src/decode-worker.ts" };

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".json": "application/json" };

/** Why the chromium runtime cannot run here, or undefined when it can. */
export function chromiumMissing() {
  if (!existsSync(CHROMIUM)) return `chromium not found at ${CHROMIUM} (set SHOAL_CHROMIUM, or apt-get install -y chromium as .ci/run does; --runtimes without chromium skips the browser leg)`;
  return undefined;
}

export class ChromiumRuntime {
  #root;
  #timeoutMs;
  #browser;
  #server;
  #base;
  #bundles = new Map();
  #starting;

  constructor(root, timeoutMs) {
    this.#root = root;
    this.#timeoutMs = timeoutMs;
  }

  /** Bundles `file` and runs it in a fresh page; `{ text, code, timedOut }` like a child process's output. */
  async run(file) {
    await (this.#starting ??= this.#start());
    const rel = relative(this.#root, file).split(sep).join("/");
    const built = await this.#bundle(file);
    if (built.error) return { text: built.error, code: 1, timedOut: false };
    const context = await this.#browser.newContext();
    const page = await context.newPage();
    let text = "";
    let code = 0;
    let finished;
    const done = new Promise((r) => (finished = r));
    page.on("console", (m) => {
      text += `${m.text()}\n`;
      if (/Duration:/.test(m.text())) finished("done");
    });
    // An uncaught error or unhandled rejection fails the file, as it would end a Node process with a non-zero code.
    // It may come before uvu ever runs (a module that throws while loading), so the page ends a moment later
    // instead of waiting out the timeout; a report already on its way still arrives in that moment.
    page.on("pageerror", (e) => {
      text += `uncaught in the page: ${e.stack ?? e.message}\n`;
      code = 1;
      setTimeout(() => finished("error"), 1000);
    });
    page.on("crash", () => {
      text += "the page crashed\n";
      code = 1;
      finished("crash");
    });
    let timer;
    const timeout = new Promise((r) => (timer = setTimeout(() => r("timeout"), this.#timeoutMs)));
    try {
      await page.goto(`${this.#base}${rel}.html`);
      const how = await Promise.race([done, timeout]);
      // Let a late rejection (after the summary) reach pageerror before the page goes away.
      if (how === "done") await page.evaluate(() => new Promise((r) => setTimeout(r, 20)));
      return { text, code, timedOut: how === "timeout" };
    } catch (e) {
      return { text: `${text}${e.message}\n`, code: 1, timedOut: false };
    } finally {
      clearTimeout(timer);
      await context.close().catch(() => {});
    }
  }

  async close() {
    if (!this.#starting) return;
    await this.#starting.catch(() => {});
    await this.#browser?.close().catch(() => {});
    await new Promise((r) => (this.#server ? this.#server.close(() => r()) : r()));
  }

  async #start() {
    const missing = chromiumMissing();
    if (missing) throw new Error(missing);
    const { chromium } = await import("playwright-core");
    // launch() gives the browser a fresh temporary profile of its own (--user-data-dir) and removes it on close.
    this.#browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise((r, j) => {
      this.#server.once("error", j);
      this.#server.listen(0, "127.0.0.1", r);
    });
    this.#base = `http://127.0.0.1:${this.#server.address().port}/`;
  }

  #bundle(file) {
    let p = this.#bundles.get(file);
    if (!p) {
      p = bundle(file, this.#root);
      this.#bundles.set(file, p);
    }
    return p;
  }

  // Serves, for a test at <dir>/x.test.ts: <dir>/x.test.ts.html (the page), <dir>/x.test.ts.js (the bundle), any
  // other .ts under the root bundled (worker modules a test names by URL), the loader's worker entry, and files
  // under the root as they are (fixtures a test fetches relative to import.meta.url).
  async #handle(req, res) {
    const send = (status, body, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    try {
      const path = decodeURIComponent(new URL(req.url, "http://x").pathname).slice(1);
      const abs = resolve(this.#root, path);
      if (abs !== this.#root && !abs.startsWith(this.#root + sep)) return send(403, "outside the repository\n");
      if (path.endsWith(".ts.html")) {
        const name = path.slice(path.lastIndexOf("/") + 1, -".html".length);
        return send(200, `<!doctype html><meta charset="utf-8"><title>${name}</title><script type="module" src="./${name}.js"></script>\n`, TYPES[".html"]);
      }
      const name = path.slice(path.lastIndexOf("/") + 1);
      const source = path.endsWith(".ts.js") ? abs.slice(0, -".js".length) : path.endsWith(".ts") ? abs : WORKER_ENTRIES[name] ? join(this.#root, WORKER_ENTRIES[name]) : undefined;
      if (source) {
        const built = await this.#bundle(source);
        return built.error ? send(500, built.error) : send(200, built.js, TYPES[".js"]);
      }
      if (!existsSync(abs) || !statSync(abs).isFile()) return send(404, "not found\n");
      const ext = abs.slice(abs.lastIndexOf("."));
      return send(200, readFileSync(abs), TYPES[ext] ?? "application/octet-stream");
    } catch (e) {
      return send(500, `${e.message}\n`);
    }
  }
}

async function bundle(file, root) {
  const { build } = await import("esbuild");
  try {
    const out = await build({
      entryPoints: [file],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      write: false,
      outfile: join(tmpdir(), "shoal-chromium-bundle.js"),
      logLevel: "silent",
      absWorkingDir: root,
    });
    return { js: out.outputFiles[0].contents };
  } catch (e) {
    const messages = (e.errors ?? [{ text: e.message }]).map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ""}${m.text}`);
    const hint = messages.some((m) => /node:|built into node/.test(m))
      ? "\nA test that needs node: APIs runs outside the browser: give it a `// @runtimes node,node24,bun,deno` header."
      : "";
    return { error: `cannot bundle ${relative(root, file)} for the browser:\n${messages.join("\n")}${hint}\n` };
  }
}
